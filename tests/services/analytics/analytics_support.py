"""Helpers of the analytics tests: settings over a temporary var dir and lake, one real
pipeline run (Dagster: dbt build with its checks, then the snapshot publisher), a checker of
Athena SQL, and hand-made snapshots."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from analytics_lake import AS_OF, Bank
from sqlglot import exp
from sqlglot.tokens import TokenType

from services.analytics.store import Bundle
from services.common.settings import Settings, get_settings


@contextlib.contextmanager
def settings_env(**values: str) -> Iterator[Settings]:
    """Settings from these CLOUDBANK_* values (the pipeline reads get_settings()); the whole
    environment is restored afterwards (dbt's variables are exported into it too)."""
    saved = dict(os.environ)
    os.environ.update({f"CLOUDBANK_{k.upper()}": v for k, v in values.items()})
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


@dataclass
class PipelineRun:
    run_id: str
    success: bool
    result: object


def run_marts_pipeline(as_of: str = AS_OF.isoformat()) -> PipelineRun:
    """dbt build (checks as asset checks) and the snapshot publisher, in process, once."""
    from dagster import DagsterInstance, materialize

    from orchestration.defs.dbt.project import prepare

    prepare(only_if_stale=True)  # the definitions below read the manifest when imported
    from orchestration.defs.dbt.assets import analytics_snapshot, cloudbank_dbt
    from orchestration.defs.dbt.resources import dbt_resource
    from orchestration.lib.resources import CatalogResource, LakeResource

    result = materialize(
        [cloudbank_dbt, analytics_snapshot],
        resources={"dbt": dbt_resource(), "lake": LakeResource(), "catalog": CatalogResource()},
        run_config={"ops": {"cloudbank_dbt": {"config": {"as_of_date": as_of}}}},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return PipelineRun(result.run_id, result.success, result)


@dataclass
class Published:
    """A var dir whose snapshot store holds one published run over ``bank``'s lake."""

    bank: Bank
    lake: Path
    var_dir: Path
    run: PipelineRun

    def env(self, **extra: str) -> dict[str, str]:
        return {"var_dir": str(self.var_dir), "lake_url": self.lake.as_uri(), **extra}


# --- Athena SQL -------------------------------------------------------------------------
DIALECT = "athena"
#: Trino functions sqlglot has no expression for (it parses them as "anonymous" calls).
TRINO_EXTRA_FUNCTIONS: set[str] = set()


def _called(sql: str) -> set[str]:
    """Names followed by '(' in the token stream (function calls, lowercased)."""
    tokens = sqlglot.tokenize(sql, read=DIALECT)
    return {
        a.text.lower()
        for a, b in itertools.pairwise(tokens)
        if b.token_type == TokenType.L_PAREN and a.token_type == TokenType.VAR
    }


def athena_problems(sql: str) -> list[str]:
    """What keeps ``sql`` from being plain Athena SQL ([] when nothing)."""
    try:
        trees = [t for t in sqlglot.parse(sql, read=DIALECT) if t is not None]
    except sqlglot.errors.SqlglotError as exc:
        return [f"syntax: {str(exc).splitlines()[0]}"]
    problems = []
    tokens = sqlglot.tokenize(sql, read=DIALECT)
    if any(t.token_type == TokenType.DCOLON for t in tokens):
        problems.append("'::' casts are not Trino")
    regenerated = ";\n".join(t.sql(dialect=DIALECT) for t in trees)
    rewritten = _called(sql) - _called(regenerated)
    if rewritten:
        problems.append(f"functions Trino does not have (rewritten): {sorted(rewritten)}")
    unknown = {
        a.name.lower() for t in trees for a in t.find_all(exp.Anonymous)
    } - TRINO_EXTRA_FUNCTIONS
    if unknown:
        problems.append(f"functions unknown to Trino: {sorted(unknown)}")
    return problems


# --- snapshots ------------------------------------------------------------------------
def make_bundle(run_id: str, *, as_of: str = "2025-03-15", saldo_pen: str = "150.01") -> Bundle:
    monedas = [
        {
            "moneda": m,
            "cuentas": n,
            "saldo_total": saldo,
            "saldo_promedio": avg,
            "transacciones_30d": 2 * n,
            "volumen_30d": "30.01" if n else "0.00",
            "ticket_promedio_30d": "15.01" if n else None,
            "transacciones_mes": n,
            "volumen_mes": "10.00" if n else "0.00",
            "ticket_promedio_mes": "10.00" if n else None,
        }
        for m, n, saldo, avg in (
            ("EUR", 0, "0.00", None),
            ("PEN", 2, saldo_pen, "75.01"),
            ("USD", 1, "0.05", "0.05"),
        )
    ]
    meses = [
        {
            "mes": f"2025-0{m}-01",
            "tipo": t,
            "estado": e,
            "moneda": c,
            "cantidad": 1,
            "monto_total": "1.00",
        }
        for m in (1, 2, 3)
        for t in ("DEPOSITO", "RETIRO")
        for e in ("COMPLETADA", "RECHAZADA")
        for c in ("PEN", "USD")
    ]
    volumen = [
        {
            "mes": f"2025-0{m}-01",
            "tipo": t,
            "moneda": c,
            "cantidad": 2,
            "volumen": "3.01",
            "ticket_promedio": "1.51",
            "monto_minimo": "1.00",
            "monto_maximo": "2.01",
        }
        for m in (1, 2, 3)
        for t in ("DEPOSITO", "RETIRO")
        for c in ("PEN", "USD")
    ]
    actividad = [
        {
            "fecha": f"2025-03-{d:02d}",
            "tipo": t,
            "moneda": c,
            "cantidad": 1,
            "completadas": 1,
            "rechazadas": 0,
            "pendientes": 0,
            "volumen": "1.50",
        }
        for d in range(1, 16)
        for t in ("DEPOSITO", "REVERSA")
        for c in ("PEN", "EUR")
    ]
    marts = {
        "kpi_dashboard_resumen": [
            {
                "as_of_date": as_of,
                "ventana_desde": "2025-02-14",
                "mes_desde": "2025-03-01",
                "actividad_desde": "2024-12-16",
                "total_clientes": 6,
                "clientes_activos": 3,
                "total_cuentas": 7,
                "cuentas_activas": 5,
                "cuentas_bloqueadas": 1,
                "cuentas_cerradas": 1,
            }
        ],
        "kpi_dashboard_monedas": monedas,
        "kpi_clientes_por_estado": [
            {"estado": "bloqueado", "cantidad": 1, "porcentaje": "16.67"},
            {"estado": "activo", "cantidad": 4, "porcentaje": "66.67"},
            {"estado": "inactivo", "cantidad": 1, "porcentaje": "16.67"},
        ],
        "kpi_clientes_activos": [
            {
                "cliente_id": i,
                "cuentas_activas": 1,
                "movimientos_ventana": i,
                "ultima_actividad_at": f"2025-03-{i:02d}T10:00:00Z",
            }
            for i in range(1, 8)
        ],
        "kpi_cuentas_por_tipo": [
            {
                "tipo_cuenta_id": t,
                "tipo_cuenta": f"Cuenta {t}",
                "descripcion": None,
                "moneda": m,
                "cantidad_cuentas": 0 if t == 4 else 1,
                "cuentas_activas": 0 if t == 4 else 1,
                "saldo_total": "0.00" if t == 4 else "1.00",
                "saldo_promedio": None if t == 4 else "1.00",
            }
            for t in (1, 2, 3, 4)
            for m in ("PEN", "USD", "EUR")
        ],
        "kpi_top_cuentas": [
            {
                "moneda": m,
                "posicion": p,
                "cuenta_id": 10 * i + p,
                "numero_cuenta_enmascarado": f"****{p:04d}",
                "tipo_cuenta": "Cuenta Sueldo",
                "estado": "activa",
                "saldo": f"{100 - p}.00",
            }
            for i, m in enumerate(("USD", "PEN"))
            for p in (1, 2, 3)
        ],
        "kpi_transacciones_por_mes": meses,
        "kpi_volumen_transacciones": volumen,
        "kpi_actividad_diaria": actividad,
        "kpi_frescura": [
            {
                "fuente": "cuentas.cuentas",
                "tipo": "snapshot",
                "ultima_particion": as_of,
                "ultimo_cambio_at": "2025-03-15T12:00:00Z",
                "filas": 7,
            }
        ],
    }
    return Bundle(run_id=run_id, as_of=as_of, generado_en="2025-03-16T01:00:00Z", marts=marts)
