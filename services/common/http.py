"""Service-to-service HTTP: one pooled async client per target, short timeouts, a service
token minted on demand, and the caller's request id propagated."""

from __future__ import annotations

import importlib.util
import sys
import time

import httpx

# httpcore tries ``import sniffio`` (to tell trio from asyncio) several times per request and
# falls back to asyncio when it is missing, as it is here. A failed import is not cached, so
# each try searches sys.path again: about a tenth of a service's CPU per outgoing request. A
# None entry makes the import fail at once, with the same ImportError and the same outcome.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)

from services.common.auth import Role, issue_token
from services.common.request_context import REQUEST_ID_HEADER, current_request_id
from services.common.settings import Settings, get_settings

_TOKEN_REFRESH_MARGIN_S = 60


class ServiceClient:
    def __init__(
        self,
        base_url: str,
        *,
        service_name: str,
        timeout: float = 3.0,
        settings: Settings | None = None,
        max_connections: int = 100,
    ):
        self.settings = settings or get_settings()
        self.service_name = service_name
        self._token: str | None = None
        self._token_expires = 0.0
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(1.0, timeout)),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            event_hooks={"request": [self._decorate]},
        )

    def _service_token(self) -> str:
        now = time.time()
        if self._token is None or now > self._token_expires - _TOKEN_REFRESH_MARGIN_S:
            ttl_minutes = 30
            self._token = issue_token(self.service_name, Role.SERVICE, self.settings, ttl_minutes)
            self._token_expires = now + ttl_minutes * 60
        return self._token

    async def _decorate(self, request: httpx.Request) -> None:
        request.headers.setdefault("Authorization", f"Bearer {self._service_token()}")
        request_id = current_request_id()
        if request_id:
            request.headers[REQUEST_ID_HEADER] = request_id

    async def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return await self._client.request(method, url, **kwargs)

    async def get(self, url: str, **kwargs) -> httpx.Response:
        return await self._client.get(url, **kwargs)

    async def post(self, url: str, **kwargs) -> httpx.Response:
        return await self._client.post(url, **kwargs)

    async def aclose(self) -> None:
        await self._client.aclose()
