"""Extractors against the real databases: typed batches, exact money, windows, PK order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from ingestion.extract import Window
from ingestion.tables import TABLES, get_table

pytestmark = pytest.mark.usefixtures("bank")


def read(source_dbs, key: str, window: Window = Window(), batch_rows: int = 50_000) -> pa.Table:
    spec = get_table(key)
    with source_dbs.sources.extractor(spec) as extractor:
        batches = list(extractor.batches(spec, window, batch_rows))
    for batch in batches:
        assert batch.schema == spec.source_schema
    return pa.Table.from_batches(batches, schema=spec.source_schema)


@pytest.mark.parametrize("key", list(TABLES))
def test_every_table_extracts_in_its_declared_schema_and_key_order(source_dbs, bank, key):
    table = read(source_dbs, key, batch_rows=4)  # several chunks per table
    spec = get_table(key)
    expected = {
        "clientes.clientes": len(bank.clientes),
        "clientes.documentos_identidad": len(bank.documentos),
        "cuentas.tipos_cuenta": 4,
        "cuentas.cuentas": len(bank.cuentas),
        "cuentas.movimientos": len(bank.movimientos),
        "transacciones.transacciones": len(bank.transacciones),
    }[key]
    assert table.num_rows == expected
    keys = table.column(spec.primary_key).to_pylist()
    assert keys == sorted(keys)


def test_postgres_values_are_exact_and_utc(source_dbs, bank):
    rows = {r["cliente_id"]: r for r in read(source_dbs, "clientes").to_pylist()}
    for cliente in bank.clientes:
        row = rows[cliente["cliente_id"]]
        assert row["email"] == cliente["email"]
        assert row["telefono"] == cliente["telefono"]
        assert row["fecha_registro"] == cliente["fecha_registro"]
        assert row["fecha_registro"].tzinfo is not None
    docs = {r["documento_id"]: r for r in read(source_dbs, "documentos_identidad").to_pylist()}
    assert docs[1]["fecha_emision"] == bank.documentos[0]["fecha_emision"]


def test_mysql_money_is_exact_minor_units_and_text_survives_quotes(source_dbs, bank):
    tricky = 'Cuenta "premium",\ncon saltos de línea, comas y \\ barras'
    with source_dbs.mysql(source_dbs.mysql_database) as conn, conn.cursor() as cur:
        cur.execute("UPDATE tipos_cuenta SET descripcion = %s WHERE tipo_cuenta_id = 3", (tricky,))
        cur.execute("UPDATE tipos_cuenta SET descripcion = NULL WHERE tipo_cuenta_id = 4")
        cur.execute("UPDATE tipos_cuenta SET descripcion = '' WHERE tipo_cuenta_id = 2")
    rows = {r["movimiento_id"]: r for r in read(source_dbs, "movimientos").to_pylist()}
    for leg in bank.movimientos:
        row = rows[leg["movimiento_id"]]
        assert (row["monto"], row["saldo_resultante"]) == (leg["monto"], leg["saldo_resultante"])
        assert row["created_at"] == leg["created_at"]
    tipos = {r["tipo_cuenta_id"]: r for r in read(source_dbs, "tipos_cuenta").to_pylist()}
    assert tipos[3]["costo_mantenimiento"] == 1500
    assert str(tipos[4]["tasa_interes"]) == "3.00"
    assert tipos[4]["descripcion"] is None  # NULL and empty text stay distinct
    assert tipos[2]["descripcion"] == ""
    assert tipos[3]["descripcion"] == tricky  # quotes, commas, newlines inside the CSV text


def test_mongo_documents_become_typed_rows(source_dbs, bank):
    rows = {r["transaccion_id"]: r for r in read(source_dbs, "transacciones").to_pylist()}
    for trx in bank.transacciones:
        row = rows[trx["transaccion_id"]]
        assert row["monto"] == trx["monto"]
        assert row["fecha"] == trx["fecha"]
        assert row["descripcion"] == trx["descripcion"]  # tab inside
        assert row["metadata"] == '{"canal":"web","dispositivo":"android"}'


@pytest.mark.parametrize("key", ["movimientos", "transacciones"])
def test_business_date_window_is_half_open_utc_days(source_dbs, bank, key):
    spec = get_table(key)
    day = date(2025, 3, 2)
    table = read(source_dbs, key, Window(start=day, end=day))
    source_rows = bank.movimientos if key == "movimientos" else bank.transacciones
    expected = sum(1 for r in source_rows if r[spec.partition_by].date() == day)
    assert table.num_rows == expected > 0
    assert {v.date() for v in table.column(spec.partition_by).to_pylist()} == {day}


@pytest.mark.parametrize("key", list(TABLES))
def test_since_and_until_select_by_watermark(source_dbs, key):
    spec = get_table(key)
    everything = read(source_dbs, key)
    marks = sorted(everything.column(spec.watermark).to_pylist())
    middle = marks[len(marks) // 2]
    later = read(source_dbs, key, Window(since=middle))
    earlier = read(source_dbs, key, Window(until=middle))
    assert later.num_rows + earlier.num_rows == everything.num_rows
    assert all(v > middle for v in later.column(spec.watermark).to_pylist())
    assert read(source_dbs, key, Window(since=datetime.now(UTC) + timedelta(days=1))).num_rows == 0


@pytest.mark.parametrize("key", ["cuentas", "movimientos", "transacciones"])
def test_profile_counts_and_sums_money_per_currency(source_dbs, bank, key):
    spec = get_table(key)
    with source_dbs.sources.extractor(spec) as extractor:
        profile = extractor.profile(spec, Window())
    source_rows = {"cuentas": bank.cuentas, "movimientos": bank.movimientos}.get(
        key, bank.transacciones
    )
    assert profile.rows == len(source_rows)
    money = spec.money_columns[0]
    expected: dict[str, int] = {}
    for row in source_rows:
        expected[row["moneda"]] = expected.get(row["moneda"], 0) + row[money]
    assert profile.sums[money] == expected


def test_postgres_streams_batches_of_bounded_size_with_exact_instants(source_dbs, bank):
    instant = datetime(2025, 3, 1, 23, 59, 59, 999_999, tzinfo=UTC)
    with source_dbs.sources.extractor(get_table("clientes")) as extractor:
        extractor.execute(
            "UPDATE clientes SET fecha_registro = %s WHERE cliente_id = 2", (instant,)
        )
    spec = get_table("clientes")
    with source_dbs.sources.extractor(spec) as extractor:
        batches = list(extractor.batches(spec, Window(), batch_rows=4))
    assert len(batches) > 1  # streamed a few rows at a time, not fetched whole
    assert all(batch.num_rows <= 8 for batch in batches)
    rows = {r["cliente_id"]: r for r in pa.Table.from_batches(batches).to_pylist()}
    assert sorted(rows) == sorted(c["cliente_id"] for c in bank.clientes)
    assert rows[2]["fecha_registro"] == instant  # to the microsecond, in UTC


def test_mysql_instants_keep_microseconds_and_money_every_digit(source_dbs, bank):
    cuenta = bank.cuentas[0]["cuenta_id"]
    instant = datetime(2025, 3, 1, 23, 59, 59, 999_999, tzinfo=UTC)
    with source_dbs.mysql(source_dbs.mysql_database) as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE cuentas SET fecha_apertura = %s, saldo = 9876543210987.65 WHERE cuenta_id = %s",
            (instant.replace(tzinfo=None), cuenta),
        )
    rows = {r["cuenta_id"]: r for r in read(source_dbs, "cuentas").to_pylist()}
    assert rows[cuenta]["fecha_apertura"] == instant
    assert rows[cuenta]["saldo"] == 987654321098765  # every digit of a DECIMAL(15,2)
