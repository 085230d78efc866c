"""Exact money: ``Decimal`` with two places in the API, int64 minor units (céntimos) in stores
without a decimal type (MongoDB, Parquet). Never a float."""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import Field

MAX_DIGITS = 15  # DECIMAL(15,2)
CENT = Decimal("0.01")


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
        decimal_places=2,
        examples=["150.00"],
        description="amount, exact, at most 2 decimals",
    ),
]
# Balances: never negative.
Saldo = Annotated[Decimal, Field(ge=0, max_digits=MAX_DIGITS, decimal_places=2, examples=["0.00"])]


def to_minor(amount: Decimal) -> int:
    """Decimal amount to integer céntimos; more than 2 decimals is an error, not a rounding."""
    try:
        quantized = amount.quantize(CENT)
    except InvalidOperation as exc:
        raise ValueError(f"not a valid amount: {amount!r}") from exc
    if quantized != amount:
        raise ValueError(f"amount has more than 2 decimals: {amount}")
    return int(quantized * 100)


def from_minor(minor: int) -> Decimal:
    """Integer céntimos to a 2-place Decimal."""
    return (Decimal(int(minor)) / 100).quantize(CENT)
