"""The transaction document in MongoDB (collection ``transacciones``) and its vocabulary.

One document per business transaction (see docs/data-model.md). Besides the business fields,
a document carries the posting protocol's bookkeeping: ``idempotency_key`` and ``fingerprint``
(the request that created it), ``lease_id``/``lease_until``/``attempts`` (who may post it to
cuentas right now) and, on a reversal still in force, ``reversa_lock`` (the reversed id, under
a unique index: a transaction is reversed at most once).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal

from services.common.money import from_minor

COLLECTION = "transacciones"


class Tipo(enum.StrEnum):
    DEPOSITO = "DEPOSITO"
    RETIRO = "RETIRO"
    TRANSFERENCIA = "TRANSFERENCIA"
    PAGO_SERVICIO = "PAGO_SERVICIO"
    REVERSA = "REVERSA"  # only created by POST /transacciones/{id}/reversa


class Estado(enum.StrEnum):
    PENDIENTE = "PENDIENTE"
    COMPLETADA = "COMPLETADA"
    RECHAZADA = "RECHAZADA"


# Which accounts each tipo needs: (origin, destination).
ACCOUNTS_BY_TIPO: dict[Tipo, tuple[bool, bool]] = {
    Tipo.DEPOSITO: (False, True),
    Tipo.RETIRO: (True, False),
    Tipo.PAGO_SERVICIO: (True, False),
    Tipo.TRANSFERENCIA: (True, True),
}

# Fields only the service uses; never returned by the API.
INTERNAL_FIELDS = ("_id", "idempotency_key", "fingerprint", "lease_id", "lease_until", "attempts")


def utcnow() -> datetime:
    """Now, in UTC, truncated to milliseconds (what MongoDB stores), so an in-memory document
    and the same document read back are equal."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def legs(doc: dict) -> list[dict[str, object]]:
    """The journal legs of a transaction for cuentas: the origin is debited, the destination
    credited, by the same amount (signed decimal strings with two places)."""
    amount: Decimal = from_minor(doc["monto"])
    result: list[dict[str, object]] = []
    if doc.get("cuenta_origen_id") is not None:
        result.append({"cuenta_id": doc["cuenta_origen_id"], "monto": str(-amount)})
    if doc.get("cuenta_destino_id") is not None:
        result.append({"cuenta_id": doc["cuenta_destino_id"], "monto": str(amount)})
    return result


def affected_accounts(doc: dict) -> list[int]:
    return [doc[f] for f in ("cuenta_origen_id", "cuenta_destino_id") if doc.get(f) is not None]
