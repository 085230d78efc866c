"""Start, stop and inspect the local stack as a whole."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from infra.local.components import Component, all_components
from infra.local.process import PidFile, StackError, port_in_use, spawn, terminate, wait_until
from services.common.settings import Settings

log = logging.getLogger("cloudbank.stack")


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    state: str  # running | stopped | external | unhealthy
    pid: int | None
    port: int
    healthy: bool
    detail: str


class Stack:
    def __init__(self, settings: Settings, components: list[Component] | None = None):
        self.settings = settings
        self.components = components if components is not None else all_components(settings)

    def select(self, names: Iterable[str] | None) -> list[Component]:
        if not names:
            return list(self.components)
        known = {c.name: c for c in self.components}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise StackError(
                f"unknown component(s): {', '.join(unknown)}; known: {', '.join(known)}"
            )
        return [c for c in self.components if c.name in set(names)]

    def pid_file(self, component: Component) -> PidFile:
        return PidFile(self.settings.run_dir / f"{component.name}.pid")

    # --- up -------------------------------------------------------------------------------
    def up(self, names: Iterable[str] | None = None) -> dict[str, float]:
        """Start the selected components; returns seconds each took to be ready.

        Components start wave by wave (stores first, then the applications); the members of
        a wave start in list order when sequential, or all at once when the wave is parallel.
        """
        timings: dict[str, float] = {}

        def timed_start(component: Component) -> None:
            started = time.monotonic()
            self.start(component)
            timings[component.name] = time.monotonic() - started

        selected = self.select(names)
        for wave in sorted({c.wave for c in selected}):
            members = [c for c in selected if c.wave == wave]
            if len(members) == 1 or not members[0].parallel_wave:
                for component in members:
                    timed_start(component)
                continue
            with ThreadPoolExecutor(max_workers=len(members)) as pool:
                futures = [pool.submit(timed_start, c) for c in members]
                for future in futures:
                    future.result()  # the first failure is raised, after all have finished
        return timings

    def start(self, component: Component) -> None:
        if not component.managed:
            return
        pid_file = self.pid_file(component)
        pid = pid_file.live_pid()
        if pid is None:
            self._check_ports_free(component)
            component.prepare()
            process = spawn(
                component.argv(), component.log_path, user=component.user, env=component.env
            )
            pid_file.write(process.pid)
            pid = process.pid
            log.info("started %s (pid %s, port %s)", component.name, pid, component.port)

        def ready() -> bool:
            if pid_file.live_pid() is None:
                raise StackError(
                    f"{component.name} exited while starting; last log lines:\n"
                    + self.tail(component, 15)
                )
            return component.is_ready()

        try:
            ok = wait_until(ready, component.ready_timeout)
        except StackError:
            pid_file.remove()
            raise
        if not ok:
            raise StackError(
                f"{component.name} did not become ready in {component.ready_timeout:.0f}s; "
                f"see {component.log_path}"
            )
        component.after_start()

    def _check_ports_free(self, component: Component) -> None:
        for port in component.ports:
            if port_in_use(self.settings.host, port):
                raise StackError(
                    f"port {port} ({component.name}) is already in use by another process; "
                    f"stop that process or move ours with CLOUDBANK_PORT_OFFSET or the "
                    f"{component.name} port setting"
                )

    # --- down -----------------------------------------------------------------------------
    def down(self, names: Iterable[str] | None = None) -> list[str]:
        """Stop the selected components (reverse order); returns the names actually stopped."""
        stopped = []
        for component in reversed(self.select(names)):
            pid_file = self.pid_file(component)
            pid = pid_file.live_pid()
            if pid is None:
                continue
            clean = terminate(pid, component.stop_signal, component.stop_timeout)
            pid_file.remove()
            stopped.append(component.name)
            log.info("stopped %s (pid %s)%s", component.name, pid, "" if clean else " forcibly")
        return stopped

    # --- status / logs --------------------------------------------------------------------
    def status(self) -> list[ComponentStatus]:
        result = []
        for component in self.components:
            pid = self.pid_file(component).live_pid() if component.managed else None
            if component.managed and pid is None:
                result.append(
                    ComponentStatus(component.name, "stopped", None, component.port, False, "")
                )
                continue
            healthy, detail = component.health()
            state = "external" if not component.managed else "running"
            if not healthy:
                state = "unhealthy"
            result.append(
                ComponentStatus(component.name, state, pid, component.port, healthy, detail)
            )
        return result

    def tail(self, component: Component, lines: int) -> str:
        try:
            text = component.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log yet)"
        return "\n".join(text.splitlines()[-lines:])
