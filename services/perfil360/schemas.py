"""What perfil360 reads from its dependencies and what it answers.

Upstream models keep only the fields the profile uses (unknown fields are ignored), so a
dependency may add fields without breaking the BFF; a missing or malformed field makes that
section unavailable instead of a 500.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.common.money import Moneda
from services.perfil360.config import RECENT_TRANSACTIONS, TX_WINDOW


def _utc(value: datetime) -> datetime:
    """Timestamps are UTC; a zone-less one from a dependency is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]

T = TypeVar("T")

_UPSTREAM = ConfigDict(extra="ignore")


# --- from clientes -----------------------------------------------------------------------
class Documento(BaseModel):
    model_config = _UPSTREAM

    documento_id: int
    tipo_documento: str
    numero_documento: str
    fecha_emision: date | None = None
    fecha_vencimiento: date | None = None


class Cliente(BaseModel):
    model_config = _UPSTREAM

    cliente_id: int
    nombre: str
    apellido: str
    email: str
    telefono: str | None = None
    estado: str
    fecha_registro: UtcDatetime
    documentos: list[Documento] = Field(default_factory=list)


# --- from cuentas ------------------------------------------------------------------------
class Cuenta(BaseModel):
    model_config = _UPSTREAM

    cuenta_id: int
    cliente_id: int
    numero_cuenta: str
    tipo_cuenta_id: int
    tipo_cuenta_nombre: str | None = None
    saldo: Decimal = Field(description="exact, as a decimal string", examples=["1500.00"])
    moneda: Moneda
    estado: str = Field(examples=["activa"])
    fecha_apertura: UtcDatetime


# --- from transacciones ------------------------------------------------------------------
class Transaccion(BaseModel):
    model_config = _UPSTREAM

    transaccion_id: str
    tipo: str = Field(examples=["TRANSFERENCIA"])
    cuenta_origen_id: int | None = None
    cuenta_destino_id: int | None = None
    monto: Decimal = Field(description="exact, as a decimal string", examples=["150.00"])
    moneda: Moneda
    descripcion: str | None = None
    estado: str = Field(examples=["COMPLETADA"])
    motivo: str | None = None
    fecha: UtcDatetime
    reversa_de: str | None = None


class UpstreamPage(BaseModel, Generic[T]):
    """The kit's Page as another service sends it."""

    model_config = _UPSTREAM

    items: list[T]
    total: int | None = None
    limit: int
    offset: int
    next_offset: int | None = None


# --- what perfil360 answers --------------------------------------------------------------
class Sentido(enum.StrEnum):
    """How a transaction touches the client: money in, money out, or between its own accounts."""

    ENTRADA = "ENTRADA"
    SALIDA = "SALIDA"
    INTERNA = "INTERNA"


class Seccion(enum.StrEnum):
    CUENTAS = "cuentas"
    TRANSACCIONES = "transacciones"


class TransaccionCliente(Transaccion):
    sentido: Sentido = Field(description="relative to this client; INTERNA is counted once")


class ResumenMoneda(BaseModel):
    """One currency's figures; amounts of different currencies are never added together."""

    moneda: Moneda
    saldo_total: Decimal = Field(description="sum of the balances in this currency")
    total_cuentas: int
    cuentas_activas: int
    total_transacciones: int | None = Field(
        description="transactions (any estado) touching the client's accounts in this "
        "currency, a transfer between two of them once; null when transacciones was "
        "unavailable"
    )
    total_transacciones_exacto: bool = Field(
        description="false when the client has more transactions than the profile reads "
        f"(the newest {TX_WINDOW}): total_transacciones is then a lower bound"
    )
    ultima_actividad: datetime | None = Field(
        description="fecha of the newest such transaction; null if none or unavailable"
    )


class PerfilCompleto(BaseModel):
    cliente: Cliente
    cuentas: list[Cuenta]
    transacciones_recientes: list[TransaccionCliente] = Field(
        description=f"newest first, at most {RECENT_TRANSACTIONS}; a transfer between the "
        "client's accounts appears once"
    )
    resumen_financiero: list[ResumenMoneda] = Field(description="one entry per currency")
    parcial: bool = Field(description="true when a section could not be read")
    secciones_fallidas: list[Seccion] = Field(
        description="sections that could not be read (accounts lead to transactions, so a "
        "cuentas failure fails both)"
    )
    generado_en: datetime = Field(description="when this profile was assembled (UTC)")


class TransaccionesCliente(BaseModel):
    """A page of the client's transactions, newest first, each transaction once."""

    cliente_id: int
    items: list[TransaccionCliente]
    total: int | None = None
    limit: int
    offset: int
    next_offset: int | None = None


class BusquedaClientes(BaseModel):
    """A page of clients matching ``q`` (server-side search over every client)."""

    query: str
    items: list[Cliente]
    total: int | None = None
    limit: int
    offset: int
    next_offset: int | None = None
