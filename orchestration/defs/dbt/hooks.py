"""Runs that stop before dbt still reach /calidad: when an extraction or a blocking raw-layer
check fails, this hook records the run with the raw layer's checks and dbt as not run (the
dbt asset records the runs it takes part in itself)."""

import json

import dagster as dg

from orchestration.lib.resources import LakeResource
from services.analytics.publish import record_run
from services.analytics.quality import checks_from_raw_results
from services.analytics.store import Check
from services.common.settings import get_settings

#: Steps that record the run themselves (or come after the step that does).
SELF_RECORDING = frozenset({"cloudbank_dbt", "analytics__snapshot"})


def raw_checks(lake: LakeResource, run_id: str) -> list[Check]:
    """The raw layer's check results of ``run_id``: ``quality/*/*/run=<run_id>/*.json``."""
    store = lake.get()
    paths = store.fs.glob(store.path("quality", "*", "*", f"run={run_id}", "*.json"))
    return checks_from_raw_results(json.loads(store.fs.cat_file(p)) for p in sorted(paths))


@dg.failure_hook(required_resource_keys={"lake"})
def record_failed_run(context: dg.HookContext) -> None:
    if context.op.name in SELF_RECORDING:
        return
    lake: LakeResource = context.resources.lake
    settings = get_settings().model_copy(update={"lake_url": lake.get().url})
    checks = raw_checks(lake, context.run_id)
    if not any(not c.ok for c in checks):  # an extraction failed, not a check
        checks.append(
            Check(
                nombre=f"step {context.op.name}",
                origen="raw",
                ok=False,
                detalle="failed (see the run in Dagster)",
                estado="error",
            )
        )
    checks.append(
        Check(
            nombre="dbt build",
            origen="dbt",
            ok=False,
            detalle="not run: the raw layer failed first",
            estado="skipped",
        )
    )
    record_run(settings, context.run_id, checks, ok=False)
