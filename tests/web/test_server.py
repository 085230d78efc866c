"""The SPA server: /config.json follows the settings (port offset, production), client-side
routes fall back to index.html, missing assets are 404, files outside dist/ are unreachable."""

import pytest
from starlette.testclient import TestClient

from services.common.settings import Settings
from services.web.server import create_app


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


def test_config_follows_the_port_offset(dist):
    client = TestClient(create_app(dist, Settings(port_offset=7000)))
    config = client.get("/config.json").json()
    assert config["clientesUrl"] == "http://127.0.0.1:15001"
    assert config["cuentasUrl"] == "http://127.0.0.1:15002"
    assert config["transaccionesUrl"] == "http://127.0.0.1:15004"
    assert config["perfilUrl"] == config["authUrl"] == "http://127.0.0.1:13000"
    assert config["analyticsUrl"] == "http://127.0.0.1:15000"
    assert config["dbtDocsUrl"] == "http://127.0.0.1:15000/dbt-docs/"
    assert "admin / admin123" in config["devLoginHint"]


def test_production_never_shows_a_login_hint(dist):
    settings = Settings(
        production=True, jwt_secret="x" * 40, pii_hash_key="y" * 20, dev_users="ops:pw:cajero"
    )
    config = TestClient(create_app(dist, settings)).get("/config.json").json()
    assert config["devLoginHint"] is None


def test_spa_fallback_assets_and_headers(dist):
    client = TestClient(create_app(dist, Settings(_env_file=None, port_offset=0)))
    page = client.get("/perfil?cliente=5")
    assert page.status_code == 200 and "root" in page.text
    assert page.headers["cache-control"] == "no-cache"
    csp = page.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "http://127.0.0.1:8001" in csp
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/%2e%2e/secret.txt").text != "not for the web"


def test_not_ready_until_built(tmp_path):
    client = TestClient(create_app(tmp_path, Settings(_env_file=None)))
    assert client.get("/health").status_code == 200
    assert client.get("/health/ready").status_code == 503
    assert client.get("/").status_code == 503
