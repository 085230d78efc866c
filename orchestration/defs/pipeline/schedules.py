"""Hourly incremental runs (yesterday and today) and a daily full refresh at 00:30 UTC."""

from datetime import timedelta

import dagster as dg

from orchestration.defs.pipeline.jobs import raw_pipeline
from orchestration.lib.partitions import hourly_window, range_tags


@dg.schedule(
    job=raw_pipeline,
    cron_schedule="15 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Incremental: rows changed since each partition's watermark, yesterday and today.",
)
def raw_hourly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    start, end = hourly_window(context.scheduled_execution_time)
    return dg.RunRequest(
        run_key=context.scheduled_execution_time.isoformat(), tags=range_tags(start, end)
    )


@dg.schedule(
    job=raw_pipeline,
    cron_schedule="30 0 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily: yesterday closed with a full re-extraction, fresh dimension snapshots.",
)
def raw_daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.date()
    yesterday = day - timedelta(days=1)
    return dg.RunRequest(
        run_key=context.scheduled_execution_time.isoformat(),
        tags=range_tags(yesterday, day),
        run_config=full_refresh_config(),
    )


def full_refresh_config() -> dict:
    from ingestion.tables import TABLES

    ops = {"__".join(t.asset_key): {"config": {"full_refresh": True}} for t in TABLES.values()}
    return {"ops": ops}


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(schedules=[raw_hourly, raw_daily])
