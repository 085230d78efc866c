"""Formats of identifiers and contact data (docs/data-model.md), as pure functions.

Account numbers are ``services.cuentas.numbering.numero_cuenta`` (the service's own rule)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def ruc_check_digit(first_ten: str) -> str:
    """SUNAT's modulo-11 check digit of a RUC."""
    total = sum(int(d) * w for d, w in zip(first_ten, _RUC_WEIGHTS, strict=True))
    digit = 11 - total % 11
    return str({10: 0, 11: 1}.get(digit, digit))


def ruc_persona(dni: str) -> str:
    """The RUC of a natural person: ``10`` + DNI + check digit (11 digits)."""
    if not re.fullmatch(r"[0-9]{8}", dni):
        raise ValueError(f"not a DNI: {dni!r}")
    return "10" + dni + ruc_check_digit("10" + dni)


def ruc_valid(ruc: str) -> bool:
    return (
        bool(re.fullmatch(r"(10|15|17|20)[0-9]{9}", ruc)) and ruc_check_digit(ruc[:10]) == ruc[10]
    )


@lru_cache(maxsize=4096)
def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters only: accents and ñ folded, spaces and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded.lower() if "a" <= c <= "z")


def telefono_movil(digits: str) -> str:
    """A Peruvian mobile number, ``+51 9dd ddd ddd``, from its 9 digits."""
    if not re.fullmatch(r"9[0-9]{8}", digits):
        raise ValueError(f"not a Peruvian mobile number: {digits!r}")
    return f"+51 {digits[:3]} {digits[3:6]} {digits[6:]}"
