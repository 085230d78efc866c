"""What the benchmarks share: a throwaway stack, so that a benchmark never writes into the
developer's own databases (``make demo``'s pipeline judges everything in them)."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from infra.local.stack import Stack
from services.common.settings import Settings


@contextlib.contextmanager
def throwaway_stack(offset: int, prefix: str = "cloudbank-bench-") -> Iterator[Stack]:
    """A stack on a temporary var dir and the port offset ``offset`` (nothing started yet);
    stopped and deleted on exit."""
    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    var_dir.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
    stack = Stack(Settings(_env_file=None, var_dir=var_dir, port_offset=offset))
    try:
        yield stack
    finally:
        stack.down()
        shutil.rmtree(var_dir, ignore_errors=True)
