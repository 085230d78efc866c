"""Cache invalidation for perfil360, best effort: when a transaction completes, delete the
cache pointers ``perfil360:cuenta:<cuenta_id>`` of the accounts it touched and publish
``{"transaccion_id": ..., "cuenta_ids": [...]}`` on ``cloudbank:transacciones:completadas``.

Redis being slow or down never fails or delays a transaction by more than a short timeout;
after a failure, notifications are skipped for a few seconds."""

from __future__ import annotations

import json
import logging
import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from services.transacciones.models import affected_accounts

CHANNEL = "cloudbank:transacciones:completadas"
CACHE_KEY = "perfil360:cuenta:{}"
_TIMEOUT_S = 0.25
_BACKOFF_S = 5.0

log = logging.getLogger("cloudbank.transacciones.notify")


class Notifier:
    def __init__(self, redis_url: str):
        self.redis = aioredis.Redis.from_url(
            redis_url, socket_timeout=_TIMEOUT_S, socket_connect_timeout=_TIMEOUT_S
        )
        self._skip_until = 0.0

    async def completed(self, doc: dict) -> None:
        if time.monotonic() < self._skip_until:
            return
        cuentas = affected_accounts(doc)
        message = json.dumps({"transaccion_id": doc["transaccion_id"], "cuenta_ids": cuentas})
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.delete(*(CACHE_KEY.format(c) for c in cuentas))
                pipe.publish(CHANNEL, message)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + _BACKOFF_S
            log.warning("cache invalidation skipped: %s", type(exc).__name__)

    async def aclose(self) -> None:
        await self.redis.aclose()
