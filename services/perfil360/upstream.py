"""The three dependencies of perfil360, each behind one pooled HTTP client.

Every call has a short timeout. A timeout, a connection error, a 5xx, an unexpected status or a
body that does not match the contract all raise ``DependencyDown``: the caller decides whether
that fails the request (clientes) or only a section of it (cuentas, transacciones).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from services.common.errors import Unprocessable
from services.common.http import TRANSPORT_ERRORS, Reply, ServiceClient
from services.common.settings import Settings
from services.perfil360.config import (
    CUENTAS_MAX_PAGES,
    CUENTAS_PAGE_SIZE,
    READY_TIMEOUT_S,
    SERVICE_NAME,
    UPSTREAM_MAX_CONNECTIONS,
    UPSTREAM_TIMEOUT_S,
)
from services.perfil360.schemas import Cliente, Cuenta, Transaccion, UpstreamPage

log = logging.getLogger("cloudbank.perfil360.upstream")

M = TypeVar("M", bound=BaseModel)

CLIENTES, CUENTAS, TRANSACCIONES = "clientes", "cuentas", "transacciones"

# Parametrised once, at import (``UpstreamPage[X]`` in a call is a cache lookup every time).
ClientesPage = UpstreamPage[Cliente]
CuentasPage = UpstreamPage[Cuenta]
TransaccionesPage = UpstreamPage[Transaccion]


class DependencyDown(Exception):
    """A dependency gave no usable answer."""

    def __init__(self, dependency: str, reason: str):
        super().__init__(f"{dependency}: {reason}")
        self.dependency = dependency
        self.reason = reason


class Upstreams:
    """Pooled clients for clientes, cuentas (through HAProxy) and transacciones."""

    def __init__(self, settings: Settings, *, timeout: float = UPSTREAM_TIMEOUT_S):
        def client(base_port: int) -> ServiceClient:
            return ServiceClient(
                settings.service_url(base_port),
                service_name=SERVICE_NAME,
                timeout=timeout,
                settings=settings,
                max_connections=UPSTREAM_MAX_CONNECTIONS,
            )

        self.clients: dict[str, ServiceClient] = {
            CLIENTES: client(settings.clientes_port),
            CUENTAS: client(settings.cuentas_port),
            TRANSACCIONES: client(settings.transacciones_port),
        }

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    # --- plumbing -------------------------------------------------------------------------
    async def _get(self, dependency: str, url: str, params=None) -> Reply:
        try:
            response = await self.clients[dependency].get(url, params=params)
        except TRANSPORT_ERRORS as exc:
            raise self._down(dependency, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise self._down(dependency, f"HTTP {response.status_code}")
        return response

    @staticmethod
    def _down(dependency: str, reason: str, *, bug: bool = False) -> DependencyDown:
        # a 4xx or a malformed body means the contract between services broke: an error,
        # not just an outage
        (log.error if bug else log.warning)("%s unavailable: %s", dependency, reason)
        return DependencyDown(dependency, reason)

    def _parse(self, dependency: str, model: type[M], response: Reply) -> M:
        if response.status_code != 200:
            raise self._down(dependency, f"unexpected HTTP {response.status_code}", bug=True)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise self._down(
                dependency,
                f"response does not match the contract: {exc.error_count()} errors",
                bug=True,
            ) from exc

    # --- calls ----------------------------------------------------------------------------
    async def cliente(self, cliente_id: int) -> Cliente | None:
        """The client, or None when clientes says it does not exist."""
        response = await self._get(CLIENTES, f"/clientes/{cliente_id}")
        if response.status_code == 404:
            return None
        return self._parse(CLIENTES, Cliente, response)

    async def buscar_clientes(self, q: str, limit: int, offset: int) -> UpstreamPage[Cliente]:
        response = await self._get(
            CLIENTES, "/clientes", params={"q": q, "limit": limit, "offset": offset}
        )
        if response.status_code == 422:  # clientes refused the query text itself
            raise Unprocessable(_detail(response), code="invalid_query")
        return self._parse(CLIENTES, ClientesPage, response)

    async def cuentas(self, cliente_id: int) -> list[Cuenta]:
        """Every account of the client (all pages), in the order cuentas gives them."""
        cuentas: list[Cuenta] = []
        offset: int | None = 0
        for _ in range(CUENTAS_MAX_PAGES):
            response = await self._get(
                CUENTAS,
                f"/cuentas/cliente/{cliente_id}",
                params={"limit": CUENTAS_PAGE_SIZE, "offset": offset},
            )
            if response.status_code == 404:  # cuentas may answer 404 for an unknown client
                return cuentas
            page = self._parse(CUENTAS, CuentasPage, response)
            cuentas.extend(page.items)
            offset = page.next_offset
            if offset is None or not page.items:
                return cuentas
        raise self._down(CUENTAS, f"more than {CUENTAS_MAX_PAGES} pages of accounts")

    async def transacciones(
        self, cuenta_ids: Sequence[int], *, limit: int, offset: int = 0
    ) -> UpstreamPage[Transaccion]:
        """One query for the transactions touching any of ``cuenta_ids`` (as origin or
        destination), newest first; a transfer between two of them comes back once."""
        if not cuenta_ids:  # no filter would mean every transaction of the bank
            raise ValueError("cuenta_ids must not be empty")
        params = [("cuenta_id", str(c)) for c in cuenta_ids]
        params += [("limit", str(limit)), ("offset", str(offset))]
        response = await self._get(TRANSACCIONES, "/transacciones", params=params)
        return self._parse(TRANSACCIONES, TransaccionesPage, response)

    async def ping(self, dependency: str) -> dict[str, object]:
        """Readiness of one dependency: its own /health/ready, with the round-trip time."""
        started = time.perf_counter()
        try:
            response = await self.clients[dependency].get("/health/ready", timeout=READY_TIMEOUT_S)
            ok, detail = response.status_code == 200, f"HTTP {response.status_code}"
        except TRANSPORT_ERRORS as exc:
            ok, detail = False, type(exc).__name__
        latency = round((time.perf_counter() - started) * 1000, 1)
        return {"ok": ok, "latency_ms": latency, "detail": detail}


def _detail(response: Reply) -> object:
    try:
        return json.loads(response.content).get("detail", "invalid query")
    except (ValueError, AttributeError):
        return "invalid query"
