"""End-to-end fixtures: the real local stack (databases, the four services, the SPA server)
and headless Debian chromium driven by Playwright (no browser download: the system one).

The dashboard tests need a published analytics snapshot: when the stack has none yet,
``analytics_snapshot`` adds a little data in two currencies and runs the real pipeline once
(``cloudbank pipeline``: extract, checks, dbt build, publish), which takes a minute or two.

Screenshots and measurements go to ``test-artifacts/e2e/`` (git-ignored).
``CLOUDBANK_E2E_RUNNING=1`` runs them against a stack that is already up (``cloudbank up``),
without starting or stopping anything.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.local.components import all_components
from services.common.auth import Role, issue_token
from services.common.settings import Settings, get_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# flags that work headless as root on Debian (see the environment notes)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 860}
TABLET = {"width": 820, "height": 1180}
REQUIRED = ("clientes", "transacciones", "perfil360", "web")
ADMIN = ("admin", "admin123")
ANALISTA = ("analista", "analista123")


def _component_names(settings: Settings) -> list[str]:
    return [c.name for c in all_components(settings)]


def cuentas_components(settings: Settings) -> list[str]:
    """The cuentas API instances (HAProxy stays up: it answers 503 with no backend)."""
    return [n for n in _component_names(settings) if n.startswith("cuentas")]


@pytest.fixture(scope="session")
def e2e_stack(request: pytest.FixtureRequest) -> Settings:
    """The whole stack running (the suite's ``stack`` fixture starts every component)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make setup installs it)")
    settings = get_settings()
    if os.environ.get("CLOUDBANK_E2E_RUNNING") != "1":
        names = _component_names(settings)
        missing = [n for n in REQUIRED if n not in names]
        if missing or not cuentas_components(settings):
            pytest.skip(
                "the end-to-end tests need the operational services in the stack; not there "
                "yet: " + ", ".join(missing or ["cuentas"])
            )
        settings = request.getfixturevalue("stack")
    login = httpx.post(
        f"{settings.service_url(settings.perfil360_port)}/auth/token",
        data={"username": ADMIN[0], "password": ADMIN[1]},
        timeout=10,
    )
    if login.status_code == 404:
        pytest.skip("perfil360 does not mount POST /auth/token (services.common.auth_login)")
    return settings


@pytest.fixture(scope="session")
def web_url(e2e_stack: Settings) -> str:
    return e2e_stack.service_url(e2e_stack.web_port)


class Api:
    """Direct calls to the services, to set up data and to check what the SPA did."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = httpx.Client(
            headers={"Authorization": f"Bearer {issue_token('e2e', Role.ADMIN, settings)}"},
            timeout=15,
        )

    def url(self, base_port: int, path: str) -> str:
        return f"{self.settings.service_url(base_port)}{path}"

    def create_cliente(self) -> dict:
        body = {
            "nombre": "Prueba",
            "apellido": f"Prueba {letters()}",
            "email": f"e2e-{uuid.uuid4().hex[:12]}@example.com",
            "documento": {"tipo_documento": "DNI", "numero_documento": _dni()},
        }
        response = self.client.post(self.url(self.settings.clientes_port, "/clientes"), json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def open_cuenta(self, cliente_id: int, moneda: str = "PEN", saldo: str = "0.00") -> dict:
        body = {
            "cliente_id": cliente_id,
            "tipo_cuenta_id": 1,
            "moneda": moneda,
            "saldo_inicial": saldo,
        }
        response = self.client.post(
            self.url(self.settings.cuentas_port, "/cuentas"),
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def cuenta(self, cuenta_id: int) -> dict:
        response = self.client.get(self.url(self.settings.cuentas_port, f"/cuentas/{cuenta_id}"))
        assert response.status_code == 200, response.text
        return response.json()

    def transacciones(self, **query: object) -> dict:
        response = self.client.get(
            self.url(self.settings.transacciones_port, "/transacciones"), params=query
        )
        assert response.status_code == 200, response.text
        return response.json()

    def deposito(self, cuenta_id: int, monto: str, moneda: str = "PEN") -> dict:
        body = {
            "tipo": "DEPOSITO",
            "cuenta_destino_id": cuenta_id,
            "monto": monto,
            "moneda": moneda,
        }
        response = self.client.post(
            self.url(self.settings.transacciones_port, "/transacciones"),
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def get(
        self, base_port: int, path: str, role: Role = Role.ADMIN, **params: object
    ) -> httpx.Response:
        token = issue_token("e2e", role, self.settings)
        return self.client.get(
            self.url(base_port, path),
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        )


def letters(n: int = 8) -> str:
    """A random surname (names take letters only)."""
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n)).capitalize()


def _dni() -> str:
    return str(uuid.uuid4().int % 90_000_000 + 10_000_000)


@pytest.fixture(scope="session")
def api(e2e_stack: Settings) -> Iterator[Api]:
    client = Api(e2e_stack)
    yield client
    client.client.close()


def _run_pipeline(settings: Settings) -> float:
    """``cloudbank pipeline`` once, in a child process (Dagster's in-process run must not share
    this process's asyncio state with Playwright); its seconds. Fails the test if it fails."""
    env = {
        **os.environ,
        "CLOUDBANK_VAR_DIR": str(settings.var_dir),
        "CLOUDBANK_PORT_OFFSET": str(settings.port_offset),
    }
    env.pop("DAGSTER_HOME", None)  # the stack's own: var/dagster
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cloudbank"), "pipeline"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        pytest.fail(
            f"cloudbank pipeline failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )
    return seconds


@pytest.fixture(scope="session")
def analytics_snapshot(e2e_stack: Settings, api: Api) -> dict:
    """The analytics API serving a published snapshot; returns /dashboard-ejecutivo.

    A stack that has one already (an earlier session's, or ``cloudbank pipeline``'s) keeps it.
    Otherwise: a client with funded accounts in PEN and USD and a deposit (so the KPIs are not
    all zero), then one real pipeline run, then wait for the API to load the snapshot.
    """
    port = e2e_stack.analytics_port
    response = api.get(port, "/dashboard-ejecutivo", Role.ANALISTA)
    if response.status_code == 200:
        return response.json()
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "snapshot_unavailable", response.text
    cliente = api.create_cliente()
    pen = api.open_cuenta(cliente["cliente_id"], "PEN", saldo="250.00")
    api.open_cuenta(cliente["cliente_id"], "USD", saldo="80.00")
    api.deposito(pen["cuenta_id"], "40.00")
    seconds = _run_pipeline(e2e_stack)
    record_metric("analytics_pipeline_s", round(seconds, 1))
    print(f"analytics snapshot published by cloudbank pipeline in {seconds:.1f}s")
    deadline = time.monotonic() + 30
    while (response := api.get(port, "/dashboard-ejecutivo", Role.ANALISTA)).status_code != 200:
        assert time.monotonic() < deadline, f"the API did not load the snapshot: {response.text}"
        time.sleep(0.2)
    return response.json()


@pytest.fixture(scope="module")
def browser(e2e_stack: Settings):
    """Module-scoped on purpose: Playwright's sync API keeps an asyncio loop marked as running
    in the main thread while it is open, which would break every later ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport=LAPTOP, locale="es-PE", timezone_id="America/Lima", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def shot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def record_metric(name: str, value: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "metrics.json"
    metrics = json.loads(path.read_text()) if path.exists() else {}
    metrics[name] = value
    path.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")


def login(page, web_url: str, user: tuple[str, str] = ADMIN) -> None:
    page.goto(web_url + "/")
    page.get_by_label("Usuario").fill(user[0])
    page.get_by_label("Contraseña").fill(user[1])
    page.get_by_role("button", name="Ingresar").click()
    page.get_by_role("navigation", name="Secciones").wait_for()


def go(page, path: str) -> None:
    """Client-side navigation (a full reload would drop the in-memory session)."""
    page.evaluate(
        "(to) => { history.pushState(null, '', to); dispatchEvent(new Event('cloudbank:navigate')); }",
        path,
    )


class UI:
    """Helpers the tests reach through the ``ui`` fixture (tests/ is not a package)."""

    ADMIN = ADMIN
    letters = staticmethod(letters)
    ANALISTA = ANALISTA
    TABLET = TABLET
    login = staticmethod(login)
    go = staticmethod(go)
    shot = staticmethod(shot)
    record_metric = staticmethod(record_metric)
    cuentas_components = staticmethod(cuentas_components)


@pytest.fixture
def ui() -> type[UI]:
    return UI
