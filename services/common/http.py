"""Service-to-service HTTP: one pooled async client per target, short timeouts, a service
token minted on demand, and the caller's request id propagated.

The client is an aiohttp session: on this stack an aiohttp call costs about 0.4 ms of CPU
against 1.7 ms for httpx (measured on a 2-vCPU machine), and every service makes such calls on
its hot paths (posting a transaction, building a profile).

Failures to get an answer raise one of ``TRANSPORT_ERRORS``; of those, ``CONNECT_ERRORS`` are
the ones where the request certainly never left (no connection could be made, or none was free
in time), so it cannot be under way on the other side. Any HTTP answer, 5xx included, comes
back as a ``Reply``: what it means is the caller's business.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from services.common.auth import Role, issue_token
from services.common.request_context import REQUEST_ID_HEADER, current_request_id
from services.common.settings import Settings, get_settings

#: Idle connections are closed before the servers close them (uvicorn's default: 5 s), so a
#: request is never written on a connection the server is closing.
KEEPALIVE_S = 4.0

#: No usable answer: a connection error, a timeout, a broken or truncated response.
#: (aiohttp's timeouts are TimeoutErrors.)
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError)
#: The subset where the request was never sent: no connection could be opened or taken from
#: the pool within the connect timeout.
CONNECT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)

_TOKEN_TTL_MINUTES = 30
_TOKEN_REFRESH_MARGIN_S = 60


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer, read in full."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The body as JSON (ValueError if it is not)."""
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def _timeout(seconds: float) -> aiohttp.ClientTimeout:
    # total bounds the whole call; connect bounds getting a connection (pool wait included)
    return aiohttp.ClientTimeout(total=seconds, connect=min(1.0, seconds))


class ServiceClient:
    """A pooled keep-alive client for one service. The session is created on first use, inside
    the running event loop. Each request carries a service token (renewed before it expires)
    and the ``X-Request-ID`` of the request being served. Redirects are not followed."""

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
        self.base_url = base_url
        self.timeout = _timeout(timeout)
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._authorization = ""
        self._token_expires = 0.0

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        now = time.time()
        if now > self._token_expires - _TOKEN_REFRESH_MARGIN_S:
            token = issue_token(self.service_name, Role.SERVICE, self.settings, _TOKEN_TTL_MINUTES)
            self._authorization = f"Bearer {token}"
            self._token_expires = now + _TOKEN_TTL_MINUTES * 60
        headers = {"Authorization": self._authorization}
        if extra:
            headers.update(extra)  # a caller's own Authorization wins
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        return headers

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                self.base_url,
                connector=aiohttp.TCPConnector(
                    limit=self.max_connections, keepalive_timeout=KEEPALIVE_S
                ),
                timeout=self.timeout,
            )
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """One call; ``timeout`` (seconds) replaces the client's for this call only."""
        # (aiohttp reads timeout=None as "no timeout": the session's applies unless given)
        extra = {"timeout": _timeout(timeout)} if timeout is not None else {}
        async with self._get_session().request(
            method,
            url,
            params=params,
            json=json,
            headers=self._headers(headers),
            allow_redirects=False,
            **extra,
        ) as response:
            return Reply(response.status, await response.read(), response.headers)

    async def get(self, url: str, **kwargs: Any) -> Reply:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Reply:
        return await self.request("POST", url, **kwargs)

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
