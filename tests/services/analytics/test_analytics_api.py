"""The analytics API over snapshots written straight into a store: auth, 503 before the first
publication, typed bodies, pagination and filters, the atomic swap, a broken snapshot never
served, /calidad, /dbt-docs."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from analytics_support import make_bundle, settings_env
from fastapi.testclient import TestClient

from services.analytics.main import app
from services.analytics.store import Bundle, Check, RunRecord, SnapshotStore

ROUTES = [
    "/dashboard-ejecutivo",
    "/clientes-por-estado",
    "/clientes/activos",
    "/cuentas/por-tipo",
    "/top-cuentas",
    "/transacciones/por-mes",
    "/volumen-transacciones",
    "/actividad-diaria",
    "/frescura",
]


def publish(store: SnapshotStore, bundle: Bundle, ok: bool = True) -> None:
    store.record_run(RunRecord(bundle.run_id, ok, "2025-03-16T00:59:00Z", [Check("t", "dbt", ok)]))
    store.write_bundle(bundle)
    store.publish(bundle.run_id)


@pytest.fixture
def store(tmp_path):
    with settings_env(var_dir=str(tmp_path)) as settings:
        yield SnapshotStore.for_settings(settings)


@pytest.fixture
def client(store):
    with TestClient(app) as client:
        yield client


def refreshed(client) -> TestClient:
    client.app.state.cache.refresh()
    return client


@pytest.mark.parametrize("route", [*ROUTES, "/calidad"])
def test_every_route_needs_the_analytics_scope(client, route, cajero):
    assert client.get(route).status_code == 401
    assert client.get(route, headers={"Authorization": "Bearer nope"}).status_code == 401
    response = client.get(route, headers=cajero)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_before_the_first_run_data_routes_are_503_and_the_service_is_ready(client, analista):
    for route in ROUTES:
        response = client.get(route, headers=analista)
        assert response.status_code == 503
        assert response.json()["code"] == "snapshot_unavailable"
        assert response.headers["Retry-After"] == "60"
    assert client.get("/calidad", headers=analista).status_code == 503
    assert client.get("/health/ready").status_code == 200  # ready: it answers, with 503s
    assert client.get("/dbt-docs/").status_code == 404


def test_every_body_is_typed_and_names_its_snapshot(client, store, analista):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    for route in ROUTES:
        response = client.get(route, headers=analista)
        assert response.status_code == 200, route
        body = response.json()
        assert body["as_of"] == "2025-03-15" and body["run_id"] == "run-a", route
    body = client.get("/dashboard-ejecutivo", headers=analista).json()
    assert body["cuentas_por_estado"] == {"activa": 5, "bloqueada": 1, "cerrada": 1}
    assert [m["moneda"] for m in body["por_moneda"]] == ["PEN", "USD", "EUR"]
    pen = body["por_moneda"][0]
    assert isinstance(pen["cuentas"], int) and isinstance(pen["transacciones_30d"], int)
    assert pen["saldo_total"] == "150.01" and Decimal(pen["volumen_30d"]) == Decimal("30.01")
    assert body["por_moneda"][2]["ticket_promedio_30d"] is None  # no EUR transactions
    assert body["ventana_30d"] == {"desde": "2025-02-14", "hasta": "2025-03-15"}
    estados = client.get("/clientes-por-estado", headers=analista).json()["items"]
    assert [e["estado"] for e in estados] == ["activo", "inactivo", "bloqueado"]


def test_lists_are_paginated_and_filtered(client, store, analista):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    page = client.get("/clientes/activos?limit=3&offset=0", headers=analista).json()
    assert (page["total"], page["limit"], page["next_offset"]) == (7, 3, 3)
    assert [i["cliente_id"] for i in page["items"]] == [7, 6, 5]  # most recent activity first
    last = client.get("/clientes/activos?limit=3&offset=6", headers=analista).json()
    assert [i["cliente_id"] for i in last["items"]] == [1] and last["next_offset"] is None
    assert "90" in page["definicion"] and page["clientes_activos"] == 3
    top = client.get("/top-cuentas?moneda=PEN&limit=2", headers=analista).json()
    assert [(i["moneda"], i["posicion"]) for i in top["items"]] == [("PEN", 1), ("PEN", 2)]
    assert top["total"] == 3
    meses = client.get(
        "/transacciones/por-mes?moneda=USD&estado=RECHAZADA&desde=2025-02-20&hasta=2025-03-31",
        headers=analista,
    ).json()
    assert {(i["mes"], i["moneda"], i["estado"]) for i in meses["items"]} == {
        ("2025-03-01", "USD", "RECHAZADA"),
        ("2025-02-01", "USD", "RECHAZADA"),
    }
    assert meses["items"][0]["mes"] == "2025-03-01"  # newest month first
    volumen = client.get("/volumen-transacciones?tipo=RETIRO&moneda=PEN", headers=analista).json()
    assert volumen["total"] == 3 and {i["tipo"] for i in volumen["items"]} == {"RETIRO"}
    actividad = client.get("/actividad-diaria?moneda=EUR&tipo=REVERSA&limit=5", headers=analista)
    items = actividad.json()["items"]
    assert [i["fecha"] for i in items] == [f"2025-03-{d}" for d in (15, 14, 13, 12, 11)]
    tipos = client.get("/cuentas/por-tipo?moneda=USD", headers=analista).json()["items"]
    assert [t["tipo_cuenta_id"] for t in tipos] == [1, 2, 3, 4]  # the type without accounts too
    assert tipos[3]["cantidad_cuentas"] == 0 and tipos[3]["saldo_promedio"] is None


@pytest.mark.parametrize(
    "query",
    [
        "/top-cuentas?limit=201",
        "/top-cuentas?limit=0",
        "/top-cuentas?offset=-1",
        "/top-cuentas?moneda=GBP",
        "/transacciones/por-mes?estado=FALLIDA",
        "/transacciones/por-mes?desde=2025-13-01",
        "/actividad-diaria?tipo=deposito",
    ],
)
def test_bad_parameters_are_422(client, store, analista, query):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    response = client.get(query, headers=analista)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_new_run_is_swapped_in_whole_and_served_from_memory(client, store, analista):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    publish(store, make_bundle("run-b", saldo_pen="999.99"))
    assert (
        refreshed(client).get("/dashboard-ejecutivo", headers=analista).json()["run_id"] == "run-b"
    )
    # served from memory: the files are not read per request
    (store.run_dir("run-b") / "bundle.json").unlink()
    body = client.get("/dashboard-ejecutivo", headers=analista).json()
    assert body["run_id"] == "run-b" and body["por_moneda"][0]["saldo_total"] == "999.99"


def test_a_snapshot_that_cannot_be_loaded_is_never_served(client, store, analista):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    broken = store.run_dir("run-broken")
    broken.mkdir(parents=True)
    (broken / "bundle.json").write_text('{"format": 1, "run_id": "run-broken", "marts": ')
    store.publish("run-broken")
    refreshed(client)
    assert client.get("/dashboard-ejecutivo", headers=analista).json()["run_id"] == "run-a"


def test_calidad_reports_the_latest_run_even_when_it_failed(client, store, analista):
    publish(store, make_bundle("run-a"))
    refreshed(client)
    first = client.get("/calidad", headers=analista)
    body = first.json()
    assert body["ok"] is True and body["sirviendo_ultima"] is True and body["ejecucion"] == "run-a"
    # from now on replayed by the fast path, for this state of the cache only
    state = client.app.state.cache.state
    assert state.replay("/calidad", b"") == first.content
    assert client.get("/calidad", headers=analista).content == first.content
    assert state.replay("/calidad", b"x=1") is None  # with parameters: the route answers
    failing = [
        Check("ok_test", "dbt", True),
        Check(
            "assert_balance_equals_journal",
            "dbt",
            False,
            detalle="fail: 1 failing rows",
            estado="fail",
        ),
        Check("build kpi_top_cuentas", "dbt", False, objeto="kpi_top_cuentas", estado="skipped"),
    ]
    store.record_run(RunRecord("run-b", False, "2025-03-17T01:00:00Z", failing))
    refreshed(client)
    assert client.app.state.cache.state.replay("/calidad", b"") is None  # a new state
    body = client.get("/calidad", headers=analista).json()
    assert (body["ok"], body["sirviendo_ultima"], body["ejecucion"], body["run_id"]) == (
        False,
        False,
        "run-b",
        "run-a",
    )
    assert [c["estado"] for c in body["checks"]] == ["fail", "skipped", "pass"]
    assert body["checks"][0]["detalle"] == "fail: 1 failing rows"
    # the data still comes from the run that passed
    assert client.get("/frescura", headers=analista).json()["run_id"] == "run-a"


def test_dbt_docs_of_the_served_run_are_public_html(client, store):
    bundle = make_bundle("run-a")
    store.docs_dir("run-a").mkdir(parents=True)
    (store.docs_dir("run-a") / "index.html").write_text("<html>dbt docs of run-a</html>")
    publish(store, bundle)
    refreshed(client)
    response = client.get("/dbt-docs/")
    assert response.status_code == 200 and "run-a" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert client.get("/dbt-docs", follow_redirects=False).status_code == 307


def test_the_watcher_picks_up_a_publication_by_itself(client, store, analista):
    publish(store, make_bundle("run-a"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the background refresh runs every 0.5 s
        response = client.get("/dashboard-ejecutivo", headers=analista)
        if response.status_code == 200:
            break
        time.sleep(0.2)
    assert response.json()["run_id"] == "run-a"
    ready = client.get("/health/ready").json()
    assert ready["checks"]["snapshot"]["run_id"] == "run-a"


def test_the_bundle_on_disk_is_plain_json_with_exact_decimals(store):
    publish(store, make_bundle("run-a"))
    data = json.loads((store.run_dir("run-a") / "bundle.json").read_text())
    assert data["marts"]["kpi_dashboard_monedas"][1]["saldo_total"] == "150.01"
    assert store.current_run_id() == "run-a"


def test_the_fast_path_replays_only_what_the_normal_path_answered(client, store, analista, cajero):
    from services.common.auth import Role, issue_token

    publish(store, make_bundle("run-a"))
    refreshed(client)
    served = client.app.state.cache.served
    route = "/top-cuentas?moneda=PEN&limit=2"
    assert served.replay("/top-cuentas", b"moneda=PEN&limit=2") is None
    first = client.get(route, headers=analista)
    assert served.replay("/top-cuentas", b"moneda=PEN&limit=2") == first.content
    again = client.get(route, headers=analista)  # replayed: same body, still a request id
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["x-request-id"] and again.headers["content-type"] == "application/json"
    same = ("content-type", "content-length", "vary")
    assert [again.headers[k] for k in same] == [first.headers[k] for k in same]
    # the token is checked on every replay
    assert client.get(route, headers=cajero).status_code == 403
    assert client.get(route).status_code == 401
    expired = issue_token("x", Role.ANALISTA, ttl_minutes=-1)
    assert client.get(route, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    # a bad request is never remembered
    assert client.get("/top-cuentas?limit=999", headers=analista).status_code == 422
    assert served.replay("/top-cuentas", b"limit=999") is None
    # CORS requests take the normal path (where the kit's CORS policy applies)
    cors = client.get(route, headers={**analista, "Origin": "http://elsewhere.test"})
    assert cors.status_code == 200 and cors.content == first.content
    # a new snapshot starts with nothing to replay
    publish(store, make_bundle("run-b", saldo_pen="1.00"))
    refreshed(client)
    assert client.get(route, headers=analista).json()["run_id"] == "run-b"
