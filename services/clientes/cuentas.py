"""What clientes needs to know from cuentas: the accounts of a client that are not closed."""

from __future__ import annotations

import logging

from services.common.errors import Unavailable
from services.common.http import TRANSPORT_ERRORS, ServiceClient
from services.common.settings import Settings

log = logging.getLogger("cloudbank.clientes.cuentas")

PAGE_SIZE = 200
MAX_PAGES = 100  # 20,000 accounts for one client is far past anything real
CLOSED = "cerrada"


def _unavailable(reason: str) -> Unavailable:
    log.warning("cuentas check failed: %s", reason)
    return Unavailable(
        "the cuentas service could not confirm the client's accounts; try again later",
        code="cuentas_unavailable",
    )


class CuentasGateway:
    def __init__(self, settings: Settings, *, timeout: float = 3.0):
        self.client = ServiceClient(
            settings.service_url(settings.cuentas_port),
            service_name="clientes",
            timeout=timeout,
            settings=settings,
            max_connections=20,
        )

    async def open_accounts(self, cliente_id: int) -> list[dict]:
        """Accounts of ``cliente_id`` whose estado is not ``cerrada``.

        Anything short of a well-formed answer raises 503: the caller must never act on a
        guess.
        """
        open_accounts: list[dict] = []
        offset = 0
        for _ in range(MAX_PAGES):
            try:
                response = await self.client.get(
                    f"/cuentas/cliente/{cliente_id}", params={"limit": PAGE_SIZE, "offset": offset}
                )
            except TRANSPORT_ERRORS as exc:
                raise _unavailable(f"{type(exc).__name__}: {exc}") from exc
            if response.status_code != 200:
                raise _unavailable(f"HTTP {response.status_code}")
            try:
                page = response.json()
                items = page["items"]
                estados = [str(item["estado"]) for item in items]
                next_offset = page.get("next_offset")
            except (ValueError, KeyError, TypeError) as exc:
                raise _unavailable(f"unexpected body: {exc!r}") from exc
            open_accounts.extend(
                item for item, estado in zip(items, estados, strict=True) if estado != CLOSED
            )
            if next_offset is None:
                return open_accounts
            if not isinstance(next_offset, int) or next_offset <= offset:
                raise _unavailable(f"bad next_offset {next_offset!r}")
            offset = next_offset
        raise _unavailable("too many pages")

    async def aclose(self) -> None:
        await self.client.aclose()
