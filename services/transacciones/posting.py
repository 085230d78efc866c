"""The posting protocol (design brief §3): PENDIENTE → cuentas ``POST /movimientos`` →
COMPLETADA | RECHAZADA.

A transaction is first stored PENDIENTE with a *lease* (``lease_id``, ``lease_until``): while
the lease runs, only its holder posts the transaction to cuentas. cuentas applies all legs in
one database transaction keyed by ``transaccion_id``, so posting the same transaction twice
applies it once and answers the first outcome again. The outcome is then recorded with a
conditional update that only moves a PENDIENTE document:

- cuentas answered 200: the legs are in the journal for good → COMPLETADA (whoever records it).
- cuentas answered a business rejection (404/409/422 with a code): nothing was written →
  RECHAZADA with ``motivo`` = that code, recorded only while the caller still holds the lease.
  (If the lease ran out meanwhile, another attempt may already be under way and may succeed,
  so the rejection is not recorded; that attempt decides.)
- anything else (timeout, connection error, 5xx, an unexpected answer): the outcome is
  unknown, the document stays PENDIENTE and keeps its lease; once the lease has expired the
  recovery pass (or a client's retry with the same Idempotency-Key) takes a new lease and
  posts again. A request that never reached cuentas (connection refused, HAProxy's 503) is
  re-sent at once, twice, after a short pause; if no attempt ever connected, nothing of ours
  can be under way, and the lease is released at once.

The lease must outlast any single cuentas call (the client timeout bounds it), so a stale
attempt can never be in flight while a new one decides.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection

from services.common.http import CONNECT_ERRORS, TRANSPORT_ERRORS, Reply, ServiceClient
from services.common.settings import Settings
from services.transacciones.db import eq
from services.transacciones.faults import fault_point
from services.transacciones.models import Estado, legs, utcnow
from services.transacciones.notify import Notifier

log = logging.getLogger("cloudbank.transacciones.posting")

# Pauses before re-sending a request that certainly never reached cuentas.
_RESEND_DELAYS_S = (0.05, 0.25)
# Answers that are not a verdict on the transaction (wrong route, auth, our own bug).
_NOT_A_VERDICT = {"not_found", "method_not_allowed", "unauthorized", "forbidden", "invalid_token"}
_LEASE_FIELDS = ("lease_id", "lease_until")


@dataclass(frozen=True)
class Outcome:
    estado: Estado | None  # None: unknown, try again later
    motivo: str | None = None
    sent: bool = True  # False: no attempt ever reached cuentas (all failed to connect)


def new_lease_id() -> str:
    return uuid.uuid4().hex


class Poster:
    def __init__(
        self,
        col: AsyncCollection,
        cuentas: ServiceClient,
        notifier: Notifier | None,
        settings: Settings,
    ):
        self.col = col
        self.cuentas = cuentas
        self.notifier = notifier
        self.lease = timedelta(seconds=settings.transacciones_lease_seconds)

    # --- cuentas ----------------------------------------------------------------------------
    async def post_to_cuentas(self, doc: dict) -> Outcome:
        body = {
            "transaccion_id": doc["transaccion_id"],
            "tipo": doc["tipo"],
            "moneda": doc["moneda"],
            "legs": legs(doc),
        }
        sent = False
        for attempt in range(len(_RESEND_DELAYS_S) + 1):
            resend = attempt < len(_RESEND_DELAYS_S)
            try:
                response = await self.cuentas.post("/movimientos", json=body)
                sent = True
            except CONNECT_ERRORS as exc:
                if resend:  # the request was never sent
                    await asyncio.sleep(_RESEND_DELAYS_S[attempt])
                    continue
                log.warning("cuentas unreachable for %s: %r", doc["transaccion_id"], exc)
                return Outcome(None, sent=sent)
            except TRANSPORT_ERRORS as exc:  # e.g. a timeout: it may still be under way
                log.warning("cuentas call for %s failed: %r", doc["transaccion_id"], exc)
                return Outcome(None)
            if response.status_code == 503 and resend:
                await asyncio.sleep(_RESEND_DELAYS_S[attempt])
                continue
            return self._verdict(doc["transaccion_id"], response)
        return Outcome(None)  # pragma: no cover (the loop always returns)

    @staticmethod
    def _verdict(transaccion_id: str, response: Reply) -> Outcome:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {}
        status = response.status_code
        if status in (200, 201):
            if data.get("transaccion_id") == transaccion_id and data.get("estado") in (
                None,
                "APLICADA",
            ):
                return Outcome(Estado.COMPLETADA)
            log.error("unexpected cuentas answer for %s: %s", transaccion_id, response.text[:300])
            return Outcome(None)
        code = data.get("code")
        if status in (404, 409, 422) and isinstance(code, str) and code not in _NOT_A_VERDICT:
            return Outcome(Estado.RECHAZADA, code[:100])
        log.warning("cuentas answered %s for %s: %s", status, transaccion_id, response.text[:300])
        return Outcome(None)

    # --- the state machine ------------------------------------------------------------------
    async def drive(self, doc: dict) -> dict:
        """Post ``doc`` (a PENDIENTE transaction whose lease the caller holds) and record the
        outcome; returns the document as stored afterwards."""
        outcome = await self.post_to_cuentas(doc)
        if outcome.estado is None:
            if not outcome.sent:
                return await self._release(doc)
            return doc
        fault_point("after_posting")  # cuentas has answered; the answer is not recorded yet
        now = utcnow()
        query: dict = {"transaccion_id": eq(doc["transaccion_id"]), "estado": eq("PENDIENTE")}
        dropped = set(_LEASE_FIELDS) | {"_id"}
        final = {"estado": outcome.estado.value, "updated_at": now}
        if outcome.estado is Estado.RECHAZADA:
            query.update(lease_id=eq(doc["lease_id"]), lease_until={"$gt": now})
            final["motivo"] = outcome.motivo
            dropped.add("reversa_lock")  # a rejected reversal leaves the original reversible
        stored = {k: v for k, v in doc.items() if k not in dropped} | final
        # the whole document is written (not $set): nx-27017 stores a datetime given to $set
        # as a string
        result = await self.col.replace_one(query, stored)
        if not result.matched_count:  # someone else recorded it first, or our lease ran out
            current = await self.col.find_one({"transaccion_id": eq(doc["transaccion_id"])})
            return current or doc
        if outcome.estado is Estado.COMPLETADA and self.notifier is not None:
            await self.notifier.completed(stored)
        return stored

    async def _release(self, doc: dict) -> dict:
        """End our lease now: nothing of ours can be under way in cuentas (no attempt ever
        connected), so a retry or the recovery pass may post the transaction at once."""
        released = {k: v for k, v in doc.items() if k != "_id"} | {"lease_until": utcnow()}
        result = await self.col.replace_one(
            {
                "transaccion_id": eq(doc["transaccion_id"]),
                "estado": eq(Estado.PENDIENTE.value),
                "lease_id": eq(doc["lease_id"]),
            },
            released,
        )
        return released if result.matched_count else doc

    async def acquire(self, doc: dict) -> dict | None:
        """Take over ``doc``, a PENDIENTE transaction read (whole) with an expired lease: None
        if it is no longer PENDIENTE or its lease changed hands since it was read."""
        if doc.get("estado") != Estado.PENDIENTE.value or not self.lease_expired(doc):
            return None
        now = utcnow()
        leased = {k: v for k, v in doc.items() if k != "_id"} | {
            "lease_id": new_lease_id(),
            "lease_until": now + self.lease,
            "attempts": int(doc.get("attempts") or 0) + 1,
        }
        result = await self.col.replace_one(
            {
                "transaccion_id": eq(doc["transaccion_id"]),
                "estado": eq(Estado.PENDIENTE.value),
                "lease_id": eq(doc.get("lease_id")),
            },
            leased,
        )
        return leased if result.matched_count else None

    @staticmethod
    def lease_expired(doc: dict) -> bool:
        until = doc.get("lease_until")
        if isinstance(until, str):  # written by an older $set on nx-27017: naive UTC text
            until = datetime.fromisoformat(until)
        if isinstance(until, datetime) and until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        return until is None or until <= utcnow()
