"""After every run of the raw pipeline: rebuild the GX Data Docs site (passed or failed), and
launch the marts (dbt and the analytics snapshot) when it passed."""

import dagster as dg

from orchestration.defs.pipeline.jobs import marts_pipeline, raw_pipeline
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.lib.resources import QualityResource


def _build(context, quality: QualityResource) -> None:
    index = quality.get().build_docs()
    context.log.info(f"Data Docs rebuilt after run {context.dagster_run.run_id}: {index}")


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[raw_pipeline],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rebuild the GX Data Docs site after a successful pipeline run.",
)
def data_docs_after_success(context: dg.RunStatusSensorContext, quality: QualityResource):
    _build(context, quality)


@dg.run_failure_sensor(
    monitored_jobs=[raw_pipeline],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rebuild the GX Data Docs site after a failed pipeline run (failures included).",
)
def data_docs_after_failure(context: dg.RunFailureSensorContext, quality: QualityResource):
    _build(context, quality)


#: On a raw run whose marts run follows in the same process (``cloudbank pipeline``): the
#: sensor must not launch a second marts run beside it (both would write the warehouse).
MARTS_INLINE_TAG = "cloudbank/marts_inline"


def marts_run_config(raw_tags: dict[str, str]) -> dict:
    """The marts run of a raw run: its business dates are the facts' partition window."""
    start, end = raw_tags.get(RANGE_START_TAG), raw_tags.get(RANGE_END_TAG)
    config = {"min_dt": start, "max_dt": end} if start and end else {}
    return {"ops": {"cloudbank_dbt": {"config": config}}}


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[raw_pipeline],
    request_job=marts_pipeline,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a successful raw run: dbt build and the analytics snapshot.",
)
def marts_after_raw(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.tags.get(MARTS_INLINE_TAG):
        return dg.SkipReason(f"run {run.run_id} builds its marts itself (cloudbank pipeline)")
    return dg.RunRequest(
        run_key=run.run_id,
        run_config=marts_run_config(dict(run.tags)),
        tags={"cloudbank/raw_run": run.run_id},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        sensors=[data_docs_after_success, data_docs_after_failure, marts_after_raw]
    )
