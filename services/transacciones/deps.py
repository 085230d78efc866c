"""The service's runtime objects (Mongo client, cuentas client, Redis notifier) and the
FastAPI dependencies that hand them to the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pymongo import AsyncMongoClient

from services.common import auth
from services.common.auth import Principal, Scope
from services.common.http import ServiceClient
from services.common.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from services.common.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageParams, page_params
from services.common.settings import Settings
from services.transacciones import db
from services.transacciones.notify import Notifier
from services.transacciones.posting import Poster
from services.transacciones.service import Transacciones


@dataclass
class Runtime:
    mongo: AsyncMongoClient
    cuentas: ServiceClient
    notifier: Notifier
    poster: Poster
    service: Transacciones

    async def aclose(self) -> None:
        await self.cuentas.aclose()
        await self.notifier.aclose()
        await self.mongo.close()


def build_runtime(settings: Settings) -> Runtime:
    mongo = db.client(settings)
    col = db.collection(mongo, settings)
    cuentas = ServiceClient(
        settings.service_url(settings.cuentas_port),
        service_name="transacciones",
        timeout=settings.transacciones_cuentas_timeout_seconds,
        settings=settings,
    )
    notifier = Notifier(settings.redis_url)
    poster = Poster(col, cuentas, notifier, settings)
    return Runtime(mongo, cuentas, notifier, poster, Transacciones(col, poster))


async def _service(request: Request) -> Transacciones:
    return request.app.state.runtime.service


Service = Annotated[Transacciones, Depends(_service)]


# --- the kit's request dependencies, as coroutines ------------------------------------------
# FastAPI runs a plain-function dependency in a worker thread; these do no I/O, so the thread
# hop is pure overhead (about 0.4 ms of CPU each here, on every request). Same checks, same
# errors, same OpenAPI document as the kit's own dependencies.
_bearer = HTTPBearer(auto_error=False, description="JWT from `cloudbank token --role ROLE`")


def require(*scopes: Scope):
    """``services.common.auth.require`` without the worker thread."""
    check = auth.require(*scopes)

    async def scoped(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    ) -> Principal:
        return check(auth.current_principal(credentials))

    return scoped


async def _idempotency_key(
    key: Annotated[
        str | None,
        Header(alias=IDEMPOTENCY_HEADER, description="unique per business operation (e.g. a UUID)"),
    ] = None,
) -> str:
    return idempotency_key(key)


async def _page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0,
) -> PageParams:
    return page_params(limit, offset)


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]
Pagination = Annotated[PageParams, Depends(_page)]
