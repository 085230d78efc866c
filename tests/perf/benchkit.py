"""What the benchmarks share: a throwaway stack, so that a benchmark never writes into the
developer's own databases (``make demo``'s pipeline judges everything in them), and the
load generator."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
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


# --- wrk: the load generator (C, ~0.2 ms of CPU a request, so it takes little from the
# servers it measures on the same cores). Debian package ``wrk``, installed by ``make setup``.
@dataclass(frozen=True)
class WrkResult:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers and socket errors


# GETs of ``paths`` in turn, each thread starting at its own place in the list
_PATHS_SCRIPT = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local threads = 0
function setup(thread) thread:set("start", threads * 7919) threads = threads + 1 end
function init(args) i = start or 0 end
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i], headers)
end
"""


def run_wrk(base_url: str, script: str, seconds: float, connections: int, threads: int = 2) -> str:
    """wrk's report of ``script`` (Lua) run against ``base_url``, with latency percentiles."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run make setup (or apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        argv = [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            lua.name,
            base_url,
        ]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def wrk_get(
    base_url: str,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    connections: int,
    threads: int = 2,
) -> WrkResult:
    """GETs of ``paths`` (cycled) with ``headers`` over ``connections`` keep-alive
    connections for ``seconds``."""
    script = _PATHS_SCRIPT % {
        "paths": ",".join(json.dumps(p) for p in paths),
        "headers": ",".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()),
    }
    return parse_wrk(run_wrk(base_url, script, seconds, connections, threads))


_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(report: str) -> WrkResult:
    latency = {p: float(v) * _MS[unit] for p, v, unit in _PERCENTILE.findall(report)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    socket_errors = re.search(r"Socket errors: (.*)", report)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return WrkResult(
        requests=int(re.search(r"(\d+) requests in", report).group(1)),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        errors=errors,
    )
