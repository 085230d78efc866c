"""Request and response bodies of the clientes API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from services.clientes.validation import (
    EMAIL_MAX,
    NAME_MAX,
    NUMERO_MAX,
    TELEFONO_MAX,
    TELEFONO_PATTERN,
    EstadoCliente,
    TipoDocumento,
    check_email,
    check_numero,
    check_telefono,
    clean_text,
    normalize_numero,
)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Nombre = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=1, max_length=NAME_MAX),
    AfterValidator(clean_text),
    Field(examples=["María"]),
]
Apellido = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=1, max_length=NAME_MAX),
    AfterValidator(clean_text),
    Field(examples=["García Quispe"]),
]
Email = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=3, max_length=EMAIL_MAX),
    AfterValidator(check_email),
    Field(
        json_schema_extra={"format": "email"},
        examples=["maria.garcia@example.com"],
        description="ASCII e-mail address, unique regardless of case",
    ),
]
Telefono = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(max_length=TELEFONO_MAX, pattern=TELEFONO_PATTERN),
    AfterValidator(check_telefono),
    Field(examples=["+51 987 654 321"]),
]
NumeroDocumento = Annotated[
    str,
    BeforeValidator(lambda v: normalize_numero(v) if isinstance(v, str) else v),
    StringConstraints(min_length=6, max_length=NUMERO_MAX, pattern=r"^[A-Z0-9]+$"),
    Field(
        examples=["45678912"],
        description="DNI: 8 digits; RUC: 11 digits starting 10/15/17/20; Pasaporte: 6–12 "
        "upper-case letters or digits; Carnet Extranjeria: 9–12 digits",
    ),
]

_REQUEST = ConfigDict(extra="forbid", str_strip_whitespace=False)


# --- documents ---------------------------------------------------------------------------
class DocumentoCreate(BaseModel):
    model_config = _REQUEST

    tipo_documento: TipoDocumento
    numero_documento: NumeroDocumento
    fecha_emision: date | None = None
    fecha_vencimiento: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DocumentoCreate:
        self.numero_documento = check_numero(self.tipo_documento, self.numero_documento)
        if (
            self.fecha_emision is not None
            and self.fecha_vencimiento is not None
            and self.fecha_emision >= self.fecha_vencimiento
        ):
            raise ValueError("fecha_emision must be before fecha_vencimiento")
        return self


class DocumentoPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    documento_id: int
    cliente_id: int
    tipo_documento: TipoDocumento
    numero_documento: str
    fecha_emision: date | None
    fecha_vencimiento: date | None


# --- clients -----------------------------------------------------------------------------
class ClienteCreate(BaseModel):
    model_config = _REQUEST

    nombre: Nombre
    apellido: Apellido
    email: Email
    telefono: Telefono | None = None
    estado: EstadoCliente = EstadoCliente.ACTIVO
    documento: DocumentoCreate


class ClienteReplace(BaseModel):
    """PUT: every editable field is required (``telefono`` may be null but must be sent), so a
    forgotten field is a 422, never a silent reset."""

    model_config = _REQUEST

    nombre: Nombre
    apellido: Apellido
    email: Email
    telefono: Telefono | None = Field(..., description="required; null clears it")
    estado: EstadoCliente


class ClienteUpdate(BaseModel):
    """PATCH: only the fields sent change. ``telefono: null`` clears the phone; the other
    fields cannot be null."""

    model_config = _REQUEST

    # Not Optional: an explicit null is a 422; an omitted field keeps its value.
    nombre: Nombre = None  # type: ignore[assignment]
    apellido: Apellido = None  # type: ignore[assignment]
    email: Email = None  # type: ignore[assignment]
    telefono: Telefono | None = None
    estado: EstadoCliente = None  # type: ignore[assignment]

    def changes(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class ClientePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    cliente_id: int
    nombre: str
    apellido: str
    email: str
    telefono: str | None
    estado: EstadoCliente
    fecha_registro: datetime = Field(description="UTC")
    updated_at: datetime = Field(description="UTC; changes on every update")
    documentos: list[DocumentoPublic]
