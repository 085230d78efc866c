"""After every run of the pipeline, passed or failed, rebuild the GX Data Docs site."""

import dagster as dg

from orchestration.defs.pipeline.jobs import raw_pipeline
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


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(sensors=[data_docs_after_success, data_docs_after_failure])
