"""DELETE /clientes/{id} (and any other change to estado=inactivo) asks cuentas first.

cuentas is served here by the CONTRACT STAND-IN of conftest.py (canned pages from
GET /cuentas/cliente/{id}); switch these tests to the real cuentas once it is merged.
"""

from __future__ import annotations

import pytest


def _cuenta(cuenta_id: int, estado: str) -> dict:
    return {"cuenta_id": cuenta_id, "estado": estado, "saldo": "0.00", "moneda": "PEN"}


def _estado(db, cliente_id: int) -> str:
    return db.execute(
        "SELECT estado FROM clientes WHERE cliente_id = %s", (cliente_id,)
    ).fetchone()[0]


def test_delete_without_accounts_marks_inactive_and_keeps_the_record(
    api, db, cuentas, make_cliente
):
    created = make_cliente()
    cid = created["cliente_id"]
    response = api.delete(f"/clientes/{cid}", headers={"X-Request-ID": "del-1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["estado"] == "inactivo"
    assert body["documentos"] == created["documentos"]
    assert body["updated_at"] > created["updated_at"]
    assert _estado(db, cid) == "inactivo"  # never hard-deleted
    assert db.execute("SELECT count(*) FROM documentos_identidad").fetchone()[0] == 1
    # asked with the service token (the stand-in checks it), the page cap and our request id
    assert cuentas.calls == [{"cliente_id": cid, "limit": 200, "offset": 0, "rid": "del-1"}]
    assert api.get(f"/clientes/{cid}").json()["estado"] == "inactivo"


def test_delete_with_only_closed_accounts_succeeds(api, cuentas, make_cliente):
    cid = make_cliente()["cliente_id"]
    cuentas.accounts[cid] = [_cuenta(1, "cerrada"), _cuenta(2, "cerrada")]
    assert api.delete(f"/clientes/{cid}").json()["estado"] == "inactivo"


@pytest.mark.parametrize("estado", ["activa", "bloqueada"])
def test_delete_with_an_account_not_closed_is_409(api, db, cuentas, make_cliente, estado):
    created = make_cliente(estado="bloqueado")
    cid = created["cliente_id"]
    cuentas.accounts[cid] = [_cuenta(1, "cerrada"), _cuenta(2, estado)]
    response = api.delete(f"/clientes/{cid}")
    assert response.status_code == 409
    assert response.json()["code"] == "cliente_con_cuentas"
    assert "1 account" in response.json()["detail"]
    assert api.get(f"/clientes/{cid}").json() == created  # nothing changed


def test_delete_follows_every_page_of_accounts(api, cuentas, make_cliente):
    cid = make_cliente()["cliente_id"]
    cuentas.accounts[cid] = [_cuenta(i, "cerrada") for i in range(450)] + [_cuenta(999, "activa")]
    response = api.delete(f"/clientes/{cid}")
    assert response.status_code == 409
    assert [c["offset"] for c in cuentas.calls] == [0, 200, 400]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, None),
        (502, None),
        (404, {"detail": "no such route", "code": "not_found"}),
        (401, {"detail": "bad token", "code": "invalid_token"}),
        (200, {"unexpected": "shape"}),
        (200, {"items": [{"cuenta_id": 1}], "next_offset": None}),  # no estado
        (200, {"items": [], "next_offset": 0}),  # a page that would loop
    ],
)
def test_delete_when_cuentas_cannot_answer_is_503_and_changes_nothing(
    api, db, cuentas, make_cliente, status, body
):
    cid = make_cliente()["cliente_id"]
    cuentas.status_code, cuentas.body = status, body
    response = api.delete(f"/clientes/{cid}")
    assert response.status_code == 503
    assert response.json()["code"] == "cuentas_unavailable"
    assert _estado(db, cid) == "activo"


def test_delete_when_cuentas_is_down_is_503(api, db, cuentas_server, cuentas, make_cliente):
    _, server = cuentas_server
    cid = make_cliente()["cliente_id"]
    server.stop()
    try:
        response = api.delete(f"/clientes/{cid}")
    finally:
        server.start()
    assert response.status_code == 503
    assert _estado(db, cid) == "activo"


def test_delete_of_an_inactive_client_is_idempotent(api, cuentas, make_cliente):
    created = make_cliente(estado="inactivo")
    cuentas.status_code = 500  # not even asked
    response = api.delete(f"/clientes/{created['cliente_id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert cuentas.calls == []


def test_deactivating_through_patch_or_put_is_checked_too(api, cuentas, make_cliente):
    created = make_cliente()
    cid = created["cliente_id"]
    cuentas.accounts[cid] = [_cuenta(1, "activa")]
    patch = api.patch(f"/clientes/{cid}", json={"estado": "inactivo"})
    assert (patch.status_code, patch.json()["code"]) == (409, "cliente_con_cuentas")
    fields = {k: created[k] for k in ("nombre", "apellido", "email", "telefono")}
    put = api.put(f"/clientes/{cid}", json={**fields, "estado": "inactivo"})
    assert put.status_code == 409
    # other changes of estado don't need cuentas
    assert api.patch(f"/clientes/{cid}", json={"estado": "bloqueado"}).status_code == 200
    cuentas.accounts[cid] = [_cuenta(1, "cerrada")]
    assert api.patch(f"/clientes/{cid}", json={"estado": "inactivo"}).json()["estado"] == "inactivo"
    # and a client can be reactivated
    assert api.patch(f"/clientes/{cid}", json={"estado": "activo"}).json()["estado"] == "activo"


def test_delete_unknown_client_is_404_without_asking_cuentas(api, cuentas, clean):
    assert api.delete("/clientes/4242").status_code == 404
    assert cuentas.calls == []
