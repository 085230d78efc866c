"""Request and response bodies of transacciones."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_serializer,
    field_validator,
    model_validator,
)

from services.common.money import Moneda, Monto, from_minor
from services.transacciones.models import ACCOUNTS_BY_TIPO, Estado, Tipo

MAX_DESCRIPCION = 255
MAX_METADATA_BYTES = 2048
MAX_METADATA_DEPTH = 3  # the metadata object itself is level 1
INT32_MAX = 2_147_483_647


class TipoTransaccion(enum.StrEnum):
    """The tipos a client may create (a REVERSA comes from ``POST /{id}/reversa``)."""

    DEPOSITO = Tipo.DEPOSITO.value
    RETIRO = Tipo.RETIRO.value
    TRANSFERENCIA = Tipo.TRANSFERENCIA.value
    PAGO_SERVICIO = Tipo.PAGO_SERVICIO.value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _storable(text: str) -> str:
    """Text MongoDB can store: valid UTF-8 (no lone surrogates) and no NUL character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from exc
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


def _only_floats(value: object) -> object:
    """A JSON integer is an int (range-checked), never silently widened to a float."""
    if not isinstance(value, float):
        raise ValueError("not a float")
    return value


Text = Annotated[str, AfterValidator(_storable)]
CuentaId = Annotated[StrictInt, Field(ge=1, le=INT32_MAX, examples=[1])]
MetadataKey = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[^$.\x00][^.\x00]*$"),
    AfterValidator(_storable),
]
# Metadata values: JSON scalars that BSON and JSON both keep exactly, nested at most
# MAX_METADATA_DEPTH containers deep (the metadata object counts as the first).
Scalar = Union[  # noqa: UP007 (a Union keeps the order pydantic tries)
    Annotated[str, Field(max_length=MAX_METADATA_BYTES), AfterValidator(_storable)],
    StrictBool,
    Annotated[StrictInt, Field(ge=-(2**63), le=2**63 - 1)],
    Annotated[float, BeforeValidator(_only_floats), Field(allow_inf_nan=False)],
    None,
]
Level3 = Union[Scalar, list[Scalar], dict[MetadataKey, Scalar]]  # noqa: UP007
Level2 = Union[Scalar, list[Level3], dict[MetadataKey, Level3]]  # noqa: UP007
Metadata = dict[MetadataKey, Level2]


def _metadata_size(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None:
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_METADATA_BYTES:
            raise ValueError(f"metadata is {size} bytes as JSON; at most {MAX_METADATA_BYTES}")
    return value


class TransaccionCreate(BaseModel):
    """A new transaction. Which accounts it names depends on ``tipo``: DEPOSITO only
    ``cuenta_destino_id``; RETIRO and PAGO_SERVICIO only ``cuenta_origen_id``; TRANSFERENCIA
    both, different. Server-set fields (``transaccion_id``, ``estado``, ``fecha``, ...) and any
    other unknown field are rejected with 422."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "tipo": "TRANSFERENCIA",
                    "cuenta_origen_id": 1,
                    "cuenta_destino_id": 2,
                    "monto": "150.00",
                    "moneda": "PEN",
                    "descripcion": "Pago de alquiler",
                    "metadata": {"canal": "web"},
                }
            ]
        },
    )

    tipo: Annotated[TipoTransaccion, BeforeValidator(_upper)]
    cuenta_origen_id: CuentaId | None = None
    cuenta_destino_id: CuentaId | None = None
    monto: Monto
    moneda: Annotated[Moneda, BeforeValidator(_upper)]
    descripcion: Annotated[Text, Field(max_length=MAX_DESCRIPCION)] | None = None
    metadata: Annotated[
        Metadata | None,
        AfterValidator(_metadata_size),
        Field(
            description=f"free-form object, at most {MAX_METADATA_BYTES} bytes as JSON and "
            f"{MAX_METADATA_DEPTH} levels deep"
        ),
    ] = None

    @model_validator(mode="after")
    def _accounts_match_tipo(self) -> TransaccionCreate:
        needs_origin, needs_destination = ACCOUNTS_BY_TIPO[Tipo(self.tipo)]
        for field, needed in (
            ("cuenta_origen_id", needs_origin),
            ("cuenta_destino_id", needs_destination),
        ):
            present = getattr(self, field) is not None
            if needed and not present:
                raise ValueError(f"{self.tipo.value} requires {field}")
            if present and not needed:
                raise ValueError(f"{self.tipo.value} does not take {field}")
        if self.cuenta_origen_id is not None and self.cuenta_origen_id == self.cuenta_destino_id:
            raise ValueError("cuenta_origen_id and cuenta_destino_id must differ")
        return self


class ReversaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    descripcion: Annotated[Text, Field(max_length=MAX_DESCRIPCION)] | None = None


class TransaccionPublic(BaseModel):
    transaccion_id: str
    tipo: Tipo
    cuenta_origen_id: int | None = None
    cuenta_destino_id: int | None = None
    monto: Decimal = Field(examples=["150.00"], description="exact amount, two decimals")
    moneda: Moneda
    descripcion: str | None = None
    estado: Estado
    motivo: str | None = Field(None, description="why it was RECHAZADA (a cuentas error code)")
    fecha: datetime
    metadata: dict[str, Any] | None = None
    reversa_de: str | None = Field(None, description="for a REVERSA: the reversed transaction")
    created_at: datetime
    updated_at: datetime

    @field_validator("monto", mode="before")
    @classmethod
    def _from_minor(cls, value: object) -> object:
        return from_minor(value) if isinstance(value, int) else value

    @field_serializer("fecha", "created_at", "updated_at")
    def _utc(self, value: datetime) -> str:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ErrorOut(BaseModel):
    detail: Any
    code: str
