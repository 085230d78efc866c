from decimal import Decimal

import pytest

from services.common.money import from_minor, to_minor


@pytest.mark.parametrize(
    ("amount", "minor"),
    [
        (Decimal("12.34"), 1234),
        (Decimal("0.01"), 1),
        (Decimal("-7.5"), -750),
        (Decimal("100"), 10000),
        (Decimal("1.500"), 150),  # trailing zeros are not extra precision
        (Decimal("9999999999999.99"), 999999999999999),  # DECIMAL(15,2) maximum
        (42, 4200),
    ],
)
def test_to_minor(amount, minor):
    assert to_minor(amount) == minor
    assert type(to_minor(amount)) is int


@pytest.mark.parametrize(
    "amount",
    [Decimal("0.001"), Decimal("12.345"), Decimal("1.0000000000000000000000000000001")],
)
def test_to_minor_refuses_more_than_two_places(amount):
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        to_minor(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E+30")])
def test_to_minor_refuses_what_int64_cannot_hold(amount):
    with pytest.raises(ValueError):
        to_minor(amount)


@pytest.mark.parametrize("amount", [12.34, "12.34", True, None])
def test_to_minor_refuses_floats_and_other_types(amount):
    with pytest.raises(TypeError):
        to_minor(amount)


def test_from_minor_has_two_places():
    assert str(from_minor(1234)) == "12.34"
    assert str(from_minor(150)) == "1.50"
    assert str(from_minor(-1)) == "-0.01"
    assert str(from_minor(0)) == "0.00"


@pytest.mark.parametrize("minor", [12.0, "12", True, Decimal(12)])
def test_from_minor_refuses_non_ints(minor):
    with pytest.raises(TypeError):
        from_minor(minor)


@pytest.mark.parametrize("text", ["0.00", "0.01", "-123.45", "9999999999999.99"])
def test_round_trip(text):
    assert from_minor(to_minor(Decimal(text))) == Decimal(text)
