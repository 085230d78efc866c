"""Reconciliation, end to end: the deterministic seed is loaded into source databases of our
own, the whole pipeline runs (extract → blocking checks → dbt build → snapshot), and every KPI
the analytics API then serves equals the same figure computed directly against the operational
databases with SQL and pymongo — per currency, to the cent. Then the golden-data tests (known
figures of this seed) run against the warehouse the pipeline built."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import dagster as dg
import pytest
from fastapi.testclient import TestClient

from ingestion.testing import SourceDatabases
from orchestration.defs.dbt.project import DBT_PROJECT_DIR, dbt_env, prepare
from orchestration.defs.dbt.resources import dbt_executable
from orchestration.lib.partitions import range_tags
from orchestration.testing import resource_overrides
from seed.config import SeedConfig
from seed.dataset import generate
from seed.load import mariadb as mariadb_loader
from seed.load import mongo as mongo_loader
from seed.load import postgres as postgres_loader
from services.analytics.main import app
from services.common.money import from_minor

pytestmark = pytest.mark.timeout(2400)

#: The seed of the golden tests (dbt_project/tests/golden): change it and they must change.
SEED = SeedConfig(as_of=date(2025, 6, 15), scale=0.05, seed=7)
AS_OF = SEED.as_of - timedelta(days=1)  # the last complete day
CURRENCIES = ("PEN", "USD", "EUR")
CENT = Decimal("0.01")


@dataclass
class Pipeline:
    settings: object
    sources: SourceDatabases
    warehouse: str
    run_id: str


@pytest.fixture(scope="module")
def pipeline(stack, tmp_path_factory) -> Pipeline:
    sources = SourceDatabases(
        stack,
        pg_database="analytics_recon",
        mysql_database="cuentas_analytics_recon",
        mongo_collection="analytics_recon_transacciones",
    )
    sources.recreate()
    dataset = generate(SEED)
    settings = sources.test_settings
    with postgres_loader.connect(settings) as pg:
        postgres_loader.load(pg, dataset, show_progress=False)
    with mariadb_loader.connect(settings) as my:
        mariadb_loader.load(my, dataset, show_progress=False)
    client, collection = sources.mongo()
    with client:
        collection.drop()
        mongo_loader.load(collection, dataset, show_progress=False)

    root = tmp_path_factory.mktemp("recon")
    overrides = resource_overrides(sources, root, pii_key="analytics-recon-key")
    prepare(only_if_stale=True)
    from orchestration.definitions import build_defs

    defs = build_defs(overrides)
    # every business date of the sources (account openings go back years)
    first = (
        min([t.fecha for t in dataset.transacciones] + [m.created_at for m in dataset.movimientos])
        .astimezone(UTC)
        .date()
    )
    instance = dg.DagsterInstance.ephemeral()
    # the last two business dates as Dagster partitions; the empty lake first catches up on
    # the whole history in the same queries (as the first `cloudbank pipeline` does)
    raw = defs.resolve_job_def("raw_pipeline").execute_in_process(
        instance=instance, tags=range_tags(AS_OF, SEED.as_of), raise_on_error=False
    )
    assert raw.success, [e.check_name for e in raw.get_asset_check_evaluations() if not e.passed]
    config = {
        "as_of_date": AS_OF.isoformat(),
        "min_dt": first.isoformat(),
        "max_dt": SEED.as_of.isoformat(),
    }
    result = defs.resolve_job_def("marts_pipeline").execute_in_process(
        instance=instance,
        run_config={"ops": {"cloudbank_dbt": {"config": config}}},
        raise_on_error=False,
    )
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert result.success and not failed, failed
    return Pipeline(settings, sources, str(root / "dbt_cloudbank.duckdb"), result.run_id)


@pytest.fixture(scope="module")
def api(pipeline, analista):
    """GET every page of a route from the API serving the pipeline's snapshot."""
    with TestClient(app) as client:

        def get(route: str) -> dict:
            response = client.get(route, headers=analista)
            assert response.status_code == 200, (route, response.text)
            body = response.json()
            assert body["run_id"] == pipeline.run_id and body["as_of"] == AS_OF.isoformat()
            return body

        def items(route: str) -> list[dict]:
            out, offset = [], 0
            sep = "&" if "?" in route else "?"
            while offset is not None:
                body = get(f"{route}{sep}limit=200&offset={offset}")
                out += body["items"]
                offset = body["next_offset"]
            return out

        yield get, items


# --- the operational databases, read directly ----------------------------------------------
@pytest.fixture(scope="module")
def source(pipeline):
    s = pipeline.sources
    with s.pg() as pg:
        clientes = pg.execute("SELECT cliente_id, estado FROM clientes").fetchall()
    with s.mysql(s.mysql_database) as my, my.cursor() as cur:
        cur.execute(
            "SELECT cuenta_id, cliente_id, tipo_cuenta_id, moneda, estado, saldo FROM cuentas"
        )
        cuentas = cur.fetchall()
        cur.execute("SELECT tipo_cuenta_id, nombre FROM tipos_cuenta")
        tipos = dict(cur.fetchall())
        start = datetime.combine(AS_OF - timedelta(days=89), datetime.min.time())
        end = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time())
        cur.execute(
            "SELECT DISTINCT c.cliente_id FROM movimientos m JOIN cuentas c USING (cuenta_id) "
            "WHERE m.tipo <> 'APERTURA' AND m.created_at >= %s AND m.created_at < %s",
            (start, end),
        )
        moved = {row[0] for row in cur.fetchall()}
        cur.execute("SELECT count(*) FROM movimientos")
        legs = cur.fetchone()[0]
    client, collection = s.mongo()
    with client:
        docs = list(
            collection.find(
                {}, {"_id": 0, "tipo": 1, "estado": 1, "moneda": 1, "monto": 1, "fecha": 1}
            )
        )
    return {
        "clientes": clientes,
        "cuentas": cuentas,
        "tipos": tipos,
        "moved": moved,
        "legs": legs,
        "docs": docs,
    }


def _half_up(total: Decimal, count: int) -> str | None:
    return str((total / count).quantize(CENT, ROUND_HALF_UP)) if count else None


def _day(doc) -> date:
    return doc["fecha"].astimezone(UTC).date()


def test_dashboard(api, source):
    get, _ = api
    body = get("/dashboard-ejecutivo")
    clientes, cuentas = source["clientes"], source["cuentas"]
    assert body["total_clientes"] == len(clientes)
    activos = {c for c, estado in clientes if estado == "activo"} & source["moved"]
    assert body["clientes_activos"] == len(activos) > 0
    estados = Counter(c[4] for c in cuentas)
    assert body["total_cuentas"] == len(cuentas)
    assert body["cuentas_por_estado"] == {e: estados[e] for e in ("activa", "bloqueada", "cerrada")}
    window = (AS_OF - timedelta(days=29), AS_OF)
    month = (AS_OF.replace(day=1), AS_OF)
    por_moneda = {m["moneda"]: m for m in body["por_moneda"]}
    assert list(por_moneda) == list(CURRENCIES)
    for moneda in CURRENCIES:
        saldos = [c[5] for c in cuentas if c[3] == moneda]
        expected = {"cuentas": len(saldos), "saldo_total": str(sum(saldos, Decimal("0.00")))}
        expected["saldo_promedio"] = _half_up(sum(saldos, Decimal(0)), len(saldos))
        for label, (first, last) in (("30d", window), ("mes", month)):
            done = [
                d
                for d in source["docs"]
                if d["estado"] == "COMPLETADA"
                and d["moneda"] == moneda
                and first <= _day(d) <= last
            ]
            volume = sum((from_minor(int(d["monto"])) for d in done), Decimal("0.00"))
            expected[f"transacciones_{label}"] = len(done)
            expected[f"volumen_{label}"] = str(volume)
            expected[f"ticket_promedio_{label}"] = _half_up(volume, len(done))
        got = {k: por_moneda[moneda][k] for k in expected}
        assert got == expected, moneda


def test_clients_by_state_and_active_clients(api, source):
    get, items = api
    estados = Counter(estado for _, estado in source["clientes"])
    total = len(source["clientes"])
    rows = {r["estado"]: r for r in get("/clientes-por-estado")["items"]}
    for estado in ("activo", "inactivo", "bloqueado"):
        assert rows[estado]["cantidad"] == estados[estado]
        share = (Decimal(estados[estado] * 100) / total).quantize(CENT, ROUND_HALF_UP)
        assert rows[estado]["porcentaje"] == str(share)
    activos = {c for c, estado in source["clientes"] if estado == "activo"} & source["moved"]
    listed = items("/clientes/activos")
    assert {r["cliente_id"] for r in listed} == activos
    assert len(listed) == len(activos)


def test_accounts_by_type_and_top_accounts(api, source):
    _, items = api
    cuentas = source["cuentas"]
    rows = {(r["tipo_cuenta_id"], r["moneda"]): r for r in items("/cuentas/por-tipo")}
    assert set(rows) == {(t, m) for t in source["tipos"] for m in CURRENCIES}
    for (tipo, moneda), row in rows.items():
        group = [c for c in cuentas if c[2] == tipo and c[3] == moneda]
        total = sum((c[5] for c in group), Decimal("0.00"))
        assert row["tipo_cuenta"] == source["tipos"][tipo]
        assert row["cantidad_cuentas"] == len(group)
        assert row["cuentas_activas"] == sum(1 for c in group if c[4] == "activa")
        assert (row["saldo_total"], row["saldo_promedio"]) == (
            str(total),
            _half_up(total, len(group)),
        )
    top = items("/top-cuentas")
    for moneda in CURRENCIES:
        expected = sorted((c for c in cuentas if c[3] == moneda), key=lambda c: (-c[5], c[0]))[:100]
        got = [r for r in top if r["moneda"] == moneda]
        assert [(r["cuenta_id"], r["saldo"]) for r in got] == [(c[0], str(c[5])) for c in expected]
        assert [r["posicion"] for r in got] == list(range(1, len(got) + 1))


def test_monthly_transactions_and_volume(api, source):
    _, items = api
    counts, amounts = Counter(), defaultdict(int)
    for d in source["docs"]:
        if _day(d) > AS_OF:
            continue
        key = (_day(d).replace(day=1).isoformat(), d["tipo"], d["estado"], d["moneda"])
        counts[key] += 1
        amounts[key] += int(d["monto"])
    got = {
        (r["mes"], r["tipo"], r["estado"], r["moneda"]): r for r in items("/transacciones/por-mes")
    }
    assert set(got) == set(counts)
    for key, row in got.items():
        assert (row["cantidad"], row["monto_total"]) == (counts[key], str(from_minor(amounts[key])))
    volume = {
        (m, t, c): (n, amounts[(m, t, e, c)])
        for (m, t, e, c), n in counts.items()
        if e == "COMPLETADA"
    }
    got = {(r["mes"], r["tipo"], r["moneda"]): r for r in items("/volumen-transacciones")}
    assert set(got) == set(volume)
    for key, row in got.items():
        n, cents = volume[key]
        assert (row["cantidad"], row["volumen"]) == (n, str(from_minor(cents)))
        assert row["ticket_promedio"] == _half_up(from_minor(cents), n)


def test_daily_activity(api, source):
    _, items = api
    first = AS_OF - timedelta(days=29)
    expected = defaultdict(lambda: [0, 0, 0, 0, 0])
    for d in source["docs"]:
        if first <= _day(d) <= AS_OF:
            row = expected[(_day(d).isoformat(), d["tipo"], d["moneda"])]
            row[0] += 1
            row[{"COMPLETADA": 1, "RECHAZADA": 2, "PENDIENTE": 3}[d["estado"]]] += 1
            if d["estado"] == "COMPLETADA":
                row[4] += int(d["monto"])
    rows = items("/actividad-diaria")
    assert len(rows) == 30 * 5 * 3  # every day x type x currency
    for r in rows:
        n, done, rejected, pending, cents = expected.get(
            (r["fecha"], r["tipo"], r["moneda"]), [0] * 5
        )
        assert (r["cantidad"], r["completadas"], r["rechazadas"], r["pendientes"]) == (
            n,
            done,
            rejected,
            pending,
        )
        assert r["volumen"] == str(from_minor(cents))


def test_freshness_counts_every_source_row(api, source):
    get, _ = api
    rows = {f["fuente"]: f for f in get("/frescura")["fuentes"]}
    assert rows["clientes.clientes"]["filas"] == len(source["clientes"])
    assert rows["cuentas.cuentas"]["filas"] == len(source["cuentas"])
    assert rows["cuentas.movimientos"]["filas"] == source["legs"]
    assert rows["transacciones.transacciones"]["filas"] == len(source["docs"])


def test_the_runs_dbt_docs_are_served(pipeline):
    """The run generated its dbt docs (models and lineage of this project) and published them
    with its snapshot."""
    with TestClient(app) as client:
        response = client.get("/dbt-docs/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "kpi_dashboard_monedas" in response.text and "fct_transacciones" in response.text


def test_golden_figures_of_the_seed(pipeline):
    """dbt_project/tests/golden: known figures of this seed, against the built warehouse."""
    env = {
        **os.environ,
        **dbt_env(pipeline.settings),
        "CLOUDBANK_DBT_DUCKDB_PATH": pipeline.warehouse,
        "CLOUDBANK_DBT_CATALOG_PATH": str(pipeline.warehouse).replace(
            "dbt_cloudbank.duckdb", "catalog.duckdb"
        ),
    }
    result = subprocess.run(
        [
            dbt_executable(),
            "test",
            "--select",
            "tag:golden",
            "--vars",
            json.dumps({"golden_seed": True, "as_of_date": AS_OF.isoformat()}),
            "--target-path",
            str(pipeline.warehouse) + ".target",
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "PASS=" in result.stdout and " ERROR=0" in result.stdout
    passed = int(result.stdout.rsplit("PASS=", 1)[1].split()[0])
    assert passed >= 4
