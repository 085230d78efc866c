"""Runs a table's suite with Great Expectations (GX Core) and keeps the evidence.

GX is imported on first use and the context is built once per process (the import alone
costs seconds). Validation results go to a filesystem store under ``docs_dir`` so the static
Data Docs site there accumulates every run, whichever process ran it.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from ingestion.tables import TableSpec
from quality.frames import to_pandas
from quality.suites import ExpectationSpec, suite_for

_LOCK = threading.Lock()


@dataclass
class CheckOutcome:
    """The result of one check on one table, as Dagster and the JSON files see it."""

    check: str
    table: str
    passed: bool
    stats: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # human-readable, one per failure
    details: dict = field(default_factory=dict)  # full results (JSON-able)

    @property
    def description(self) -> str:
        if self.passed:
            return f"{self.check} on {self.table}: passed"
        return f"{self.check} on {self.table} failed: " + "; ".join(self.failures[:10])

    def as_json(self) -> dict:
        return {
            "check": self.check,
            "table": self.table,
            "passed": self.passed,
            "stats": self.stats,
            "failures": self.failures,
            "details": self.details,
        }


@functools.cache
def _gx():
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


@functools.cache
def _context(docs_dir: str):
    """Suites, definitions and checkpoints in memory (rebuilt each run from code); validation
    results on disk, so the Data Docs site lists every run."""
    gx, _ = _gx()
    from great_expectations.data_context.types.base import DataContextConfig, ProgressBarsConfig

    root = Path(docs_dir)
    memory = {"class_name": "InMemoryStoreBackend"}
    config = DataContextConfig(
        stores={
            "expectations_store": {"class_name": "ExpectationsStore", "store_backend": memory},
            "validation_definition_store": {
                "class_name": "ValidationDefinitionStore",
                "store_backend": memory,
            },
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": memory},
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(root / "validations"),
                },
            },
        },
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        data_docs_sites={
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(root / "data_docs"),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_or_update_pandas("lake")
    return context


def warm_up() -> None:
    """Import GX now (e.g. before timing something else)."""
    _gx()


class QualityRunner:
    def __init__(self, docs_dir: str | Path):
        self.docs_dir = Path(docs_dir)

    @property
    def data_docs_index(self) -> Path:
        return self.docs_dir / "data_docs" / "index.html"

    def build_docs(self) -> Path:
        """(Re)build the static Data Docs site from every stored validation result. Done once
        per run rather than per check: the index build is the expensive part."""
        with _LOCK:
            _context(str(self.docs_dir)).build_data_docs()
        return self.data_docs_index

    def validate(
        self,
        spec: TableSpec,
        table: pa.Table,
        *,
        expected_rows: int | None,
        run_id: str,
        now: datetime | None = None,
        build_docs: bool = False,
    ) -> CheckOutcome:
        """Validate ``table`` (lake schema, optionally plus ``dt``) against its suite."""
        gx, gxe = _gx()
        data = table.drop_columns(["dt"]) if "dt" in table.column_names else table
        schema_ok = data.schema.remove_metadata() == spec.lake_schema
        expectations = suite_for(spec, expected_rows=expected_rows, now=now or datetime.now(UTC))
        name = f"raw.{spec.source}.{spec.name}"
        with _LOCK:
            context = _context(str(self.docs_dir))
            source = context.data_sources.get("lake")
            try:
                asset = source.get_asset(name)
            except LookupError:
                asset = source.add_dataframe_asset(name)
            try:
                batch = asset.get_batch_definition("whole")
            except KeyError:
                batch = asset.add_batch_definition_whole_dataframe("whole")
            # replace, not add_or_update: that one compares every expectation pairwise
            for factory in (context.checkpoints, context.validation_definitions, context.suites):
                with contextlib.suppress(Exception):
                    factory.delete(name)
            suite = context.suites.add(
                gx.ExpectationSuite(
                    name=name, expectations=[getattr(gxe, e.type)(**e.kwargs) for e in expectations]
                )
            )
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            actions = [gx.checkpoint.UpdateDataDocsAction(name="docs")] if build_docs else []
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(name=name, validation_definitions=[definition], actions=actions)
            )
            result = checkpoint.run(
                batch_parameters={"dataframe": to_pandas(data)}, run_id=_run_id(gx, run_id)
            )
        validation = next(iter(result.run_results.values()))
        failures = (
            [] if schema_ok else [f"arrow schema differs from the declared one: {data.schema}"]
        )
        evaluated = []
        for r in validation.results:
            item = {
                "expectation": r.expectation_config.type,
                "kwargs": {k: v for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
                "success": bool(r.success),
                "observed": _observed(r.result),
            }
            evaluated.append(item)
            if not r.success:
                failures.append(f"{_label(r)}: {_short(r.result)}")
        stats = {
            "rows": data.num_rows,
            "expected_rows": expected_rows,
            "expectations": len(evaluated) + 1,
            "failed": len(failures),
            "success_percent": round(
                100.0 * (len(evaluated) + 1 - len(failures)) / (len(evaluated) + 1), 2
            ),
        }
        return CheckOutcome(
            check="gx_suite",
            table=spec.key,
            passed=not failures,
            stats=stats,
            failures=failures,
            details={"suite": name, "arrow_schema_ok": schema_ok, "results": evaluated},
        )


def _run_id(gx, run_id: str):
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))


def _label(result) -> str:
    config = result.expectation_config
    return ExpectationSpec(config.type, dict(config.kwargs)).label.replace("expect_", "expect_")


def _observed(result: dict) -> dict:
    keep = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    return {k: _jsonable(result[k]) for k in keep if k in result}


def _short(result: dict) -> str:
    if "partial_unexpected_list" in result:
        sample = [_jsonable(v) for v in result["partial_unexpected_list"][:5]]
        return f"{result.get('unexpected_count')} unexpected, e.g. {sample}"
    return f"observed {_jsonable(result.get('observed_value'))}"


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
