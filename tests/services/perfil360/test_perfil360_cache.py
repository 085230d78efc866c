"""The cache's own rules on the real Redis: no write of data read before an invalidation,
pointer keys guard every read, messages in any reasonable shape."""

from __future__ import annotations

import asyncio
import random

import pytest

from services.perfil360.cache import POINTER_PREFIX, ProfileCache, parse_cuenta_ids, profile_key


@pytest.fixture
def ids():
    # far above any real id, so the real profiles are never touched
    base = random.randrange(10**9, 2 * 10**9)
    return base, base + 1, base + 2


def _run(coro):
    return asyncio.run(coro)


def test_a_profile_read_before_an_invalidation_is_not_stored(deployment, cache_redis, ids):
    cliente_id, cuenta_a, cuenta_b = ids

    async def scenario() -> None:
        cache = ProfileCache(deployment.settings.redis_url)
        cache.listening = True
        try:
            before = await cache.get(cliente_id)
            assert before.body is None and before.seq is not None
            # a transaction of account b completes while the profile is being assembled
            assert await cache.invalidate_cuentas([cuenta_b]) == 0
            assert not await cache.store(cliente_id, [cuenta_a, cuenta_b], b'{"old":1}', before.seq)
            assert (await cache.get(cliente_id)).body is None

            fresh = await cache.get(cliente_id)
            assert await cache.store(cliente_id, [cuenta_a, cuenta_b], b'{"new":1}', fresh.seq)
            assert (await cache.get(cliente_id)).body == b'{"new":1}'
            # the subscriber's invalidation finds the owner even without the pointer key
            cache_redis.delete(f"{POINTER_PREFIX}{cuenta_a}")
            assert await cache.invalidate_cuentas([cuenta_a]) == 1
            assert not cache_redis.exists(profile_key(cliente_id))
        finally:
            await cache.aclose()

    _run(scenario())


def test_the_cache_is_bypassed_while_not_listening(deployment, ids):
    cliente_id, cuenta_a, _ = ids

    async def scenario() -> None:
        cache = ProfileCache(deployment.settings.redis_url)
        try:
            lookup = await cache.get(cliente_id)
            assert lookup.seq is None  # nothing may be stored from this read
            assert not await cache.store(cliente_id, [cuenta_a], b"{}", 0)
        finally:
            await cache.aclose()

    _run(scenario())


def test_redis_unreachable_is_a_miss_not_an_error():
    async def scenario() -> None:
        cache = ProfileCache("redis://127.0.0.1:1/0")
        cache.listening = True
        try:
            assert (await cache.get(1)).body is None
            assert not await cache.store(1, [1], b"{}", 0)
            assert (await cache.ping())["ok"] is False
        finally:
            await cache.aclose()

    _run(scenario())


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"transaccion_id": "01J", "cuenta_ids": [3, 4]}', [3, 4]),
        (b"[5, 6]", [5, 6]),
        (b"7", [7]),
        (b"8,9", [8, 9]),
        (b'{"cuenta_ids": ["10", "x", -1, null]}', [10]),
        (b"\xff\xfe", []),
        (b"", []),
    ],
)
def test_invalidation_messages_are_parsed_leniently(payload, expected):
    assert parse_cuenta_ids(payload) == expected
