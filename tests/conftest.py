"""Fixtures shared by the whole suite.

The suite runs its own stack beside the demo stack: its data lives in ``var/test`` and its
ports are shifted by 100, unless ``CLOUDBANK_VAR_DIR`` / ``CLOUDBANK_PORT_OFFSET`` say
otherwise. These defaults are set before anything reads the settings.

- ``stack`` (session): the suite's databases, started on first use, stopped at the end unless
  they were already running before the session (a developer's ``cloudbank up`` is left alone).
  Tests that request it are marked ``stack`` (deselect them with ``-m "not stack"``).
- ``new_stack`` (module): a factory of throwaway stacks (temporary var dir, own port offset)
  for tests that start, stop or break servers on purpose.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("CLOUDBANK_VAR_DIR", str(REPO_ROOT / "var" / "test"))
os.environ.setdefault("CLOUDBANK_PORT_OFFSET", "100")

from infra.local.components import all_components  # noqa: E402
from infra.local.process import StackError, port_in_use  # noqa: E402
from infra.local.stack import Stack  # noqa: E402
from orchestration.home import apply_dagster_env  # noqa: E402
from services.common.settings import Settings, get_settings  # noqa: E402

apply_dagster_env()  # in-process runs behave as the stack's (see orchestration/home.py)

#: Offsets a throwaway stack may use. Multiples of 100 never make one stack's port land on
#: another's (the base ports differ by other amounts).
THROWAWAY_OFFSETS = range(300, 1000, 100)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def stack() -> Iterator[Settings]:
    """The suite's stack, running; yields its Settings."""
    settings = get_settings()
    local = Stack(settings)
    # the Dagster UI and daemon serve people, not tests: they are not part of the test stack
    names = [c.name for c in local.components if c.managed and getattr(c, "test_stack", True)]
    already_running = {c.name for c in local.components if local.pid_file(c).live_pid()}
    try:
        error = None
        try:
            local.up(names)
        except StackError as exc:
            error = str(exc)
        if error:
            pytest.fail(f"cannot start the test stack: {error}", pytrace=False)
        yield settings
    finally:
        started_here = [n for n in names if n not in already_running]
        if started_here:  # an empty selection would mean "everything"
            local.down(started_here)


def _ports_at(offset: int) -> list[int]:
    settings = Settings(_env_file=None, port_offset=offset)
    return [port for component in all_components(settings) for port in component.ports]


def _free_offset(preferred: int, taken: set[int]) -> int:
    """``preferred`` if all its ports are free, else the next offset that is."""
    candidates = [preferred, *(o for o in THROWAWAY_OFFSETS if o != preferred)]
    for offset in candidates:
        if offset in taken:
            continue
        if not any(port_in_use("127.0.0.1", port) for port in _ports_at(offset)):
            return offset
    raise StackError(f"no free port offset among {list(THROWAWAY_OFFSETS)}")


@pytest.fixture(scope="module")
def new_stack() -> Iterator[Callable[[int], Stack]]:
    """``new_stack(preferred_offset)`` -> a Stack over a fresh temporary var dir.

    Nothing is started; whatever the test starts is stopped and the var dir removed when
    the module is done.
    """
    made: list[Stack] = []

    def make(preferred_offset: int) -> Stack:
        taken = {int(os.environ["CLOUDBANK_PORT_OFFSET"])}
        taken |= {s.settings.port_offset for s in made}
        var_dir = Path(tempfile.mkdtemp(prefix="cloudbank-test-"))
        var_dir.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
        settings = Settings(
            _env_file=None, var_dir=var_dir, port_offset=_free_offset(preferred_offset, taken)
        )
        made.append(Stack(settings))
        return made[-1]

    yield make
    for local in made:
        try:
            local.down()
        finally:
            shutil.rmtree(local.settings.var_dir, ignore_errors=True)
