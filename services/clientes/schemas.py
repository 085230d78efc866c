"""Request and response bodies of the clientes API.

The rules themselves live in validation.py (shared with bulk loaders); here they are attached
to fields, and their patterns are published in the OpenAPI schema so clients and generators
know them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

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
    NAME_PATTERN,
    NUMERO_PATTERNS,
    TELEFONO_MAX,
    TELEFONO_PATTERN,
    EstadoCliente,
    TipoDocumento,
    check_email,
    check_name,
    check_numero,
    check_telefono,
)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _name(example: str) -> object:
    return Field(
        min_length=1,
        max_length=NAME_MAX,
        json_schema_extra={"pattern": NAME_PATTERN},
        examples=[example],
        description="letters of any alphabet; words joined by spaces, apostrophes, periods or "
        "hyphens; trimmed",
    )


Nombre = Annotated[str, AfterValidator(check_name), _name("María")]
Apellido = Annotated[str, AfterValidator(check_name), _name("García Quispe")]
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
    AfterValidator(check_telefono),
    Field(
        max_length=TELEFONO_MAX,
        json_schema_extra={"pattern": TELEFONO_PATTERN},
        examples=["+51 987 654 321"],
        description="7 to 15 digits, optional leading '+', single spaces or hyphens between",
    ),
]

_REQUEST = ConfigDict(extra="forbid")


# --- documents ---------------------------------------------------------------------------
def _numero(tipo: TipoDocumento, example: str) -> object:
    pattern, rule = NUMERO_PATTERNS[tipo]
    return Annotated[
        str,
        AfterValidator(lambda value: check_numero(tipo, value)),
        Field(
            max_length=20,
            json_schema_extra={"pattern": pattern},
            examples=[example],
            description=f"{rule}; compared trimmed and upper-cased",
        ),
    ]


class _Documento(BaseModel):
    model_config = _REQUEST

    fecha_emision: date | None = None
    fecha_vencimiento: date | None = Field(
        None, description="after fecha_emision when both are given"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> _Documento:
        if (
            self.fecha_emision is not None
            and self.fecha_vencimiento is not None
            and self.fecha_emision >= self.fecha_vencimiento
        ):
            raise ValueError("fecha_emision must be before fecha_vencimiento")
        return self


class DocumentoDNI(_Documento):
    tipo_documento: Literal[TipoDocumento.DNI]
    numero_documento: _numero(TipoDocumento.DNI, "45678912")  # type: ignore[valid-type]


class DocumentoRUC(_Documento):
    tipo_documento: Literal[TipoDocumento.RUC]
    numero_documento: _numero(TipoDocumento.RUC, "20512345678")  # type: ignore[valid-type]


class DocumentoPasaporte(_Documento):
    tipo_documento: Literal[TipoDocumento.PASAPORTE]
    numero_documento: _numero(TipoDocumento.PASAPORTE, "PE1234567")  # type: ignore[valid-type]


class DocumentoCarnet(_Documento):
    tipo_documento: Literal[TipoDocumento.CARNET_EXTRANJERIA]
    numero_documento: _numero(TipoDocumento.CARNET_EXTRANJERIA, "001234567")  # type: ignore[valid-type]


# One shape per document type, told apart by tipo_documento (each with its number format).
DocumentoCreate = Annotated[
    DocumentoDNI | DocumentoRUC | DocumentoPasaporte | DocumentoCarnet,
    Field(discriminator="tipo_documento"),
]


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
