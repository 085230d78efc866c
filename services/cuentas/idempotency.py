"""The ``idempotencia`` table: an Idempotency-Key is claimed, used and answered inside the same
MySQL transaction as the change it guards, so a key either moved money and recorded its
response, or did neither.

Concurrent requests with one key: the first INSERT of the key holds its row lock until the
transaction ends; the others wait on it, get a duplicate-key error once it commits, and replay
the stored response. A key only ever answers for one request (same fingerprint); another
request with it gets 409 ``idempotency_key_reused``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.errors import Unavailable
from services.common.idempotency import key_reused
from services.cuentas.db import ER_DUP_ENTRY, Database, mysql_errno
from services.cuentas.models import idempotencia

MAX_CLAIM_ROUNDS = 3


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Any
    replayed: bool = False


class _KeyTaken(Exception):
    """Another request holds (or held) this key."""


def transaccion_id_for(key: str) -> str:
    """The journal's transaccion_id for a key-driven change (40 chars, as the column)."""
    return "IDEM-" + hashlib.sha256(key.encode()).hexdigest()[:35]


def lookup(conn: Connection, key: str, fingerprint: str) -> Outcome | None:
    row = conn.execute(
        select(idempotencia.c.fingerprint, idempotencia.c.status_code, idempotencia.c.body).where(
            idempotencia.c.key == key
        )
    ).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise key_reused()
    body = json.loads(row.body) if isinstance(row.body, str | bytes) else row.body
    return Outcome(row.status_code, body, replayed=True)


def run_once(
    db: Database,
    key: str,
    fingerprint: str,
    work: Callable[[Connection], Outcome],
) -> Outcome:
    """Answer a replay from the table, or run ``work`` (in the transaction that claims the
    key) and store what it returns. ``work`` raising stores nothing and releases the key."""
    for _ in range(MAX_CLAIM_ROUNDS):
        stored = db.read(lambda conn: lookup(conn, key, fingerprint))
        if stored is not None:
            return stored

        def claim_and_run(conn: Connection) -> Outcome:
            try:
                conn.execute(
                    insert(idempotencia).values(
                        key=key, fingerprint=fingerprint, status_code=0, body=None
                    )
                )
            except IntegrityError as exc:
                if mysql_errno(exc) == ER_DUP_ENTRY:
                    raise _KeyTaken from exc
                raise
            outcome = work(conn)
            conn.execute(
                update(idempotencia)
                .where(idempotencia.c.key == key)
                .values(status_code=outcome.status_code, body=outcome.body)
            )
            return outcome

        try:
            return db.transaction(claim_and_run)
        except _KeyTaken:
            continue  # the holder committed: the next round replays its answer
    # the holder kept rolling back (e.g. its request kept failing): let the client retry
    raise Unavailable(
        "this Idempotency-Key is busy with a concurrent request; retry",
        code="idempotency_key_busy",
        headers={"Retry-After": "1"},
    )
