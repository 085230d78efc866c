"""Benchmark of the local stack: cold first ``up``, warm ``up`` and ``down``.

    python tests/perf/bench_stack.py [--repeat 3] [--offset 700]

Each repetition uses a fresh temporary var dir: the cold ``up`` initialises and starts every
component, ``down`` stops them, the warm ``up`` starts them over the data just created. Prints
the median seconds per component and the total time until ``status`` reports every component
healthy. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from benchkit import throwaway_stack  # noqa: E402

from infra.local.process import StackError  # noqa: E402
from infra.local.stack import Stack  # noqa: E402


def up_until_healthy(stack: Stack) -> tuple[dict[str, float], float]:
    """Per-component seconds of ``up`` and the total until every component is healthy."""
    started = time.monotonic()
    timings = stack.up()
    if not all(s.healthy for s in stack.status()):
        raise StackError(f"not healthy after up: {stack.status()}")
    return timings, time.monotonic() - started


def down_each(stack: Stack) -> tuple[dict[str, float], float]:
    """Stop components one by one (reverse start order), timing each."""
    timings = {}
    started = time.monotonic()
    for component in reversed(stack.components):
        t0 = time.monotonic()
        stack.down([component.name])
        timings[component.name] = time.monotonic() - t0
    return timings, time.monotonic() - started


def one_round(offset: int) -> dict[str, tuple[dict[str, float], float]]:
    with throwaway_stack(offset) as stack:
        cold = up_until_healthy(stack)
        down = down_each(stack)
        warm = up_until_healthy(stack)
        down_each(stack)
        return {"cold": cold, "warm": warm, "down": down}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--offset", type=int, default=700, help="port offset (default 700)")
    args = parser.parse_args()

    rounds = []
    for n in range(args.repeat):
        try:
            rounds.append(one_round(args.offset))
        except StackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        totals = ", ".join(f"{k} {v[1]:.2f}s" for k, v in rounds[-1].items())
        print(f"round {n + 1}/{args.repeat}: {totals}", file=sys.stderr)

    def median(kind: str, name: str | None = None) -> float:
        return statistics.median(r[kind][0][name] if name else r[kind][1] for r in rounds)

    names = list(rounds[0]["cold"][0])
    print(f"\nlocal stack, median of {len(rounds)} (seconds)")
    print(f"{'component':<12} {'cold up':>8} {'warm up':>8} {'down':>8}")
    for name in names:
        print(
            f"{name:<12} {median('cold', name):>8.2f} {median('warm', name):>8.2f}"
            f" {median('down', name):>8.2f}"
        )
    print(
        f"{'all healthy':<12} {median('cold'):>8.2f} {median('warm'):>8.2f} {median('down'):>8.2f}"
    )
    print(
        "range of totals: "
        + ", ".join(
            f"{kind} {min(r[kind][1] for r in rounds):.2f}-{max(r[kind][1] for r in rounds):.2f}s"
            for kind in ("cold", "warm", "down")
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
