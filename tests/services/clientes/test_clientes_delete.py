"""DELETE /clientes/{id} (and any other change to estado=inactivo) asks the real cuentas
(through HAProxy, with the service token) for the client's accounts first."""

from __future__ import annotations

import uuid

import pytest

from infra.local.process import wait_until
from infra.local.stack import Stack


def _estado(db, cliente_id: int) -> str:
    return db.execute(
        "SELECT estado FROM clientes WHERE cliente_id = %s", (cliente_id,)
    ).fetchone()[0]


def test_delete_without_accounts_marks_inactive_and_keeps_the_record(
    api, db, settings, make_cliente
):
    created = make_cliente()
    cid = created["cliente_id"]
    request_id = f"del-{uuid.uuid4().hex[:12]}"
    response = api.delete(f"/clientes/{cid}", headers={"X-Request-ID": request_id})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["estado"] == "inactivo"
    assert body["documentos"] == created["documentos"]
    assert body["updated_at"] > created["updated_at"]
    assert _estado(db, cid) == "inactivo"  # never hard-deleted
    assert db.execute("SELECT count(*) FROM documentos_identidad").fetchone()[0] == 1
    assert api.get(f"/clientes/{cid}").json()["estado"] == "inactivo"

    # cuentas was asked, under our request id (its log lines are written within a moment)
    def cuentas_logs() -> str:
        return "".join(
            (settings.log_dir / f"{name}.log").read_text(errors="replace")
            for name in ("cuentas-1", "cuentas-2")
            if (settings.log_dir / f"{name}.log").exists()
        )

    assert wait_until(lambda: request_id in cuentas_logs(), 5)


def test_delete_with_only_closed_accounts_succeeds(api, make_cliente, open_cuenta):
    cid = make_cliente()["cliente_id"]
    open_cuenta(cid, "cerrada")
    open_cuenta(cid, "cerrada")
    assert api.delete(f"/clientes/{cid}").json()["estado"] == "inactivo"


@pytest.mark.parametrize("estado", ["activa", "bloqueada"])
def test_delete_with_an_account_not_closed_is_409(api, make_cliente, open_cuenta, estado):
    cid = make_cliente()["cliente_id"]
    open_cuenta(cid, "cerrada")
    open_cuenta(cid, estado)  # cuentas opens accounts for active clients only
    before = api.patch(f"/clientes/{cid}", json={"estado": "bloqueado"}).json()
    response = api.delete(f"/clientes/{cid}")
    assert response.status_code == 409
    assert response.json()["code"] == "cliente_con_cuentas"
    assert "1 account" in response.json()["detail"]
    assert api.get(f"/clientes/{cid}").json() == before  # nothing changed


def test_deactivating_through_patch_or_put_is_checked_too(
    api, cuentas_api, make_cliente, open_cuenta
):
    created = make_cliente()
    cid = created["cliente_id"]
    cuenta = open_cuenta(cid)
    patch = api.patch(f"/clientes/{cid}", json={"estado": "inactivo"})
    assert (patch.status_code, patch.json()["code"]) == (409, "cliente_con_cuentas")
    fields = {k: created[k] for k in ("nombre", "apellido", "email", "telefono")}
    put = api.put(f"/clientes/{cid}", json={**fields, "estado": "inactivo"})
    assert put.status_code == 409
    # other changes of estado don't need cuentas
    assert api.patch(f"/clientes/{cid}", json={"estado": "bloqueado"}).status_code == 200
    closed = cuentas_api.patch(f"/cuentas/{cuenta['cuenta_id']}/estado", json={"estado": "cerrada"})
    assert closed.status_code == 200, closed.text
    assert api.patch(f"/clientes/{cid}", json={"estado": "inactivo"}).json()["estado"] == "inactivo"
    # and a client can be reactivated
    assert api.patch(f"/clientes/{cid}", json={"estado": "activo"}).json()["estado"] == "activo"


def test_delete_unknown_client_is_404(api, clean):
    assert api.delete("/clientes/2147483000").status_code == 404


def test_without_cuentas_nothing_is_deactivated(api, db, settings, cuentas_api, make_cliente):
    """Both cuentas instances down: 503 and the client unchanged (never deleted blindly); a
    client already inactive needs no answer from cuentas."""
    active = make_cliente()["cliente_id"]
    inactive = make_cliente(estado="inactivo")
    stack = Stack(settings)
    instances = [c.name for c in stack.components if c.name.startswith("cuentas-")]
    assert instances, "the test stack runs no cuentas instances"
    stack.down(instances)
    try:
        response = api.delete(f"/clientes/{active}")
        assert response.status_code == 503
        assert response.json()["code"] == "cuentas_unavailable"
        assert _estado(db, active) == "activo"
        patch = api.patch(f"/clientes/{active}", json={"estado": "inactivo"})
        assert patch.status_code == 503
        assert _estado(db, active) == "activo"
        again = api.delete(f"/clientes/{inactive['cliente_id']}")
        assert (again.status_code, again.json()) == (200, inactive)
    finally:
        stack.up(instances)
        # until HAProxy's health checks have put an instance back
        assert wait_until(lambda: cuentas_api.get("/health/ready").status_code == 200, 30)
    assert api.delete(f"/clientes/{active}").json()["estado"] == "inactivo"
