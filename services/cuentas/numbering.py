"""Account numbers: ``191`` + a 10-digit sequence + a Luhn check digit (14 digits).

The sequence is the account's own ``cuenta_id``, so numbers are unique by construction, even
when both instances open accounts at the same moment. Bulk loaders (seed/) use the same
function for the same reason.
"""

from __future__ import annotations

PREFIX = "191"
SEQUENCE_DIGITS = 10
LENGTH = len(PREFIX) + SEQUENCE_DIGITS + 1


def luhn_check_digit(digits: str) -> int:
    """The digit that makes ``digits`` + it pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: these end up in odd positions once the check is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == int(number[-1])


def numero_cuenta(cuenta_id: int) -> str:
    if not 0 < cuenta_id < 10**SEQUENCE_DIGITS:
        raise ValueError(f"cuenta_id out of the numbering range: {cuenta_id}")
    body = f"{PREFIX}{cuenta_id:0{SEQUENCE_DIGITS}d}"
    return f"{body}{luhn_check_digit(body)}"
