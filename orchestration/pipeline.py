"""Run the whole pipeline once, in this process (``cloudbank pipeline``, ``make pipeline``).

One run of the ``raw_pipeline`` job covers the business dates ``start``..``end`` (default:
yesterday and today, like the hourly schedule; the first run into an empty lake also loads the
sources' whole history) with the in-process executor; when it passes, one run of
``marts_pipeline`` (dbt build and the analytics snapshot) follows, with those dates as the
facts' window. The report names every failed step and every failed check with the
expectations that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import dagster as dg

from orchestration.defs.pipeline.schedules import full_refresh_config
from orchestration.defs.pipeline.sensors import MARTS_INLINE_TAG
from orchestration.lib.partitions import clamp, hourly_window, range_tags, today

JOB = "raw_pipeline"
MARTS_JOB = "marts_pipeline"


@dataclass
class PipelineReport:
    run_id: str
    start: date
    end: date
    success: bool
    marts_run_id: str | None = None
    materialized: list[str] = field(default_factory=list)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[tuple[str, str]] = field(default_factory=list)  # (check, description)
    steps_failed: list[tuple[str, str]] = field(default_factory=list)  # (step, error)
    not_run: list[str] = field(default_factory=list)
    data_docs: str | None = None

    @property
    def ok(self) -> bool:
        return self.success and not self.checks_failed and not self.steps_failed

    def lines(self) -> list[str]:
        out = [f"run {self.run_id}: business dates {self.start} .. {self.end}"]
        if self.marts_run_id:
            out.append(f"run {self.marts_run_id}: marts (dbt build, analytics snapshot)")
        out += [f"  materialized  {k}" for k in self.materialized]
        out += [f"  check passed  {k}" for k in self.checks_passed]
        out += [f"  CHECK FAILED  {k}: {d}" for k, d in self.checks_failed]
        out += [f"  STEP FAILED   {k}: {e}" for k, e in self.steps_failed]
        out += [f"  not run       {k}" for k in self.not_run]
        if self.data_docs:
            out.append(f"  data docs     {self.data_docs}")
        return out


def run_pipeline(
    *,
    start: date | None = None,
    end: date | None = None,
    full_refresh: bool = False,
    resource_overrides: dict | None = None,
    instance: dg.DagsterInstance | None = None,
    defs: dg.Definitions | None = None,
    log_level: str = "INFO",
) -> PipelineReport:
    from orchestration.definitions import build_defs

    defs = defs or build_defs(resource_overrides)
    job = defs.resolve_job_def(JOB)
    if start is None:
        start = hourly_window(datetime.now(UTC))[0]
    start, end = clamp(start, end or today())
    run_config = full_refresh_config() if full_refresh else {}
    run_config["loggers"] = {"console": {"config": {"log_level": log_level}}}
    tags = range_tags(start, end)
    result = job.execute_in_process(
        instance=instance,
        tags={**tags, MARTS_INLINE_TAG: "true"},
        run_config=run_config,
        raise_on_error=False,
    )
    report = PipelineReport(result.run_id, start, end, result.success)
    _collect(report, result, job)
    if any(j.name == MARTS_JOB for j in defs.jobs or []):
        marts = defs.resolve_job_def(MARTS_JOB)
        if result.success:
            from orchestration.defs.pipeline.sensors import marts_run_config

            marts_result = marts.execute_in_process(
                instance=instance,
                tags={"cloudbank/raw_run": result.run_id},
                run_config={**marts_run_config(tags), "loggers": run_config["loggers"]},
                raise_on_error=False,
            )
            report.marts_run_id = marts_result.run_id
            report.success = marts_result.success
            _collect(report, marts_result, marts)
        else:
            report.not_run += sorted(
                k.to_user_string() for k in marts.asset_layer.executable_asset_keys
            )
    quality = (defs.resources or {}).get("quality")
    if quality is not None:
        report.data_docs = str(quality.get().build_docs())
    return report


def _collect(report: PipelineReport, result, job) -> None:
    """Add one run's materializations, failed steps and checks to the report."""
    materialized = set()
    for event in result.all_events:
        if event.is_step_materialization:
            key = event.asset_key.to_user_string()
            if key not in materialized:
                materialized.add(key)
                report.materialized.append(key)
        elif event.is_step_failure:
            error = event.step_failure_data.error
            message = error.message.strip().splitlines()[0] if error else "failed"
            if "blocking asset check failed" in message:
                continue  # reported below, with the expectations that failed
            report.steps_failed.append((event.step_key, message[:500]))
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            report.checks_passed.append(name)
        else:
            report.checks_failed.append((name, evaluation.description or "failed"))
    selected = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    report.not_run += sorted(selected - materialized)
