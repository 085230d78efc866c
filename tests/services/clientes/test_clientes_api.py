"""clientes endpoints on the real service and database: what each one returns and stores."""

from __future__ import annotations

from datetime import datetime

import pytest


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.utcoffset().total_seconds() == 0, text
    return value


def test_health_is_public_and_ready_checks_the_database(anon):
    assert anon.get("/health").json()["status"] == "ok"
    ready = anon.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["postgres"]["ok"] is True


def test_create_stores_client_and_document_in_one_go(api, db, payload, clean):
    body = payload(nombre="  María José ", email="Maria.Jose@Example.COM")
    response = api.post("/clientes", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["nombre"] == "María José"  # trimmed
    assert created["email"] == "Maria.Jose@example.com"  # domain lower-cased
    assert created["estado"] == "activo"
    assert _utc(created["fecha_registro"]) == _utc(created["updated_at"])
    [doc] = created["documentos"]
    assert doc["cliente_id"] == created["cliente_id"]
    assert doc["numero_documento"] == body["documento"]["numero_documento"]
    assert doc["fecha_emision"] == "2020-03-01"
    stored = db.execute(
        "SELECT c.nombre, d.tipo_documento FROM clientes c JOIN documentos_identidad d "
        "USING (cliente_id) WHERE cliente_id = %s",
        (created["cliente_id"],),
    ).fetchall()
    assert stored == [("María José", "DNI")]


def test_create_defaults_estado_and_allows_no_phone(api, payload, clean):
    body = payload()
    del body["estado"], body["telefono"]
    created = api.post("/clientes", json=body).json()
    assert created["estado"] == "activo"
    assert created["telefono"] is None


@pytest.mark.parametrize(
    ("tipo", "numero", "stored"),
    [
        ("DNI", "45678912", "45678912"),
        ("RUC", "20123456789", "20123456789"),
        ("RUC", "10456789123", "10456789123"),
        ("Pasaporte", " ab123456 ", "AB123456"),  # normalised: trimmed, upper-case
        ("Carnet Extranjeria", "001234567", "001234567"),
    ],
)
def test_every_document_type_is_accepted(api, payload, clean, tipo, numero, stored):
    body = payload(documento={"tipo_documento": tipo, "numero_documento": numero})
    response = api.post("/clientes", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["documentos"][0]["numero_documento"] == stored


def test_get_by_id_email_and_documento(api, make_cliente):
    created = make_cliente(email="Ana.Torres@example.com")
    numero = created["documentos"][0]["numero_documento"]
    by_id = api.get(f"/clientes/{created['cliente_id']}")
    assert by_id.status_code == 200
    assert by_id.json() == created
    # e-mail lookups ignore case; the stored spelling is returned
    assert api.get("/clientes/email/ana.TORRES@EXAMPLE.com").json() == created
    assert api.get(f"/clientes/documento/{numero}").json() == created


def test_get_by_id_fast_lane_answers_as_the_route(api, make_cliente):
    """GET /clientes/{id} is served by the fast lane (services/common/fast_read.py); an id
    with a leading zero is not its plain form, so the route itself answers it: same bytes."""
    created = make_cliente(telefono=None)
    cliente_id = created["cliente_id"]
    fast, routed = api.get(f"/clientes/{cliente_id}"), api.get(f"/clientes/0{cliente_id}")
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content and fast.json() == created
    for header in ("content-type", "content-length", "vary"):
        assert fast.headers[header] == routed.headers[header]
    assert fast.headers["x-request-id"] != routed.headers["x-request-id"]


def test_documento_lookup_normalises_the_number(api, make_cliente):
    created = make_cliente(documento={"tipo_documento": "Pasaporte", "numero_documento": "XK99887"})
    assert api.get("/clientes/documento/xk99887").json()["cliente_id"] == created["cliente_id"]


def test_list_is_ordered_paginated_and_counted(api, make_cliente):
    ids = [make_cliente()["cliente_id"] for _ in range(7)]
    first = api.get("/clientes", params={"limit": 3}).json()
    assert [c["cliente_id"] for c in first["items"]] == ids[:3]
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (7, 3, 0, 3)
    last = api.get("/clientes", params={"limit": 3, "offset": 6}).json()
    assert [c["cliente_id"] for c in last["items"]] == ids[6:]
    assert last["next_offset"] is None
    # every item carries its documents
    assert all(len(c["documentos"]) == 1 for c in first["items"])


def test_list_default_page_size_and_cap(api, clean):
    assert api.get("/clientes").json()["limit"] == 50
    assert api.get("/clientes", params={"limit": 200}).status_code == 200
    assert api.get("/clientes", params={"limit": 201}).status_code == 422


def test_list_filters_by_estado(api, make_cliente):
    make_cliente(estado="activo")
    bloqueado = make_cliente(estado="bloqueado")
    page = api.get("/clientes", params={"estado": "bloqueado"}).json()
    assert [c["cliente_id"] for c in page["items"]] == [bloqueado["cliente_id"]]
    assert page["total"] == 1


def test_search_by_name_surname_email_and_document(api, make_cliente):
    rosa = make_cliente(nombre="Rosa", apellido="Huamán Quispe", email="rq1@example.com")
    luis = make_cliente(nombre="Luis", apellido="Pérez", email="lperez@empresa.pe")
    ruc = make_cliente(
        nombre="Comercial",
        apellido="Andina",
        email="ventas@andina.pe",
        documento={"tipo_documento": "RUC", "numero_documento": "20512345678"},
    )

    def found(q: str, **extra) -> list[int]:
        page = api.get("/clientes", params={"q": q, **extra}).json()
        assert page["total"] == len(page["items"])
        return [c["cliente_id"] for c in page["items"]]

    assert found("huamán") == [rosa["cliente_id"]]  # surname, any case
    assert found("LUIS p") == [luis["cliente_id"]]  # "nombre apellido"
    assert found("@empresa") == [luis["cliente_id"]]  # e-mail
    assert found("20512345678") == [ruc["cliente_id"]]  # whole document number
    assert found("a") == sorted([rosa["cliente_id"], luis["cliente_id"], ruc["cliente_id"]])
    assert found("quispe", estado="inactivo") == []
    assert found("zzz") == []


def test_search_treats_wildcards_literally(api, make_cliente):
    make_cliente(nombre="Ana")
    assert api.get("/clientes", params={"q": "%"}).json()["total"] == 0
    assert api.get("/clientes", params={"q": "_"}).json()["total"] == 0


def test_put_replaces_every_editable_field(api, db, make_cliente):
    created = make_cliente(telefono="+51 911 111 111")
    new = {
        "nombre": "Carla",
        "apellido": "Ríos",
        "email": "carla.rios@example.com",
        "telefono": None,
        "estado": "bloqueado",
    }
    response = api.put(f"/clientes/{created['cliente_id']}", json=new)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert {k: updated[k] for k in new} == new
    assert updated["documentos"] == created["documentos"]
    assert updated["fecha_registro"] == created["fecha_registro"]
    assert _utc(updated["updated_at"]) > _utc(created["updated_at"])
    row = db.execute(
        "SELECT nombre, telefono, estado FROM clientes WHERE cliente_id = %s",
        (created["cliente_id"],),
    ).fetchone()
    assert row == ("Carla", None, "bloqueado")


def test_patch_changes_only_what_is_sent(api, make_cliente):
    created = make_cliente(telefono="+51 922 222 222")
    cid = created["cliente_id"]
    patched = api.patch(f"/clientes/{cid}", json={"apellido": "Salas"}).json()
    assert patched["apellido"] == "Salas"
    for unchanged in ("nombre", "email", "telefono", "estado"):
        assert patched[unchanged] == created[unchanged]
    assert _utc(patched["updated_at"]) > _utc(created["updated_at"])
    # telefono: null clears it
    assert api.patch(f"/clientes/{cid}", json={"telefono": None}).json()["telefono"] is None


def test_a_change_to_the_same_values_keeps_updated_at(api, make_cliente):
    created = make_cliente()
    cid = created["cliente_id"]
    same = api.patch(f"/clientes/{cid}", json={"nombre": created["nombre"]}).json()
    assert same["updated_at"] == created["updated_at"]
    assert api.patch(f"/clientes/{cid}", json={}).json()["updated_at"] == created["updated_at"]


def test_updated_at_is_kept_by_the_database(db, make_cliente):
    """Even a write that bypasses the API (the seed, an operator) moves the watermark."""
    created = make_cliente()
    before = db.execute(
        "SELECT updated_at FROM clientes WHERE cliente_id = %s", (created["cliente_id"],)
    ).fetchone()[0]
    db.execute(
        "UPDATE clientes SET nombre = 'Otro', updated_at = '2000-01-01' WHERE cliente_id = %s",
        (created["cliente_id"],),
    )
    after = db.execute(
        "SELECT updated_at FROM clientes WHERE cliente_id = %s", (created["cliente_id"],)
    ).fetchone()[0]
    assert after > before


def test_email_may_change_case_on_the_same_client(api, make_cliente):
    created = make_cliente(email="pedro@example.com")
    response = api.patch(f"/clientes/{created['cliente_id']}", json={"email": "Pedro@example.com"})
    assert response.status_code == 200
    assert response.json()["email"] == "Pedro@example.com"


def test_documentos_list_and_add(api, make_cliente):
    created = make_cliente()
    cid = created["cliente_id"]
    added = api.post(
        f"/clientes/{cid}/documentos",
        json={"tipo_documento": "Pasaporte", "numero_documento": "PE123456"},
    )
    assert added.status_code == 201, added.text
    doc = added.json()
    assert doc["cliente_id"] == cid
    assert (doc["fecha_emision"], doc["fecha_vencimiento"]) == (None, None)
    page = api.get(f"/clientes/{cid}/documentos").json()
    assert page["total"] == 2
    assert [d["documento_id"] for d in page["items"]] == sorted(
        d["documento_id"] for d in page["items"]
    )
    assert page["items"][1] == doc
    second = api.get(f"/clientes/{cid}/documentos", params={"limit": 1, "offset": 1}).json()
    assert second["items"] == [doc]
    assert second["next_offset"] is None
    # the client now shows both documents
    assert [d["numero_documento"] for d in api.get(f"/clientes/{cid}").json()["documentos"]] == [
        created["documentos"][0]["numero_documento"],
        "PE123456",
    ]


def test_request_id_is_echoed(api, make_cliente):
    created = make_cliente()
    response = api.get(f"/clientes/{created['cliente_id']}", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_surrounding_whitespace_is_trimmed(api, payload, clean):
    body = payload(nombre="\tAna ", apellido=" Ruiz\n", email=" ana.ruiz@example.com ")
    created = api.post("/clientes", json=body).json()
    assert (created["nombre"], created["apellido"], created["email"]) == (
        "Ana",
        "Ruiz",
        "ana.ruiz@example.com",
    )
