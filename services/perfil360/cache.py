"""Redis cache of complete profiles, invalidated when a transaction of the client completes.

Keys (all under ``perfil360:``):

- ``cliente:<id>``: the profile, as ``"<cuenta ids, comma separated>\\n<JSON body>"``, TTL 5 min.
- ``cuenta:<cuenta_id>``: the owning client id, written with the profile. It is the contract
  with transacciones: when a transaction completes, transacciones DELETEs these keys for the
  accounts it touched and PUBLISHes the account ids on ``cloudbank:transacciones:completadas``.
  A read only serves a profile whose pointer keys are all present, so a deleted pointer
  invalidates the profile at once, even before (or without) the message.
- ``cuentas``: a hash cuenta_id -> cliente_id (account ownership never changes), which lets the
  subscriber find the profile to delete after transacciones has already removed the pointer.
- ``inval:seq`` and ``inval:<cuenta_id>``: a counter bumped by every invalidation and, per
  account, its value at the last invalidation (kept one minute). A profile write carries the
  counter read before its data was fetched and is refused if one of its accounts was
  invalidated since: data fetched before a transaction cannot be cached after it.

The three steps (read, write, invalidate) are Lua scripts, so each is one atomic round trip.
The cache is only used while this process's subscriber is listening: a profile cannot be
served or stored while invalidations could be missed, and every cached profile is purged when
a lost subscription comes back. Redis is an optimisation: any Redis error makes the cache step
a no-op (the request is served uncached) and the cache is bypassed for a second instead of
paying a timeout per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from services.perfil360.config import (
    CACHE_BACKOFF_S,
    CACHE_SOCKET_TIMEOUT_S,
    CACHE_TTL_S,
    INVALIDATION_CHANNEL,
    INVALIDATION_MEMORY_S,
    KEY_PREFIX,
)

log = logging.getLogger("cloudbank.perfil360.cache")

PROFILE_PREFIX = f"{KEY_PREFIX}:cliente:"
POINTER_PREFIX = f"{KEY_PREFIX}:cuenta:"
OWNERS_KEY = f"{KEY_PREFIX}:cuentas"
SEQ_KEY = f"{KEY_PREFIX}:inval:seq"
INVAL_PREFIX = f"{KEY_PREFIX}:inval:"

_REDIS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)
RESUBSCRIBE_PAUSE_S = 1.0

# KEYS: profile, seq. ARGV: cliente id, pointer prefix. -> {seq, body or nil}
_READ = """
local seq = redis.call('GET', KEYS[2]) or '0'
local value = redis.call('GET', KEYS[1])
if not value then return {seq, false} end
local nl = string.find(value, '\\n', 1, true)
if not nl then redis.call('DEL', KEYS[1]); return {seq, false} end
for id in string.gmatch(string.sub(value, 1, nl - 1), '[^,]+') do
  if redis.call('GET', ARGV[2] .. id) ~= ARGV[1] then
    redis.call('DEL', KEYS[1])
    return {seq, false}
  end
end
return {seq, string.sub(value, nl + 1)}
"""

# KEYS: profile, owners. ARGV: cliente id, ttl, start seq, value, pointer prefix,
# inval prefix, cuenta ids... -> 1 stored, 0 refused
_WRITE = """
local start = tonumber(ARGV[3])
for i = 7, #ARGV do
  local seen = redis.call('GET', ARGV[6] .. ARGV[i])
  if seen and tonumber(seen) > start then return 0 end
end
redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[2])
for i = 7, #ARGV do
  redis.call('SET', ARGV[5] .. ARGV[i], ARGV[1], 'EX', tonumber(ARGV[2]) + 5)
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[1])
end
return 1
"""

# KEYS: seq, owners. ARGV: profile prefix, pointer prefix, inval prefix, memory s,
# cuenta ids... -> profiles deleted
_INVALIDATE = """
local seq = redis.call('INCR', KEYS[1])
local deleted = 0
for i = 5, #ARGV do
  redis.call('SET', ARGV[3] .. ARGV[i], seq, 'EX', ARGV[4])
  local cliente = redis.call('HGET', KEYS[2], ARGV[i])
  if cliente then deleted = deleted + redis.call('DEL', ARGV[1] .. cliente) end
  redis.call('DEL', ARGV[2] .. ARGV[i])
end
return deleted
"""


@dataclass(frozen=True)
class Lookup:
    """The result of a read: the cached body (None on a miss) and the invalidation counter to
    hand back to ``store`` (None when Redis is unavailable: then nothing is stored)."""

    body: bytes | None
    seq: int | None


def profile_key(cliente_id: int) -> str:
    return f"{PROFILE_PREFIX}{cliente_id}"


def parse_cuenta_ids(payload: bytes | str) -> list[int]:
    """Account ids from an invalidation message: a JSON list (``[1, 2]``), a JSON object with
    ``cuenta_ids``, a single number, or comma/space separated numbers. Anything else is
    ignored (logged), never fatal to the subscriber."""
    text = payload.decode(errors="replace") if isinstance(payload, bytes) else str(payload)
    try:
        data = json.loads(text)
    except ValueError:
        data = text.replace(",", " ").split()
    if isinstance(data, dict):
        data = data.get("cuenta_ids", [])
    if not isinstance(data, list):
        data = [data]
    ids = []
    for item in data:
        try:
            value = int(item)
        except (TypeError, ValueError):
            log.warning("ignoring an invalid cuenta id in an invalidation message: %r", item)
            continue
        if value > 0:
            ids.append(value)
    return ids


class ProfileCache:
    def __init__(self, url: str, *, ttl: int = CACHE_TTL_S):
        self.url = url
        self.ttl = ttl
        self.redis = aioredis.Redis.from_url(
            url,
            socket_timeout=CACHE_SOCKET_TIMEOUT_S,
            socket_connect_timeout=CACHE_SOCKET_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
            max_connections=64,
        )
        self._read = self.redis.register_script(_READ)
        self._write = self.redis.register_script(_WRITE)
        self._invalidate = self.redis.register_script(_INVALIDATE)
        self._bypass_until = 0.0
        # set by the InvalidationSubscriber while it listens; the cache is bypassed otherwise
        self.listening = False

    async def aclose(self) -> None:
        await self.redis.aclose()

    # --- availability ---------------------------------------------------------------------
    def _available(self) -> bool:
        return self.listening and time.monotonic() >= self._bypass_until

    def _failed(self, what: str, exc: BaseException) -> None:
        if time.monotonic() >= self._bypass_until:
            log.warning("cache %s failed, serving uncached for %ss: %r", what, CACHE_BACKOFF_S, exc)
        self._bypass_until = time.monotonic() + CACHE_BACKOFF_S

    # --- profile --------------------------------------------------------------------------
    async def get(self, cliente_id: int) -> Lookup:
        if not self._available():
            return Lookup(None, None)
        try:
            seq, body = await self._read(
                keys=[profile_key(cliente_id), SEQ_KEY], args=[cliente_id, POINTER_PREFIX]
            )
        except _REDIS_ERRORS as exc:
            self._failed("read", exc)
            return Lookup(None, None)
        return Lookup(body, int(seq))

    async def fresh(self) -> Lookup:
        """For a forced refresh (``Cache-Control: no-cache``): no body, only the invalidation
        counter, so that the profile assembled next may replace the cached one."""
        if not self._available():
            return Lookup(None, None)
        try:
            seq = await self.redis.get(SEQ_KEY)
        except _REDIS_ERRORS as exc:
            self._failed("read", exc)
            return Lookup(None, None)
        return Lookup(None, int(seq or 0))

    async def store(
        self, cliente_id: int, cuenta_ids: Iterable[int], body: bytes, seq: int | None
    ) -> bool:
        """Cache ``body`` unless an account of it was invalidated after ``seq`` was read."""
        if seq is None or not self._available():
            return False
        ids = [str(c) for c in cuenta_ids]
        value = ",".join(ids).encode() + b"\n" + body
        try:
            stored = await self._write(
                keys=[profile_key(cliente_id), OWNERS_KEY],
                args=[cliente_id, self.ttl, seq, value, POINTER_PREFIX, INVAL_PREFIX, *ids],
            )
        except _REDIS_ERRORS as exc:
            self._failed("write", exc)
            return False
        if not stored:
            log.info("not caching profile %s: one of its accounts changed meanwhile", cliente_id)
        return bool(stored)

    async def invalidate_cuentas(self, cuenta_ids: Iterable[int]) -> int:
        """Forget the profiles owning ``cuenta_ids``; returns how many were deleted."""
        ids = [str(c) for c in cuenta_ids]
        if not ids:
            return 0
        return int(
            await self._invalidate(
                keys=[SEQ_KEY, OWNERS_KEY],
                args=[PROFILE_PREFIX, POINTER_PREFIX, INVAL_PREFIX, INVALIDATION_MEMORY_S, *ids],
            )
        )

    async def purge(self) -> int:
        """Delete every cached profile (after missed invalidations)."""
        deleted = 0
        batch: list[bytes] = []
        async for key in self.redis.scan_iter(match=f"{PROFILE_PREFIX}*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                deleted += await self.redis.delete(*batch)
                batch.clear()
        if batch:
            deleted += await self.redis.delete(*batch)
        return deleted

    async def ping(self) -> dict[str, object]:
        started = time.perf_counter()
        try:
            await self.redis.ping()
            ok, detail = True, "PONG"
        except _REDIS_ERRORS as exc:
            ok, detail = False, type(exc).__name__
        return {
            "ok": ok,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            "detail": detail,
            "listening": self.listening,
        }


class InvalidationSubscriber:
    """Background task: listens on the transactions channel and invalidates profiles.

    It reconnects forever with a pause; after a lost subscription it purges every cached
    profile, because invalidations published meanwhile were missed. ``cache.listening`` is
    true only while it listens.
    """

    def __init__(self, cache: ProfileCache, *, channel: str = INVALIDATION_CHANNEL):
        self.cache = cache
        self.channel = channel
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="perfil360-invalidation")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        missed = False
        while True:
            # a connection of its own, without a read timeout: it waits for messages
            client = aioredis.Redis.from_url(
                self.cache.url,
                socket_connect_timeout=CACHE_SOCKET_TIMEOUT_S,
                socket_keepalive=True,
                health_check_interval=15,
                retry=Retry(NoBackoff(), 0),
            )
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    if missed:
                        purged = await self.cache.purge()
                        log.info("resubscribed; purged %s cached profiles", purged)
                    missed = False
                    self.cache.listening = True
                    async for message in pubsub.listen():
                        await self._handle(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis down or anything else: keep the task alive
                if not missed:
                    log.warning("invalidation subscription lost: %r; retrying", exc)
            finally:
                self.cache.listening = False
                with contextlib.suppress(*_REDIS_ERRORS):
                    await client.aclose()
            missed = True
            await asyncio.sleep(RESUBSCRIBE_PAUSE_S)

    async def _handle(self, message: dict) -> None:
        if message.get("type") != "message":
            return
        ids = parse_cuenta_ids(message.get("data", b""))
        deleted = await self.cache.invalidate_cuentas(ids)
        log.info("invalidated accounts %s (%s profiles)", ids, deleted)
