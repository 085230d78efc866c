"""The generated rows, one dataclass per table, with the column order the loaders use.

Field names are the column names of docs/data-model.md. Money is ``Decimal`` with two places
in SQL rows and integer céntimos in transaction documents; instants are UTC datetimes with
millisecond precision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from bson import Int64, ObjectId


def _table(cls):
    """A slotted dataclass whose ``columns`` are its fields, in order, with ``values()``
    returning them as a tuple (the row a loader writes)."""
    cls = dataclass(slots=True)(cls)
    cls.columns = tuple(f.name for f in fields(cls))
    getter = attrgetter(*cls.columns)
    cls.values = lambda self: getter(self)
    return cls


@_table
class Cliente:
    cliente_id: int
    nombre: str
    apellido: str
    email: str
    telefono: str | None
    fecha_registro: datetime
    estado: str
    updated_at: datetime


@_table
class Documento:
    documento_id: int
    cliente_id: int
    tipo_documento: str
    numero_documento: str
    fecha_emision: date | None
    fecha_vencimiento: date | None
    created_at: datetime
    updated_at: datetime


@_table
class Cuenta:
    cuenta_id: int
    cliente_id: int
    tipo_cuenta_id: int
    numero_cuenta: str
    saldo: Decimal
    moneda: str
    fecha_apertura: datetime
    estado: str
    version: int
    updated_at: datetime


@_table
class Movimiento:
    movimiento_id: int
    cuenta_id: int
    transaccion_id: str
    tipo: str
    monto: Decimal
    saldo_resultante: Decimal
    moneda: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Transaccion:
    """A document of the ``transacciones`` collection (MongoDB)."""

    object_id: bytes  # 12 bytes: the document's _id
    transaccion_id: str  # ULID
    tipo: str
    cuenta_origen_id: int | None
    cuenta_destino_id: int | None
    monto: int  # céntimos
    moneda: str
    descripcion: str
    estado: str
    motivo: str | None
    fecha: datetime
    canal: str
    dispositivo: str
    ubicacion: str
    updated_at: datetime
    legs: tuple[tuple[int, int], ...] = field(default=())  # (cuenta_id, signed céntimos)
    fingerprint: str = ""  # of the creation request, as transacciones computes it

    @property
    def metadata(self) -> dict[str, str]:
        return {"canal": self.canal, "dispositivo": self.dispositivo, "ubicacion": self.ubicacion}

    @property
    def idempotency_key(self) -> str:
        return f"seed-{self.transaccion_id}"

    def document(self) -> dict[str, Any]:
        """The MongoDB document, field for field as docs/data-model.md lists them, as
        transacciones leaves a transaction it created and posted once."""
        return {
            "_id": ObjectId(self.object_id),
            "transaccion_id": self.transaccion_id,
            "tipo": self.tipo,
            "cuenta_origen_id": self.cuenta_origen_id,
            "cuenta_destino_id": self.cuenta_destino_id,
            "monto": Int64(self.monto),
            "moneda": self.moneda,
            "descripcion": self.descripcion,
            "estado": self.estado,
            "motivo": self.motivo,
            "fecha": self.fecha,
            "metadata": self.metadata,
            "reversa_de": None,
            "created_at": self.fecha,
            "updated_at": self.updated_at,
            # the posting protocol's bookkeeping: posted once, final (no lease left)
            "idempotency_key": self.idempotency_key,
            "fingerprint": self.fingerprint,
            "attempts": 1,
        }


def digest(rows: list) -> str:
    """SHA-256 of the rows' canonical text: one ``repr`` per row of its values (SQL rows) or
    of its document (transactions)."""
    h = hashlib.sha256()
    for row in rows:
        values = row.document() if isinstance(row, Transaccion) else row.values()
        h.update(repr(values).encode())
        h.update(b"\n")
    return h.hexdigest()
