"""PII leaves the source only as a keyed hash and a masked form.

``<column>_hash`` is HMAC-SHA256 (key: ``CLOUDBANK_PII_HASH_KEY``) of the normalised value, in
hex; equal values hash equally, so joins and distinct counts still work, but the value cannot be
recovered or guessed without the key. ``<column>_masked`` keeps just enough to recognise a value
in a support call (first letter and domain of an e-mail, last three digits of a phone or
document number).

Normalisation (so that every producer computes the same hash): e-mail trimmed and lower-cased;
phone reduced to its digits; document number trimmed, upper-cased, without spaces or dashes.
"""

from __future__ import annotations

import hmac
import re

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.tables import Pii, TableSpec

_NON_DIGITS = re.compile(r"\D+")
_DOC_SEPARATORS = re.compile(r"[\s\-]+")


def normalise(kind: Pii, value: str) -> str:
    if kind is Pii.EMAIL:
        return value.strip().lower()
    if kind is Pii.PHONE:
        return _NON_DIGITS.sub("", value)
    return _DOC_SEPARATORS.sub("", value.strip().upper())


def mask(kind: Pii, value: str) -> str:
    value = normalise(kind, value)
    if kind is Pii.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    visible = value[-3:] if len(value) > 4 else ""
    return "*" * (len(value) - len(visible)) + visible


class PiiHasher:
    """Hashes and masks the PII columns of record batches (see the module docstring)."""

    def __init__(self, key: str | bytes):
        if not key:
            raise ValueError("a PII hash key is required")
        self._key = key.encode() if isinstance(key, str) else key

    def hash(self, kind: Pii, value: str) -> str:
        return hmac.digest(self._key, normalise(kind, value).encode(), "sha256").hex()

    def protect(self, spec: TableSpec, batch: pa.RecordBatch) -> pa.RecordBatch:
        """A batch in ``spec.source_schema`` -> the same rows in ``spec.lake_schema``.

        Normalising and masking run vectorised in Arrow; only the HMAC loops in Python (one
        OpenSSL call per value)."""
        arrays = []
        for column in spec.columns:
            values = batch.column(column.name)
            if column.pii is None:
                arrays.append(values)
                continue
            normalised = normalise_array(column.pii, values)
            key, digest = self._key, hmac.digest
            hashed = [
                None if v is None else digest(key, v.encode(), "sha256").hex()
                for v in normalised.to_pylist()
            ]
            arrays.append(pa.array(hashed, pa.string()))
            arrays.append(mask_array(column.pii, normalised))
        return pa.RecordBatch.from_arrays(arrays, schema=spec.lake_schema)


def normalise_array(kind: Pii, values: pa.Array) -> pa.Array:
    """``normalise`` for a whole column."""
    values = values.cast(pa.string())
    if kind is Pii.EMAIL:
        return pc.utf8_lower(pc.utf8_trim_whitespace(values))
    if kind is Pii.PHONE:
        return pc.replace_substring_regex(values, pattern=r"\D+", replacement="")
    upper = pc.utf8_upper(pc.utf8_trim_whitespace(values))
    return pc.replace_substring_regex(upper, pattern=r"[\s\-]+", replacement="")


def mask_array(kind: Pii, normalised: pa.Array) -> pa.Array:
    """``mask`` for a whole (normalised) column."""
    if kind is Pii.EMAIL:
        return pc.replace_substring_regex(normalised, pattern=r"^(.)[^@]*@", replacement=r"\1***@")
    length = pc.utf8_length(normalised)
    visible = pc.greater(length, 4)
    stars = pc.binary_repeat("*", pc.if_else(visible, pc.subtract(length, 3), length))
    tail = pc.if_else(visible, pc.utf8_slice_codeunits(normalised, -3), "")
    return pc.binary_join_element_wise(stars, tail, "").cast(pa.string())
