"""Request and response bodies of cuentas (Create / Update / Public families)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.common.money import MAX_DIGITS, PLACES, Moneda, Monto, Saldo

INT_MAX = 2_147_483_647  # MySQL INT: ids beyond it cannot exist
CENT = Decimal(1).scaleb(-PLACES)
Id = Annotated[int, Field(ge=1, le=INT_MAX)]


def _as_utc(value: datetime) -> datetime:
    """MySQL TIMESTAMPs come back naive in the session's zone, which is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _not_zero(value: Decimal) -> Decimal:
    if value == 0:
        raise ValueError("a leg moves money: monto cannot be 0")
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
Amount = Annotated[Decimal, AfterValidator(_two_places)]
# a journal leg: signed (credit > 0, debit < 0), exact, never 0
SignedMonto = Annotated[
    Decimal,
    Field(max_digits=MAX_DIGITS, decimal_places=2, examples=["-150.00"]),
    AfterValidator(_not_zero),
    AfterValidator(_two_places),
]


class EstadoTipo(enum.StrEnum):
    ACTIVO = "activo"
    INACTIVO = "inactivo"


class EstadoCuenta(enum.StrEnum):
    ACTIVA = "activa"
    BLOQUEADA = "bloqueada"
    CERRADA = "cerrada"


class Operacion(enum.StrEnum):
    DEPOSITO = "deposito"
    RETIRO = "retiro"


class TipoMovimiento(enum.StrEnum):
    APERTURA = "APERTURA"
    DEPOSITO = "DEPOSITO"
    RETIRO = "RETIRO"
    TRANSFERENCIA = "TRANSFERENCIA"
    PAGO_SERVICIO = "PAGO_SERVICIO"
    REVERSA = "REVERSA"


class TipoPosting(enum.StrEnum):
    """What POST /movimientos accepts (APERTURA is written only when an account opens)."""

    DEPOSITO = "DEPOSITO"
    RETIRO = "RETIRO"
    TRANSFERENCIA = "TRANSFERENCIA"
    PAGO_SERVICIO = "PAGO_SERVICIO"
    REVERSA = "REVERSA"


_STRICT = ConfigDict(extra="forbid")


# --- tipos de cuenta ------------------------------------------------------------------------
class TipoCuentaPublic(BaseModel):
    tipo_cuenta_id: int
    nombre: str
    descripcion: str | None
    costo_mantenimiento: Amount
    tasa_interes: Amount
    estado: EstadoTipo


# --- cuentas ---------------------------------------------------------------------------------
class CuentaCreate(BaseModel):
    model_config = _STRICT

    cliente_id: Id
    tipo_cuenta_id: Id
    moneda: Moneda
    saldo_inicial: Annotated[Saldo, AfterValidator(_two_places)] = Decimal("0.00")


class CuentaPublic(BaseModel):
    cuenta_id: int
    cliente_id: int
    tipo_cuenta_id: int
    tipo_cuenta_nombre: str
    costo_mantenimiento: Amount
    tasa_interes: Amount
    numero_cuenta: str
    saldo: Amount
    moneda: Moneda
    estado: EstadoCuenta
    version: int = Field(description="incremented on every balance change")
    fecha_apertura: UtcDatetime
    updated_at: UtcDatetime


class SaldoUpdate(BaseModel):
    model_config = _STRICT

    monto: Annotated[Monto, AfterValidator(_two_places)]
    operacion: Operacion


class EstadoUpdate(BaseModel):
    model_config = _STRICT

    estado: EstadoCuenta


# --- journal ---------------------------------------------------------------------------------
class MovimientoPublic(BaseModel):
    movimiento_id: int
    cuenta_id: int
    transaccion_id: str
    tipo: TipoMovimiento
    monto: Amount
    saldo_resultante: Amount
    moneda: Moneda
    created_at: UtcDatetime


class Leg(BaseModel):
    model_config = _STRICT

    cuenta_id: Id
    monto: SignedMonto


class PostingCreate(BaseModel):
    """A set of legs applied atomically under one business transaction id."""

    model_config = _STRICT

    transaccion_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=40,
            pattern=r"^[A-Za-z0-9._:-]+$",
            description="the business transaction (e.g. the ULID from transacciones)",
        ),
    ]
    tipo: TipoPosting
    legs: Annotated[list[Leg], Field(min_length=1, max_length=20)]
    moneda: Moneda


class LegResult(BaseModel):
    cuenta_id: int
    monto: Amount
    saldo_resultante: Amount


class PostingResult(BaseModel):
    transaccion_id: str
    estado: Literal["APLICADA"] = "APLICADA"
    tipo: TipoPosting
    moneda: Moneda
    legs: list[LegResult]
    aplicada_en: UtcDatetime
