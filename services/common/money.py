"""Exact money: ``Decimal`` in Python, int64 minor units (céntimos) in MongoDB and Parquet.

MongoDB's Decimal128 is not available on nx-27017, so amounts are stored as whole céntimos.
Floats never take part: they cannot represent most amounts exactly.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated

from pydantic import Field

#: Decimal places of every amount (DECIMAL(15,2) in SQL).
PLACES = 2
_SCALE = 10**PLACES
_INT64_MAX = 2**63 - 1
MAX_DIGITS = 15  # DECIMAL(15,2)


class Moneda(enum.StrEnum):
    PEN = "PEN"
    USD = "USD"
    EUR = "EUR"


# Amounts a client asks to move: strictly positive, at most 2 decimals, DECIMAL(15,2) range.
Monto = Annotated[
    Decimal,
    Field(
        gt=0,
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        examples=["150.00"],
        description="amount, exact, at most 2 decimals",
    ),
]
# Balances: never negative.
Saldo = Annotated[
    Decimal, Field(ge=0, max_digits=MAX_DIGITS, decimal_places=PLACES, examples=["0.00"])
]


def to_minor(amount: Decimal | int) -> int:
    """``Decimal("12.34")`` -> ``1234``; more than two decimal places is a ValueError."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amounts are Decimal or int, not {type(amount).__name__}")
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount}")
    numerator, denominator = amount.as_integer_ratio()  # exact: no context rounding
    minor, remainder = divmod(numerator * _SCALE, denominator)
    if remainder:
        raise ValueError(f"{amount} has more than {PLACES} decimal places")
    if abs(minor) > _INT64_MAX:
        raise ValueError(f"{amount} does not fit in int64 minor units")
    return minor


def from_minor(minor: int) -> Decimal:
    """``1234`` -> ``Decimal("12.34")`` (always two decimal places)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units are int, not {type(minor).__name__}")
    return Decimal(minor).scaleb(-PLACES)
