"""Idempotency-Key semantics (after Stripe): the same key with the same request returns the
first result; the same key with a different request is a 409."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import Header

from services.common.errors import ApiError

IDEMPOTENCY_HEADER = "Idempotency-Key"


async def idempotency_key(  # async: no I/O, so no thread-pool round trip
    key: Annotated[
        str | None,
        Header(alias=IDEMPOTENCY_HEADER, description="unique per business operation (e.g. a UUID)"),
    ] = None,
) -> str:
    """Dependency: the request's Idempotency-Key, required and 8–100 printable ASCII chars."""
    if key is None:
        raise ApiError(
            f"the {IDEMPOTENCY_HEADER} header is required",
            code="idempotency_key_required",
            status_code=428,
        )
    key = key.strip()
    if not 8 <= len(key) <= 100 or not key.isascii() or not key.isprintable():
        raise ApiError(
            f"{IDEMPOTENCY_HEADER} must be 8 to 100 printable ASCII characters",
            code="invalid_idempotency_key",
            status_code=422,
        )
    return key


def canonical_json(payload: object) -> str:
    """One text per value: sorted keys, no spaces. Store a response in this form and a replay
    returns the very same bytes, whatever the store does to key order."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(payload: object) -> str:
    """A stable hash of a request body (canonical JSON), to tell a replay from a reuse."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def key_reused() -> ApiError:
    return ApiError(
        f"this {IDEMPOTENCY_HEADER} was already used with a different request",
        code="idempotency_key_reused",
        status_code=409,
    )
