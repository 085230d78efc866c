"""The checks the pipeline runs after each raw table lands, on the partitions it wrote.

Each returns a ``CheckOutcome`` and records it as JSON under the lake's ``quality/`` prefix:
``quality/<source>/<table>/run=<run_id>/<check>.json``.
"""

from __future__ import annotations

from ingestion.extract.base import Extractor
from ingestion.lake import Lake
from ingestion.tables import TableSpec
from quality.reconcile import check_balances, compare, lake_window, reconcile
from quality.runner import CheckOutcome, QualityRunner


def result_path(spec: TableSpec, run_id: str, check: str) -> str:
    return f"quality/{spec.source}/{spec.name}/run={run_id}/{check}.json"


def record(lake: Lake, spec: TableSpec, run_id: str, outcome: CheckOutcome) -> CheckOutcome:
    outcome.stats["result_path"] = lake.write_json(
        result_path(spec, run_id, outcome.check), {"run_id": run_id, **outcome.as_json()}
    )
    return outcome


def table_checks(
    spec: TableSpec,
    lake: Lake,
    extractor: Extractor,
    runner: QualityRunner,
    dts: list[str],
    run_id: str,
) -> tuple[CheckOutcome, CheckOutcome]:
    """The GX suite and the reconciliation of the lake rows of ``dts``, in that order. Both
    judge the same window against the same source profile, so the lake window and the source
    are each read once (an event table's first load has thousands of partitions)."""
    window = lake_window(lake, spec, dts)
    comparison = compare(window, extractor)
    suite = runner.validate(
        spec, window.rows, expected_rows=comparison.expected_lake_rows, run_id=run_id
    )
    suite.stats["partitions"] = len(window.dts)
    reconciliation = reconcile(window, extractor, comparison)
    return record(lake, spec, run_id, suite), record(lake, spec, run_id, reconciliation)


def balance_check(
    spec: TableSpec, lake: Lake, extractor: Extractor, dt: str, run_id: str
) -> CheckOutcome:
    return record(lake, spec, run_id, check_balances(lake, extractor, dt))
