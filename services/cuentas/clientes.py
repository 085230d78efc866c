"""What cuentas needs from the clientes service: does a client exist, and is it active.

Asked over HTTP with the service token (the kit's ServiceClient). Clientes unreachable or
answering anything unexpected is a 503 for our caller: we never guess.
"""

from __future__ import annotations

import logging

from services.common.errors import Unavailable
from services.common.http import TRANSPORT_ERRORS, ServiceClient
from services.common.settings import Settings

log = logging.getLogger("cloudbank.cuentas.clientes")

ESTADO_ACTIVO = "activo"


class Clientes:
    def __init__(self, settings: Settings, timeout: float = 2.0):
        self._http = ServiceClient(
            settings.service_url(settings.clientes_port),
            service_name="cuentas",
            timeout=timeout,
            settings=settings,
            max_connections=20,
        )

    async def estado(self, cliente_id: int) -> str | None:
        """The client's estado (``activo``, ``inactivo``, ``bloqueado``), or None if unknown."""
        try:
            response = await self._http.get(f"/clientes/{cliente_id}")
        except TRANSPORT_ERRORS as exc:
            log.warning("clientes unreachable: %s", type(exc).__name__)
            raise _unavailable() from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            log.warning("clientes answered HTTP %s for client %s", response.status_code, cliente_id)
            raise _unavailable()
        try:
            return str(response.json()["estado"])
        except (ValueError, KeyError, TypeError) as exc:
            raise _unavailable() from exc

    async def aclose(self) -> None:
        await self._http.aclose()


def _unavailable() -> Unavailable:
    return Unavailable(
        "the clientes service cannot confirm the client right now; retry",
        code="clientes_no_disponible",
        headers={"Retry-After": "1"},
    )
