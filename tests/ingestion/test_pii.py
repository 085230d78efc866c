"""PII never reaches the lake in clear text."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ingestion_support import DAYS

from ingestion.load import TableLoader
from ingestion.pii import PiiHasher, mask, normalise, normalise_array
from ingestion.tables import TABLES, Kind, Pii, get_table


def test_hash_is_keyed_hmac_sha256_of_the_normalised_value():
    hasher = PiiHasher("k1")
    expected = hmac.new(b"k1", b"ana@correo.pe", hashlib.sha256).hexdigest()
    assert hasher.hash(Pii.EMAIL, "  Ana@Correo.PE ") == expected
    assert PiiHasher("k2").hash(Pii.EMAIL, "ana@correo.pe") != expected
    assert hasher.hash(Pii.PHONE, "+51 987 654 321") == hasher.hash(Pii.PHONE, "51987654321")
    assert normalise(Pii.DOCUMENT, " p-123 456 ") == "P123456"
    with pytest.raises(ValueError):
        PiiHasher("")


@pytest.mark.parametrize("key", [b"k", b"k" * 64, b"long key " * 20])
def test_column_hashes_equal_hmac_for_any_key_length_and_keep_nulls(key):
    values = ["ana@correo.pe", "", None, "ñandú@correo.pe", None]
    expected = [
        None if v is None else hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values
    ]
    hashed = PiiHasher(key).hash_array(pa.array(values, pa.string()))
    assert hashed.type == pa.string()
    assert hashed.to_pylist() == expected
    assert PiiHasher(key).hash_array(pa.array([], pa.string())).to_pylist() == []


def test_masks_keep_only_a_hint():
    assert mask(Pii.EMAIL, "Ana.Quispe@correo.pe") == "a***@correo.pe"
    assert mask(Pii.PHONE, "+51 987 654 321") == "********321"
    assert mask(Pii.DOCUMENT, "45678912") == "*****912"
    assert mask(Pii.DOCUMENT, "1234") == "****"


def test_protect_replaces_pii_columns_with_hash_and_mask():
    spec = get_table("documentos_identidad")
    batch = pa.RecordBatch.from_pylist(
        [
            {
                "documento_id": 1,
                "cliente_id": 1,
                "tipo_documento": "DNI",
                "numero_documento": "45678912",
                "fecha_emision": None,
                "fecha_vencimiento": None,
                "created_at": None,
                "updated_at": None,
            }
        ],
        schema=pa.schema([pa.field(f.name, f.type) for f in spec.source_schema]),
    )
    out = PiiHasher("k").protect(spec, batch).to_pylist()[0]
    assert "numero_documento" not in out
    assert out["numero_documento_masked"] == "*****912"
    assert out["numero_documento_hash"] == PiiHasher("k").hash(Pii.DOCUMENT, "45678912")


def test_no_raw_email_phone_or_document_anywhere_in_the_lake(source_dbs, bank, lake, hasher):
    for spec in TABLES.values():
        loader = TableLoader(spec, source_dbs.sources.extractor(spec), lake, hasher, "run-pii")
        if spec.kind is Kind.EVENTS:
            loader.load_events(DAYS[0], DAYS[-1])
        else:
            loader.load_snapshot(DAYS[-1])
    secrets = {c["email"] for c in bank.clientes}
    secrets |= {c["telefono"] for c in bank.clientes if c["telefono"]}
    secrets |= {normalise(Pii.PHONE, c["telefono"]) for c in bank.clientes if c["telefono"]}
    secrets |= {d["numero_documento"] for d in bank.documentos}
    assert_lake_free_of(Path(lake.root), secrets)


def assert_lake_free_of(root: Path, secrets: set[str]) -> None:
    """Every file: Parquet decoded value by value, anything else as text."""
    scanned = 0
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        scanned += 1
        if path.suffix == ".parquet":
            text = json.dumps(pq.read_table(path).to_pylist(), default=str)
        else:
            text = path.read_bytes().decode("utf-8", "replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} holds {leaked[:3]}"
    assert scanned > 0


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text()), max_size=30),
    start=st.integers(min_value=0, max_value=5),
)
def test_phone_and_document_normalisation_equals_the_regular_expressions(values, start):
    column = pa.array(values, pa.string()).slice(min(start, len(values)))
    phone = pc.replace_substring_regex(column, pattern=r"\D+", replacement="")
    assert normalise_array(Pii.PHONE, column).equals(phone)
    upper = pc.utf8_upper(pc.utf8_trim_whitespace(column))
    document = pc.replace_substring_regex(upper, pattern=r"[\s\-]+", replacement="")
    assert normalise_array(Pii.DOCUMENT, column).equals(document)
