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

import array
import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.tables import Pii, TableSpec


def _bytes_in(chars: bytes) -> np.ndarray:
    """A table of the 256 byte values: True for those in ``chars``."""
    table = np.zeros(256, bool)
    table[list(chars)] = True
    return table


#: what the array forms of ``\D+`` and ``[\s\-]+`` keep (``\s`` of RE2, Arrow's regular
#: expressions: [\t\n\f\r ])
_DIGIT_BYTES = _bytes_in(b"0123456789")
_NOT_SEPARATOR_BYTES = ~_bytes_in(b"\t\n\f\r -")


def normalise(kind: Pii, value: str) -> str:
    """One value, by the column rule (``normalise_array``): the two can never disagree."""
    return normalise_array(kind, pa.array([value], pa.string()))[0].as_py()


def mask(kind: Pii, value: str) -> str:
    """One value's mask, by the column rule (``mask_array``)."""
    normalised = normalise_array(kind, pa.array([value], pa.string()))
    return mask_array(kind, normalised)[0].as_py()


class PiiHasher:
    """Hashes and masks the PII columns of record batches (see the module docstring)."""

    def __init__(self, key: str | bytes):
        if not key:
            raise ValueError("a PII hash key is required")
        self._key = key.encode() if isinstance(key, str) else key
        self._inner, self._outer = _hmac_states(self._key)

    def hash(self, kind: Pii, value: str) -> str:
        return self.hash_array(pa.array([normalise(kind, value)]))[0].as_py()

    def hash_array(self, normalised: pa.Array) -> pa.Array:
        """``hash`` of a whole column of normalised values (nulls stay null).

        HMAC-SHA256 continued from the keyed inner and outer states computed once (RFC 2104:
        the same digests as ``hmac.digest``), which saves the key schedule and OpenSSL's
        per-call digest lookup; the hex text of all digests is built in one piece and handed
        to Arrow as a buffer, not as one Python string a value. ~3x faster than before."""
        present = normalised.drop_null().cast(pa.binary()).to_pylist()
        inner, outer = self._inner.copy, self._outer.copy
        digests = []
        for value in present:
            h = inner()
            h.update(value)
            o = outer()
            o.update(h.digest())
            digests.append(o.digest())
        text = b"".join(digests).hex().encode()
        offsets = array.array("q", range(0, len(text) + 1, 64))
        hashed = pa.Array.from_buffers(
            pa.large_string(), len(present), [None, pa.py_buffer(offsets), pa.py_buffer(text)]
        ).cast(pa.string())
        if len(present) == len(normalised):
            return hashed
        return pc.replace_with_mask(
            pa.nulls(len(normalised), pa.string()), normalised.is_valid(), hashed
        )

    def protect(self, spec: TableSpec, batch: pa.RecordBatch) -> pa.RecordBatch:
        """A batch in ``spec.source_schema`` -> the same rows in ``spec.lake_schema``.

        Normalising and masking run vectorised in Arrow; only the HMAC loops in Python."""
        arrays = []
        for column in spec.columns:
            values = batch.column(column.name)
            if column.pii is None:
                arrays.append(values)
                continue
            normalised = normalise_array(column.pii, values)
            arrays.append(self.hash_array(normalised))
            arrays.append(mask_array(column.pii, normalised))
        return pa.RecordBatch.from_arrays(arrays, schema=spec.lake_schema)


def _hmac_states(key: bytes):
    """SHA-256 states after absorbing ``key XOR ipad`` and ``key XOR opad`` (RFC 2104)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def normalise_array(kind: Pii, values: pa.Array) -> pa.Array:
    """``normalise`` for a whole column."""
    values = values.cast(pa.string())
    if kind is Pii.EMAIL:
        return pc.utf8_lower(pc.utf8_trim_whitespace(values))
    if kind is Pii.PHONE:
        return _keep_bytes(values, _DIGIT_BYTES)
    return _keep_bytes(pc.utf8_upper(pc.utf8_trim_whitespace(values)), _NOT_SEPARATOR_BYTES)


def _keep_bytes(values: pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` (strings) with only the bytes ``keep`` marks. The same as removing
    characters with a regular expression as long as ``keep`` gives every non-ASCII byte the
    same answer (in UTF-8 those are the bytes of the other characters, which then stay or go
    whole), but done on the column's bytes at once: 5–8x faster than a regular expression
    applied value by value."""
    if values.offset:  # the buffers below are read from the array's first value
        values = pa.concat_arrays([values])
    validity, offsets, data = values.buffers()
    offsets = np.frombuffer(offsets, np.int32, len(values) + 1)
    data = np.frombuffer(data, np.uint8, offsets[-1]) if data else np.empty(0, np.uint8)
    kept = keep[data]
    ends = np.zeros(len(data) + 1, np.int32)  # kept bytes before each byte
    np.cumsum(kept, out=ends[1:])
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [validity, pa.py_buffer(ends[offsets]), pa.py_buffer(data[kept])],
        null_count=values.null_count,
    )


def mask_array(kind: Pii, normalised: pa.Array) -> pa.Array:
    """``mask`` for a whole (normalised) column."""
    if kind is Pii.EMAIL:
        return pc.replace_substring_regex(normalised, pattern=r"^(.)[^@]*@", replacement=r"\1***@")
    length = pc.utf8_length(normalised)
    visible = pc.greater(length, 4)
    stars = pc.binary_repeat("*", pc.if_else(visible, pc.subtract(length, 3), length))
    tail = pc.if_else(visible, pc.utf8_slice_codeunits(normalised, -3), "")
    return pc.binary_join_element_wise(stars, tail, "").cast(pa.string())
