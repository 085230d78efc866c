"""Tuning constants of the perfil360 BFF (ports and URLs come from the shared settings)."""

from __future__ import annotations

SERVICE_NAME = "perfil360"

# Dependencies: short timeouts, so a slow dependency costs at most this much per call.
UPSTREAM_TIMEOUT_S = 1.5
READY_TIMEOUT_S = 1.0
UPSTREAM_MAX_CONNECTIONS = 64

# Accounts are read in pages of the maximum size; a client with more pages than this is
# reported as a failed section rather than silently truncated.
CUENTAS_PAGE_SIZE = 200
CUENTAS_MAX_PAGES = 5
# transacciones takes at most this many account ids per query; more are split into chunks.
CUENTAS_PER_QUERY = 100

# Recent transactions shown in the profile, and how many newest ones it reads to count them
# per currency (transacciones pages without totals; a page holds at most 200).
RECENT_TRANSACTIONS = 50
TX_WINDOW = 200

# Redis cache.
CACHE_TTL_S = 300
CACHE_SOCKET_TIMEOUT_S = 0.25
# After a Redis error the cache is bypassed for this long (no per-request timeout storm).
CACHE_BACKOFF_S = 1.0
# How long the subscriber remembers an invalidation, to refuse a write of data fetched
# before it (see cache.py).
INVALIDATION_MEMORY_S = 60
KEY_PREFIX = "perfil360"
INVALIDATION_CHANNEL = "cloudbank:transacciones:completadas"
