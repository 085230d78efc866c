"""POST /auth/token: dev users from settings, OAuth2 password form, tokens the kit accepts."""

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

from services.common import settings as settings_module
from services.common.app import create_app
from services.common.auth import Principal, Role, Scope, current_principal, decode_token, require
from services.common.auth_login import router as login_router
from services.common.settings import DEV_USERS, Settings

probe = APIRouter()


@probe.get("/whoami", dependencies=[Depends(require(Scope.CLIENTES_READ))])
def whoami(principal: Principal = Depends(current_principal)) -> dict:
    return {"sub": principal.sub, "role": principal.role.value}


app = create_app(title="login", description="test", routers=[login_router, probe], ready_check=dict)
client = TestClient(app, raise_server_exceptions=False)


def login(username: str, password: str, **extra: str):
    return client.post("/auth/token", data={"username": username, "password": password, **extra})


@pytest.mark.parametrize(
    ("user", "password", "role"),
    [
        ("admin", "admin123", "admin"),
        ("cajero", "cajero123", "cajero"),
        ("analista", "analista123", "analista"),
    ],
)
def test_dev_users_get_a_token_with_their_role(user, password, role):
    response = login(user, password)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["role"] == role
    assert decode_token(body["access_token"]).role == Role(role)


def test_the_token_opens_the_doors_of_its_role_only():
    admin = login("admin", "admin123").json()["access_token"]
    analista = login("analista", "analista123").json()["access_token"]
    ok = client.get("/whoami", headers={"Authorization": f"Bearer {admin}"})
    assert ok.status_code == 200 and ok.json() == {"sub": "admin", "role": "admin"}
    assert client.get("/whoami", headers={"Authorization": f"Bearer {analista}"}).status_code == 403


@pytest.mark.parametrize(
    ("user", "password"), [("admin", "wrong"), ("nobody", "admin123"), ("admin", "admin1234")]
)
def test_wrong_credentials_are_401_without_saying_which_part(user, password):
    response = login(user, password)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "incorrect username or password",
        "code": "invalid_credentials",
    }


def test_missing_fields_are_422_and_json_is_415():
    response = client.post("/auth/token", data={"username": "admin"})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "password"]]
    assert (
        client.post("/auth/token", json={"username": "admin", "password": "admin123"}).status_code
        == 415
    )
    assert login("admin", "admin123", grant_type="client_credentials").status_code == 400


def test_production_ignores_the_default_users_but_honours_an_explicit_list(monkeypatch):
    monkeypatch.setenv("CLOUDBANK_PRODUCTION", "true")
    monkeypatch.setenv("CLOUDBANK_JWT_SECRET", "a-real-secret-for-this-test-0123456789")
    monkeypatch.setenv("CLOUDBANK_PII_HASH_KEY", "a-real-pii-key")
    monkeypatch.delenv("CLOUDBANK_DEV_USERS", raising=False)
    assert Settings().login_users() == {}
    assert Settings(dev_users=DEV_USERS).login_users() == {}  # e.g. .env.example copied
    settings_module.get_settings.cache_clear()
    try:
        response = login("admin", "admin123")
        assert response.status_code == 403 and response.json()["code"] == "login_disabled"
        monkeypatch.setenv("CLOUDBANK_DEV_USERS", "ops:s3cr:et:cajero")
        settings_module.get_settings.cache_clear()
        assert Settings().login_users() == {"ops": ("s3cr:et", "cajero")}
        assert login("ops", "s3cr:et").json()["role"] == "cajero"
        assert login("admin", "admin123").status_code == 401
    finally:
        settings_module.get_settings.cache_clear()


def test_malformed_user_list_and_service_role_are_refused(monkeypatch):
    assert len(Settings(dev_users=DEV_USERS).login_users()) == 3
    with pytest.raises(ValueError, match="user:password:role"):
        Settings(dev_users="admin:admin123")
    monkeypatch.setenv("CLOUDBANK_DEV_USERS", "robot:robot123:service")
    settings_module.get_settings.cache_clear()
    try:
        assert login("robot", "robot123").status_code == 401
    finally:
        settings_module.get_settings.cache_clear()
