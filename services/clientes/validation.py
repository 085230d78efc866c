"""The business rules of client data as plain functions, so the API schemas and any bulk
loader (the seed generator) accept exactly the same values."""

from __future__ import annotations

import enum
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

NAME_MAX = 100
EMAIL_MAX = 150
TELEFONO_MAX = 20
NUMERO_MAX = 20


class EstadoCliente(enum.StrEnum):
    ACTIVO = "activo"
    INACTIVO = "inactivo"
    BLOQUEADO = "bloqueado"


class TipoDocumento(enum.StrEnum):
    DNI = "DNI"
    PASAPORTE = "Pasaporte"
    RUC = "RUC"
    CARNET_EXTRANJERIA = "Carnet Extranjeria"


# Names: letters of any alphabet; words joined by spaces, apostrophes, periods or hyphens
# ("María José", "O'Higgins", "De la Cruz-Ríos", "J. R."). No digits, no symbols.
NAME_PATTERN = r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$"

# "+51 987 654 321", "987654321", "01-555-1234": 7 to 15 digits, single spaces or hyphens
# between digits, an optional leading "+".
TELEFONO_PATTERN = r"^\+?[0-9](?:[ -]?[0-9]){6,14}$"

NUMERO_PATTERNS: dict[TipoDocumento, tuple[str, str]] = {
    TipoDocumento.DNI: (r"^[0-9]{8}$", "a DNI is exactly 8 digits"),
    TipoDocumento.RUC: (
        r"^(10|15|17|20)[0-9]{9}$",
        "a RUC is exactly 11 digits starting with 10, 15, 17 or 20",
    ),
    TipoDocumento.PASAPORTE: (
        r"^[A-Z0-9]{6,12}$",
        "a Pasaporte number is 6 to 12 upper-case letters or digits",
    ),
    TipoDocumento.CARNET_EXTRANJERIA: (
        r"^[0-9]{9,12}$",
        "a Carnet Extranjeria number is 9 to 12 digits",
    ),
}
_NUMERO_RE = {tipo: re.compile(pattern) for tipo, (pattern, _) in NUMERO_PATTERNS.items()}
_TELEFONO_RE = re.compile(TELEFONO_PATTERN)
_NAME_RE = re.compile(NAME_PATTERN)
_NAME_SEPARATORS = frozenset(" '’.-")


def clean_text(value: str) -> str:
    """Trimmed text without control characters (NUL would not even reach PostgreSQL)."""
    value = value.strip()
    if not value.isprintable():
        raise ValueError("must not contain control or unprintable characters")
    return value


def check_name(value: str) -> str:
    """A trimmed, NFC-normalised personal or company name of 1 to 100 characters."""
    value = unicodedata.normalize("NFC", value.strip())
    if not 1 <= len(value) <= NAME_MAX:
        raise ValueError(f"must be 1 to {NAME_MAX} characters (surrounding spaces are trimmed)")
    letters = (c for c in value if c not in _NAME_SEPARATORS)
    if not _NAME_RE.match(value) or not all(c.isalpha() for c in letters):
        raise ValueError(
            "must be letters (any alphabet), with words joined by spaces, apostrophes, periods "
            "or hyphens"
        )
    return value


def check_email(value: str) -> str:
    """An ASCII e-mail address, syntax-checked (no DNS); returns it with the domain lower-cased."""
    value = value.strip()
    if not value.isascii():
        raise ValueError("the e-mail address must be ASCII")
    if len(value) > EMAIL_MAX:
        raise ValueError(f"the e-mail address must be at most {EMAIL_MAX} characters")
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return result.normalized


def check_telefono(value: str) -> str:
    value = value.strip()
    if len(value) > TELEFONO_MAX or not _TELEFONO_RE.match(value):
        raise ValueError(
            "telefono must be 7 to 15 digits, optionally with a leading '+' and single spaces "
            "or hyphens between digits (e.g. '+51 987 654 321'), at most 20 characters"
        )
    return value


def normalize_numero(value: str) -> str:
    """Document numbers are compared trimmed and upper-cased."""
    return value.strip().upper()


def check_numero(tipo: TipoDocumento | str, numero: str) -> str:
    """The normalized number if it has the format of its document type."""
    tipo = TipoDocumento(tipo)
    numero = normalize_numero(numero)
    if not _NUMERO_RE[tipo].match(numero):
        raise ValueError(NUMERO_PATTERNS[tipo][1])
    return numero
