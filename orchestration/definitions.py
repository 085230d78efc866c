"""Entry point: every definition under ``orchestration/defs``, nothing listed by hand."""

from __future__ import annotations

import dagster as dg

import orchestration.defs


def build_defs(resource_overrides: dict | None = None) -> dg.Definitions:
    """The code location; ``resource_overrides`` replaces resources by key (tests, CLI)."""
    loaded = dg.load_defs(defs_root=orchestration.defs)
    if not resource_overrides:
        return loaded
    return dg.Definitions(
        assets=loaded.assets,
        asset_checks=loaded.asset_checks,
        jobs=loaded.jobs,
        schedules=loaded.schedules,
        sensors=loaded.sensors,
        resources={**(loaded.resources or {}), **resource_overrides},
    )


defs = build_defs()
