"""The asset graph is reviewed as data: any unintended change shows as a diff of the snapshot
(refresh it on purpose with ``UPDATE_SNAPSHOTS=1 pytest tests/orchestration``). Plus the pure
helpers behind partitions and schedules."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pytest

from ingestion.tables import TABLES
from orchestration.definitions import defs
from orchestration.defs.pipeline.schedules import full_refresh_config, raw_daily, raw_hourly
from orchestration.lib.partitions import (
    PARTITIONS_START,
    RANGE_END_TAG,
    RANGE_START_TAG,
    clamp,
    hourly_window,
    range_tags,
)

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def _partitions(partitions_def) -> dict | None:
    if partitions_def is None:
        return None
    return {
        "type": type(partitions_def).__name__,
        "start": partitions_def.start.date().isoformat(),
        "timezone": partitions_def.timezone,
        "end_offset": partitions_def.end_offset,
    }


def describe(definitions: dg.Definitions) -> dict:
    graph = definitions.resolve_asset_graph()
    assets = {}
    for spec in sorted(definitions.resolve_all_asset_specs(), key=lambda s: s.key.path):
        assets_def = definitions.resolve_assets_def(spec.key)
        policy = assets_def.backfill_policy
        retry = assets_def.op.retry_policy
        assets[spec.key.to_user_string()] = {
            "group": spec.group_name,
            "kinds": sorted(spec.kinds),
            "deps": sorted(d.asset_key.to_user_string() for d in spec.deps),
            "partitions": _partitions(spec.partitions_def),
            "backfill_policy": policy.policy_type.value if policy else None,
            "retry": {"max_retries": retry.max_retries, "backoff": str(retry.backoff)}
            if retry
            else None,
            # dagster-dbt's own entries hold the whole manifest and object ids, and a dbt
            # table's name carries its DuckDB file's name: not reviewable
            "metadata": {
                k: str(v)
                for k, v in sorted(spec.metadata.items())
                if not k.startswith("dagster_dbt/") and k != "dagster/table_name"
            },
            "tags": dict(sorted(spec.tags.items())),
        }
    checks = {}
    for key in graph.asset_check_keys:  # standalone checks and dbt's tests (in its assets)
        check = graph.get_check_spec(key)
        checks[f"{check.asset_key.to_user_string()}:{check.name}"] = {
            "blocking": check.blocking,
            "additional_deps": sorted(d.asset_key.to_user_string() for d in check.additional_deps),
        }
    assert set(checks) == {
        f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys
    }
    job = definitions.resolve_job_def("raw_pipeline")
    return {
        "assets": assets,
        "checks": dict(sorted(checks.items())),
        "jobs": {
            job.name: {
                "executor": job.executor_def.name,
                "assets": sorted(k.to_user_string() for k in job.asset_layer.executable_asset_keys),
            }
        },
        "schedules": {
            s.name: {
                "cron": s.cron_schedule,
                "job": s.job_name,
                "timezone": s.execution_timezone,
                "default_status": s.default_status.value,
            }
            for s in sorted(definitions.schedules, key=lambda s: s.name)
        },
        "sensors": sorted(s.name for s in definitions.sensors),
        "resources": {k: type(v).__name__ for k, v in sorted(definitions.resources.items())},
    }


def test_asset_graph_matches_the_committed_snapshot():
    current = describe(defs)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_raw_asset_keys_are_the_contract_for_dbt():
    raw = {f"raw/{t.source}/{t.name}" for t in TABLES.values()}
    specs = list(defs.resolve_all_asset_specs())
    assert {s.key.to_user_string() for s in specs if s.key.path[0] == "raw"} == raw
    # dbt's sources are exactly the raw assets: every raw table feeds its staging model
    staging_deps = {
        d.asset_key.to_user_string() for s in specs if s.key.path[0] == "staging" for d in s.deps
    }
    assert staging_deps == raw


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)


def test_hourly_window_is_yesterday_and_today():
    now = datetime(2025, 5, 2, 0, 15, tzinfo=UTC)
    assert hourly_window(now) == (date(2025, 5, 1), date(2025, 5, 2))


def test_range_tags_are_clamped_to_the_partitions():
    tags = range_tags(date(2000, 1, 1), date(2025, 5, 2))
    assert tags == {RANGE_START_TAG: PARTITIONS_START, RANGE_END_TAG: "2025-05-02"}
    with pytest.raises(ValueError):
        clamp(date(2025, 5, 3), date(2025, 5, 2))


def test_full_refresh_config_addresses_every_raw_asset_op():
    ops = set(full_refresh_config()["ops"])
    job = defs.resolve_job_def("raw_pipeline")
    assert ops <= {node.name for node in job.nodes} and len(ops) == len(TABLES)
    assert dg.validate_run_config(job, full_refresh_config())


def test_schedules_request_the_right_ranges():
    when = datetime(2025, 5, 2, 0, 30, tzinfo=UTC)
    with dg.build_schedule_context(scheduled_execution_time=when) as context:
        daily = raw_daily(context)
        hourly = raw_hourly(context)
    assert daily.tags[RANGE_START_TAG] == "2025-05-01"
    assert daily.run_config == full_refresh_config()
    assert (hourly.tags[RANGE_START_TAG], hourly.tags[RANGE_END_TAG]) == (
        "2025-05-01",
        "2025-05-02",
    )
