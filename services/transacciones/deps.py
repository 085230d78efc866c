"""The service's runtime objects (Mongo client, cuentas client, Redis notifier) and the
FastAPI dependencies that hand them to the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from pymongo import AsyncMongoClient

from services.common.http import ServiceClient
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
