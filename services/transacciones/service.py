"""Creating, reversing and reading transactions."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from ulid import ULID

from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.idempotency import fingerprint, key_reused
from services.common.money import to_minor
from services.common.pagination import PageParams
from services.transacciones.db import NEWEST, eq
from services.transacciones.faults import fault_point
from services.transacciones.models import INTERNAL_FIELDS, Estado, Tipo, utcnow
from services.transacciones.posting import Poster, new_lease_id
from services.transacciones.schemas import ReversaCreate, TransaccionCreate

MAX_CUENTA_IDS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ULID_LAST_MS = 2**48 - 1
_PROJECTION = {field: 0 for field in (*INTERNAL_FIELDS, "reversa_lock")}


@dataclass(frozen=True)
class Result:
    doc: dict
    replayed: bool


class Transacciones:
    def __init__(self, col: AsyncCollection, poster: Poster):
        self.col = col
        self.poster = poster

    # --- writes -----------------------------------------------------------------------------
    async def create(self, body: TransaccionCreate, key: str) -> Result:
        request = body.model_dump(mode="json") | {"monto": to_minor(body.monto)}
        doc = self._new_doc(
            key,
            fingerprint({"op": "crear", **request}),
            tipo=body.tipo.value,
            cuenta_origen_id=body.cuenta_origen_id,
            cuenta_destino_id=body.cuenta_destino_id,
            monto=request["monto"],
            moneda=body.moneda.value,
            descripcion=body.descripcion,
            metadata=body.metadata,
        )
        try:
            await self.col.insert_one(doc)
        except DuplicateKeyError:
            return await self._replay(key, doc["fingerprint"])
        return Result(await self._post_new(doc), replayed=False)

    async def reverse(self, transaccion_id: str, body: ReversaCreate, key: str) -> Result:
        original = await self.col.find_one({"transaccion_id": eq(transaccion_id)})
        if original is None:
            raise NotFound(f"transaccion {transaccion_id} not found")
        if original["estado"] != Estado.COMPLETADA.value or original["tipo"] == Tipo.REVERSA:
            raise Conflict(
                "only a COMPLETADA transaction that is not itself a reversal can be reversed",
                code="no_reversible",
            )
        fp = fingerprint({"op": "reversa", "reversa_de": transaccion_id, **body.model_dump()})
        for _ in range(3):
            # the compensating movement: the same amount back, origin and destination swapped
            doc = self._new_doc(
                key,
                fp,
                tipo=Tipo.REVERSA.value,
                cuenta_origen_id=original.get("cuenta_destino_id"),
                cuenta_destino_id=original.get("cuenta_origen_id"),
                monto=original["monto"],
                moneda=original["moneda"],
                descripcion=body.descripcion or f"Reversa de {transaccion_id}",
                metadata=None,
                reversa_de=transaccion_id,
                reversa_lock=transaccion_id,
            )
            try:
                await self.col.insert_one(doc)
            except DuplicateKeyError:
                if await self.col.find_one({"idempotency_key": eq(key)}, {"_id": 1}):
                    return await self._replay(key, fp)
                holder = await self.col.find_one({"reversa_lock": eq(transaccion_id)})
                if holder is not None:
                    raise Conflict(
                        {
                            "message": "the transaction was already reversed",
                            "reversa": holder["transaccion_id"],
                        },
                        code="ya_revertida",
                    ) from None
                continue  # the reversal in force was rejected just now: try again
            return Result(await self._post_new(doc), replayed=False)
        raise Conflict("concurrent reversals of this transaction; retry", code="conflict")

    def _new_doc(self, key: str, fp: str, **fields: object) -> dict:
        now = utcnow()
        doc = {
            "transaccion_id": str(ULID.from_datetime(now)),  # sorts like fecha
            "estado": Estado.PENDIENTE.value,
            "motivo": None,
            "fecha": now,
            "reversa_de": None,
            **fields,
            "idempotency_key": key,
            "fingerprint": fp,
            "lease_id": new_lease_id(),
            "lease_until": now + self.poster.lease,
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        }
        return doc

    async def _post_new(self, doc: dict) -> dict:
        doc.pop("_id", None)
        fault_point("after_pending")
        return await self.poster.drive(doc)

    async def _replay(self, key: str, fp: str) -> Result:
        """The same Idempotency-Key again: the stored transaction if the request is the same,
        else 409. While another attempt holds the transaction's lease (the first request is
        still posting it), wait for its outcome; once the lease is over, post it ourselves."""
        doc = await self.col.find_one({"idempotency_key": eq(key)})
        if doc is None:  # cannot happen: the key's document is never deleted
            raise Conflict("concurrent request with this Idempotency-Key; retry", code="conflict")
        if doc["fingerprint"] != fp:
            raise key_reused()
        deadline = time.monotonic() + self.poster.lease.total_seconds()
        pause = 0.02
        while doc["estado"] == Estado.PENDIENTE.value:
            if self.poster.lease_expired(doc):
                leased = await self.poster.acquire(doc)
                if leased is not None:
                    doc = await self.poster.drive(leased)
                    break
            elif time.monotonic() >= deadline:
                break
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, 0.2)
            doc = await self.col.find_one({"idempotency_key": eq(key)}) or doc
        return Result(doc, replayed=True)

    # --- reads ------------------------------------------------------------------------------
    async def get(self, transaccion_id: str) -> dict:
        doc = await self.col.find_one({"transaccion_id": eq(transaccion_id)}, _PROJECTION)
        if doc is None:
            raise NotFound(f"transaccion {transaccion_id} not found")
        return doc

    async def list(
        self,
        page: PageParams,
        *,
        tipo: Tipo | None = None,
        estado: Estado | None = None,
        moneda: str | None = None,
        desde: datetime | None = None,
        hasta: datetime | None = None,
        cuenta_ids: list[int] | None = None,
    ) -> list[dict]:
        """One page (``limit + 1`` rows, to tell whether more follow), newest first.

        Every query is a flat conjunction of equalities and one ``transaccion_id`` range, which
        one index answers in order on MongoDB and on nx-27017 alike. (nx-27017 runs a query
        with ``$and``, ``$or`` or ``$in`` in Python over the whole collection, and compares
        datetimes in whole seconds.) ``transaccion_id`` is a ULID of ``fecha``'s millisecond
        (the seed's too), so "newest first" is ``transaccion_id`` descending and the date range
        is a ``transaccion_id`` range, exact to the millisecond. Transactions of accounts are
        one query per account and side, merged.
        """
        desde, hasta = _utc(desde), _utc(hasta)
        if desde is not None and hasta is not None:
            if desde > hasta:
                raise Unprocessable("desde must not be after hasta (the range is [desde, hasta))")
            if desde == hasta:
                return []  # [t, t) holds nothing
        query: dict = {
            field: eq(str(value))
            for field, value in (("tipo", tipo), ("estado", estado), ("moneda", moneda))
            if value is not None
        }
        if desde is not None or hasta is not None:
            ids = query["transaccion_id"] = {}
            if desde is not None:
                ids["$gte"] = _first_ulid_from(desde)
            if hasta is not None:
                ids["$lt"] = _first_ulid_from(hasta)
        if not cuenta_ids:
            cursor = self.col.find(query, _PROJECTION).sort(NEWEST)
            return await cursor.skip(page.offset).limit(page.limit + 1).to_list()
        wanted = page.offset + page.limit + 1
        found = await asyncio.gather(
            *(
                self.col.find({**query, side: eq(cuenta)}, _PROJECTION)
                .sort(NEWEST)
                .limit(wanted)
                .to_list()
                for cuenta in sorted(set(cuenta_ids))
                for side in ("cuenta_origen_id", "cuenta_destino_id")
            )
        )
        merged = {row["transaccion_id"]: row for rows in found for row in rows}
        newest_first = sorted(merged.values(), key=lambda r: r["transaccion_id"], reverse=True)
        return newest_first[page.offset : wanted]


def _first_ulid_from(instant: datetime) -> str:
    """The smallest ULID of the first whole millisecond at or after ``instant``: a
    ``transaccion_id`` is ``>=`` it exactly when its ``fecha`` is ``>= instant``."""
    micros = (instant - _EPOCH) // timedelta(microseconds=1)
    millis = -(-micros // 1000)  # rounded up
    millis = min(max(millis, 0), _ULID_LAST_MS)  # ULIDs span 1970 to the year 10889
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + bytes(10)))


def _utc(value: datetime | None) -> datetime | None:
    """Datetimes without a zone are UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
