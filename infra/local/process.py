"""Child processes of the local stack: start detached, track by pid file, stop gracefully.

A pid file records the pid and the process start time, so a pid reused by an unrelated
process after a crash is never mistaken for ours (a stale pid file is simply removed).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class StackError(RuntimeError):
    """A problem the user must act on; the message says what and how."""


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie is as good as gone
        return None
    return fields[19]


@dataclass(frozen=True)
class PidFile:
    path: Path

    def write(self, pid: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(f"{pid} {process_start_time(pid) or ''}\n")

    def live_pid(self) -> int | None:
        """The recorded pid if that very process still runs; a stale file is removed."""
        try:
            pid_text, _, started = self.path.read_text().strip().partition(" ")
            pid = int(pid_text)
        except (FileNotFoundError, ValueError):
            return None
        if process_start_time(pid) in (None, "") or process_start_time(pid) != started:
            self.path.unlink(missing_ok=True)
            return None
        return pid

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed.

    An exception from ``predicate`` counts as "not yet", except a StackError: that one means
    waiting longer cannot help (the process died, say) and is raised at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return True
        except StackError:
            raise
        except Exception:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def spawn(
    argv: list[str],
    log_path: Path,
    *,
    user: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen:
    """Start ``argv`` in its own session (it outlives the CLI), output appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {}
    if user and os.geteuid() == 0 and user != "root":
        entry = pwd.getpwnam(user)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
            cwd=cwd,
            **kwargs,
        )


def terminate(pid: int, sig: signal.Signals, timeout: float) -> bool:
    """Send ``sig`` to the process group of ``pid``; escalate to SIGKILL after ``timeout``."""
    started = process_start_time(pid)
    if started is None:
        return True

    def gone() -> bool:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return process_start_time(pid) != started

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
    if wait_until(gone, timeout):
        return True
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    wait_until(gone, 5)
    return False
