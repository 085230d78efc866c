"""A pipeline run's checks, as /calidad lists them: dbt's tests (and any model that failed to
build) from its run_results.json, plus the raw layer's Great Expectations checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.analytics.store import Check

_PASSED = {"pass", "success"}
_NOT_RUN = {"skipped", "no-op"}


def _short(message: str | None, limit: int = 500) -> str | None:
    if not message:
        return None
    message = " ".join(str(message).split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def checks_from_run_results(
    run_results: Mapping[str, Any], manifest: Mapping[str, Any] | None = None
) -> list[Check]:
    """One Check per dbt test and unit test, and one per model that did not build."""
    nodes = dict((manifest or {}).get("nodes", {}))
    nodes.update((manifest or {}).get("unit_tests", {}))
    checks = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        kind = unique_id.split(".", 1)[0]
        status = str(result.get("status", "")).lower()
        node = nodes.get(unique_id, {})
        name = node.get("name") or unique_id.rsplit(".", 1)[-1]
        if kind in ("test", "unit_test"):
            severity = str(node.get("config", {}).get("severity", "error")).lower()
            failures = result.get("failures")
            ok = status in _PASSED or status == "warn"
            detail = None
            if status in _NOT_RUN:
                detail = "not run: an upstream model or check failed"
            elif status not in _PASSED:
                detail = _short(result.get("message")) or status
                if failures:
                    detail = f"{status}: {failures} failing rows; {detail}"
            checks.append(
                Check(
                    nombre=name,
                    origen="dbt",
                    ok=ok,
                    severidad="warn" if status == "warn" else severity,
                    detalle=detail,
                    objeto=_attached_model(node, kind, unique_id),
                    estado=_estado(status),
                )
            )
        elif kind in ("model", "seed", "snapshot") and status not in _PASSED:
            not_run = status in _NOT_RUN
            checks.append(
                Check(
                    nombre=f"build {name}",
                    origen="dbt",
                    ok=False,
                    severidad="error",
                    detalle=(
                        "not built: an upstream model or check failed"
                        if not_run
                        else _short(result.get("message")) or status
                    ),
                    objeto=name,
                    estado=_estado(status),
                )
            )
    return checks


def _estado(status: str) -> str:
    if status in _PASSED:
        return "pass"
    if status in _NOT_RUN:
        return "skipped"
    return status if status in ("warn", "fail") else "error"


def _attached_model(node: Mapping[str, Any], kind: str, unique_id: str) -> str | None:
    if kind == "unit_test":
        model = node.get("model")
        if model:
            return str(model)
        return unique_id.split(".")[2] if unique_id.count(".") >= 3 else None
    attached = node.get("attached_node")
    if attached:
        return str(attached).rsplit(".", 1)[-1]
    refs = [n for n in node.get("depends_on", {}).get("nodes", []) if n.startswith("model.")]
    return refs[0].rsplit(".", 1)[-1] if len(refs) == 1 else None


def passed(checks: Iterable[Check]) -> bool:
    """A run passes when no error-severity check failed."""
    return all(c.ok or c.severidad != "error" for c in checks)


def checks_from_raw_results(results: Iterable[Mapping[str, Any]]) -> list[Check]:
    """The raw layer's checks of a run (GX suites, reconciliation, ledger), from the JSON
    files the pipeline writes under the lake's ``quality/`` prefix."""
    checks = []
    for result in results:
        passed_ = bool(result.get("passed"))
        failures = [str(f) for f in result.get("failures") or []]
        table = result.get("table")
        checks.append(
            Check(
                nombre=str(result.get("check")),
                origen="raw",
                ok=passed_,
                severidad="error",  # every raw-layer check is blocking
                detalle=None if passed_ else _short("; ".join(failures[:10]) or "failed"),
                objeto=str(table) if table else None,
                estado="pass" if passed_ else "fail",
            )
        )
    return checks
