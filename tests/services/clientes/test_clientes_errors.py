"""Every error path of clientes: 401, 403, 404, 409 and 422, always {"detail", "code"}, never
a 500 and never a partial write."""

from __future__ import annotations

import time

import jwt
import pytest

from services.common.auth import Role

READS = [
    ("GET", "/clientes"),
    ("GET", "/clientes/1"),
    ("GET", "/clientes/email/someone@example.com"),
    ("GET", "/clientes/documento/12345678"),
    ("GET", "/clientes/1/documentos"),
]
WRITES = [
    ("POST", "/clientes"),
    ("PUT", "/clientes/1"),
    ("PATCH", "/clientes/1"),
    ("DELETE", "/clientes/1"),
    ("POST", "/clientes/1/documentos"),
]


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- 401 / 403 ------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path"), READS + WRITES)
def test_no_token_is_401(anon, method, path):
    response = anon.request(method, path, json={})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), READS + WRITES)
def test_bad_or_expired_token_is_401(anon, settings, method, path):
    expired = jwt.encode(
        {
            "sub": "x",
            "role": "admin",
            "scope": "clientes:read clientes:write",
            "iss": settings.jwt_issuer,
            "exp": int(time.time()) - 10,
        },
        settings.jwt_secret,
    )
    forged = jwt.encode(
        {
            "sub": "x",
            "role": "admin",
            "scope": "clientes:read clientes:write",
            "iss": settings.jwt_issuer,
            "exp": int(time.time()) + 600,
        },
        "not-the-secret-0123456789abcdef-xyz",
    )
    for token in ("junk", expired, forged):
        response = anon.request(method, path, json={}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["code"] == "invalid_token"


@pytest.mark.parametrize(("method", "path"), READS + WRITES)
def test_analista_is_403(anon, headers_for, method, path):
    response = anon.request(method, path, json={}, headers=headers_for(Role.ANALISTA))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "missing scope: "
        + ("clientes:read" if (method, path) in READS else "clientes:write"),
        "code": "forbidden",
    }


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_read_scope_cannot_write(anon, settings, method, path):
    token = jwt.encode(
        {
            "sub": "reader",
            "role": "cajero",
            "scope": "clientes:read",
            "iss": settings.jwt_issuer,
            "exp": int(time.time()) + 600,
        },
        settings.jwt_secret,
    )
    response = anon.request(method, path, json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_cajero_may_read_and_write(anon, headers_for, payload, clean):
    headers = headers_for(Role.CAJERO)
    created = anon.post("/clientes", json=payload(), headers=headers)
    assert created.status_code == 201
    assert anon.get(f"/clientes/{created.json()['cliente_id']}", headers=headers).status_code == 200


# --- 404 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "body", "code"),
    [
        ("GET", "/clientes/999", None, "cliente_not_found"),
        ("GET", "/clientes/2147483647", None, "cliente_not_found"),
        ("GET", "/clientes/email/nadie@example.com", None, "cliente_not_found"),
        ("GET", "/clientes/documento/99999999", None, "documento_not_found"),
        ("GET", "/clientes/999/documentos", None, "cliente_not_found"),
        (
            "PUT",
            "/clientes/999",
            {
                "nombre": "A",
                "apellido": "B",
                "email": "a@example.com",
                "telefono": None,
                "estado": "activo",
            },
            "cliente_not_found",
        ),
        ("PATCH", "/clientes/999", {"nombre": "A"}, "cliente_not_found"),
        ("DELETE", "/clientes/999", None, "cliente_not_found"),
        (
            "POST",
            "/clientes/999/documentos",
            {"tipo_documento": "DNI", "numero_documento": "11112222"},
            "cliente_not_found",
        ),
        ("GET", "/no-such-route", None, "not_found"),
    ],
)
def test_unknown_is_404(api, db, clean, method, path, body, code):
    response = api.request(method, path, json=body)
    assert response.status_code == 404
    assert response.json()["code"] == code
    assert _count(db, "documentos_identidad") == 0


# --- 409 ------------------------------------------------------------------------------------
def test_duplicate_email_is_409_case_insensitively(api, db, payload, make_cliente):
    make_cliente(email="Lucia.Vega@example.com")
    response = api.post("/clientes", json=payload(email="lucia.VEGA@example.com"))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_email"
    assert "email" in response.json()["detail"]
    assert _count(db, "clientes") == 1
    assert _count(db, "documentos_identidad") == 1  # the new document was not written either


def test_duplicate_documento_is_409_and_writes_nothing(api, db, payload, make_cliente):
    first = make_cliente()
    numero = first["documentos"][0]["numero_documento"]
    response = api.post("/clientes", json=payload(documento={"numero_documento": numero}))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_documento"
    assert "numero_documento" in response.json()["detail"]
    assert _count(db, "clientes") == 1  # the client row was rolled back with the document


def test_document_numbers_are_unique_across_types(api, payload, make_cliente):
    make_cliente(
        documento={"tipo_documento": "Carnet Extranjeria", "numero_documento": "123456789"}
    )
    response = api.post(
        "/clientes",
        json=payload(documento={"tipo_documento": "Pasaporte", "numero_documento": "123456789"}),
    )
    assert response.json()["code"] == "duplicate_documento"


def test_taking_another_clients_email_is_409(api, make_cliente):
    make_cliente(email="uno@example.com")
    other = make_cliente(email="dos@example.com")
    cid = other["cliente_id"]
    patch = api.patch(f"/clientes/{cid}", json={"email": "UNO@example.com"})
    assert (patch.status_code, patch.json()["code"]) == (409, "duplicate_email")
    replace = {k: other[k] for k in ("nombre", "apellido", "telefono", "estado")}
    put = api.put(f"/clientes/{cid}", json={**replace, "email": "uno@EXAMPLE.com"})
    assert (put.status_code, put.json()["code"]) == (409, "duplicate_email")
    assert api.get(f"/clientes/{cid}").json() == other


def test_adding_a_known_document_is_409(api, db, make_cliente):
    a = make_cliente()
    b = make_cliente()
    response = api.post(
        f"/clientes/{b['cliente_id']}/documentos",
        json={"tipo_documento": "DNI", "numero_documento": a["documentos"][0]["numero_documento"]},
    )
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_documento")
    assert _count(db, "documentos_identidad") == 2


# --- 422 ------------------------------------------------------------------------------------
def _doc(**changes):
    return {"documento": changes}


INVALID_CREATE = {
    "nombre missing": {"nombre": None},
    "nombre empty": {"nombre": ""},
    "nombre blank": {"nombre": "   "},
    "nombre too long": {"nombre": "x" * 101},
    "nombre control char": {"nombre": "Ana\x00"},
    "nombre not a string": {"nombre": 5},
    "apellido empty": {"apellido": ""},
    "apellido too long": {"apellido": "y" * 101},
    "apellido control char": {"apellido": "Ru\tiz"},
    "email missing": {"email": None},
    "email no at": {"email": "not-an-email"},
    "email no dot in domain": {"email": "a@b"},
    "email space": {"email": "ana ruiz@example.com"},
    "email non-ascii": {"email": "ñandú@example.com"},
    "email non-ascii domain": {"email": "ana@ñandú.pe"},
    "email too long": {"email": "a" * 60 + "@" + "b" * 50 + "." + "c" * 50 + ".com"},
    "email reserved domain": {"email": "ana@host.local"},
    "telefono letters": {"telefono": "abc"},
    "telefono too short": {"telefono": "12345"},
    "telefono too long": {"telefono": "+51 987 654 321 123 4"},
    "telefono double plus": {"telefono": "++51987654321"},
    "telefono double separator": {"telefono": "987  654 321"},
    "estado unknown": {"estado": "suspendido"},
    "estado wrong case": {"estado": "Activo"},
    "documento missing": {"documento": None},
    "tipo unknown": _doc(tipo_documento="Licencia"),
    "tipo wrong case": _doc(tipo_documento="dni"),
    "DNI 7 digits": _doc(tipo_documento="DNI", numero_documento="1234567"),
    "DNI 9 digits": _doc(tipo_documento="DNI", numero_documento="123456789"),
    "DNI letter": _doc(tipo_documento="DNI", numero_documento="1234567A"),
    "RUC bad prefix": _doc(tipo_documento="RUC", numero_documento="12345678901"),
    "RUC 10 digits": _doc(tipo_documento="RUC", numero_documento="2012345678"),
    "RUC 12 digits": _doc(tipo_documento="RUC", numero_documento="201234567890"),
    "Pasaporte too short": _doc(tipo_documento="Pasaporte", numero_documento="AB123"),
    "Pasaporte too long": _doc(tipo_documento="Pasaporte", numero_documento="AB1234567890X"),
    "Pasaporte symbol": _doc(tipo_documento="Pasaporte", numero_documento="AB-12345"),
    "Carnet 8 digits": _doc(tipo_documento="Carnet Extranjeria", numero_documento="12345678"),
    "Carnet 13 digits": _doc(tipo_documento="Carnet Extranjeria", numero_documento="1" * 13),
    "Carnet letter": _doc(tipo_documento="Carnet Extranjeria", numero_documento="12345678A"),
    "numero missing": _doc(numero_documento=None),
    "numero too long": _doc(numero_documento="1" * 21),
    "emision equals vencimiento": _doc(fecha_emision="2020-01-01", fecha_vencimiento="2020-01-01"),
    "emision after vencimiento": _doc(fecha_emision="2021-01-01", fecha_vencimiento="2020-01-01"),
    "bad date": _doc(fecha_emision="2020-13-01"),
    "unknown field": {"cliente_id": 7},
    "unknown document field": _doc(documento_id=7),
}


@pytest.mark.parametrize("case", INVALID_CREATE, ids=list(INVALID_CREATE))
def test_invalid_create_is_422_with_a_message(api, db, payload, clean, case):
    changes = INVALID_CREATE[case]
    body = payload()
    for key, value in changes.items():
        if key == "documento" and isinstance(value, dict):
            body["documento"].update(value)
            body["documento"] = {k: v for k, v in body["documento"].items() if v is not None}
        elif value is None:
            body.pop(key)
        else:
            body[key] = value
    response = api.post("/clientes", json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["detail"] and all(item["msg"] for item in error["detail"])
    assert _count(db, "clientes") == 0
    assert _count(db, "documentos_identidad") == 0


def test_date_rule_message_names_the_fields(api, payload, clean):
    body = payload(documento={"fecha_emision": "2025-01-02", "fecha_vencimiento": "2025-01-01"})
    detail = api.post("/clientes", json=body).json()["detail"]
    assert "fecha_emision must be before fecha_vencimiento" in detail[0]["msg"]


def test_document_format_message_says_the_rule(api, payload, clean):
    body = payload(documento={"tipo_documento": "RUC", "numero_documento": "30123456789"})
    detail = api.post("/clientes", json=body).json()["detail"]
    assert "RUC" in detail[0]["msg"] and "10, 15, 17 or 20" in detail[0]["msg"]


def test_malformed_json_is_422(api, clean):
    response = api.post(
        "/clientes", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("missing", ["nombre", "apellido", "email", "telefono", "estado"])
def test_put_without_a_field_is_422_and_changes_nothing(api, db, make_cliente, missing):
    created = make_cliente(estado="bloqueado")
    cid = created["cliente_id"]
    before = db.execute("SELECT * FROM clientes WHERE cliente_id = %s", (cid,)).fetchone()
    body = {
        "nombre": "Nuevo",
        "apellido": "Nombre",
        "email": "nuevo@example.com",
        "telefono": "+51 900 000 000",
        "estado": "activo",
    }
    del body[missing]
    response = api.put(f"/clientes/{cid}", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", missing]
    after = db.execute("SELECT * FROM clientes WHERE cliente_id = %s", (cid,)).fetchone()
    assert after == before  # estado was not reset to activo, updated_at did not move


@pytest.mark.parametrize(
    "body",
    [
        {"nombre": None},
        {"apellido": None},
        {"email": None},
        {"estado": None},
        {"estado": "borrado"},
        {"email": "x"},
        {"telefono": "12"},
        {"documentos": []},
        {"cliente_id": 3},
        {"fecha_registro": "2020-01-01T00:00:00Z"},
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(api, db, make_cliente, body):
    created = make_cliente()
    response = api.patch(f"/clientes/{created['cliente_id']}", json=body)
    assert response.status_code == 422, response.text
    assert api.get(f"/clientes/{created['cliente_id']}").json() == created


@pytest.mark.parametrize(
    "path",
    [
        "/clientes/0",
        "/clientes/-1",
        "/clientes/2147483648",
        "/clientes/99999999999999999999",
        "/clientes/abc",
        "/clientes/1.5",
        "/clientes/2147483648/documentos",
        "/clientes/email/" + "a" * 151,
        "/clientes/email/a%00b@example.com",
        "/clientes/documento/" + "1" * 21,
        "/clientes/documento/12%0034",
        "/clientes?limit=0",
        "/clientes?limit=abc",
        "/clientes?offset=-1",
        "/clientes?estado=borrado",
        "/clientes?q=",
        "/clientes?q=" + "x" * 101,
        "/clientes?q=a%00b",
        "/clientes/1/documentos?limit=201",
    ],
)
def test_bad_path_or_query_is_422(api, clean, path):
    response = api.get(path)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_out_of_range_id_on_writes_is_422(api, clean, method):
    body = {"nombre": "A"} if method != "DELETE" else None
    assert api.request(method, "/clientes/2147483648", json=body).status_code == 422


def test_invalid_added_document_is_422(api, db, make_cliente):
    created = make_cliente()
    response = api.post(
        f"/clientes/{created['cliente_id']}/documentos",
        json={"tipo_documento": "DNI", "numero_documento": "12AB", "fecha_emision": "2020-01-01"},
    )
    assert response.status_code == 422
    assert _count(db, "documentos_identidad") == 1
