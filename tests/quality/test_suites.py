"""The GX suites on frames built by hand: every rule can fail, and says which one did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from ingestion.tables import get_table
from quality.suites import suite_for

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def transacciones(**overrides) -> pa.Table:
    spec = get_table("transacciones")
    row = {
        "transaccion_id": "01J0000000000000000000000A",
        "tipo": "DEPOSITO",
        "cuenta_origen_id": None,
        "cuenta_destino_id": 7,
        "monto": 1500,
        "moneda": "PEN",
        "descripcion": None,
        "estado": "COMPLETADA",
        "motivo": None,
        "fecha": NOW - timedelta(days=1),
        "metadata": None,
        "reversa_de": None,
        "created_at": NOW - timedelta(days=1),
        "updated_at": NOW - timedelta(days=1),
    }
    second = {**row, "transaccion_id": "01J0000000000000000000000B"}
    return pa.Table.from_pylist([{**row, **overrides}, second], schema=spec.lake_schema)


def validate(runner, table: pa.Table, expected_rows: int | None = 2):
    return runner.validate(
        get_table("transacciones"),
        table,
        expected_rows=expected_rows,
        run_id="unit",
        now=NOW,
        build_docs=False,
    )


def test_a_good_frame_passes_every_expectation(runner):
    outcome = validate(runner, transacciones())
    assert outcome.passed, outcome.failures
    assert outcome.stats["expectations"] > 30
    kinds = {r["expectation"] for r in outcome.details["results"]}
    assert {
        "expect_table_columns_to_match_ordered_list",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_table_row_count_to_equal",
    } <= kinds


@pytest.mark.parametrize(
    ("overrides", "expected_failure"),
    [
        ({"monto": -500}, "expect_column_values_to_be_between(monto)"),
        ({"monto": 0}, "expect_column_values_to_be_between(monto)"),
        ({"tipo": "CASHBACK"}, "expect_column_values_to_be_in_set(tipo)"),
        ({"estado": "completada"}, "expect_column_values_to_be_in_set(estado)"),
        ({"moneda": "GBP"}, "expect_column_values_to_be_in_set(moneda)"),
        ({"transaccion_id": "01J0000000000000000000000B"}, "expect_column_values_to_be_unique"),
        ({"fecha": NOW + timedelta(days=2)}, "expect_column_values_to_be_between(fecha)"),
        ({"tipo": None}, "expect_column_values_to_not_be_null(tipo)"),
    ],
)
def test_each_bad_value_fails_its_named_expectation(runner, overrides, expected_failure):
    outcome = validate(runner, transacciones(**overrides))
    assert not outcome.passed
    assert any(f.startswith(expected_failure) for f in outcome.failures), outcome.failures
    assert expected_failure in outcome.description


def test_row_count_must_equal_the_source(runner):
    outcome = validate(runner, transacciones(), expected_rows=3)
    assert [f for f in outcome.failures if "row_count_to_equal" in f]


def test_wrong_types_and_columns_fail(runner):
    table = transacciones().set_column(4, "monto", pa.array(["15.00", "1.00"], pa.string()))
    outcome = validate(runner, table)
    assert any("expect_column_values_to_be_of_type(monto)" in f for f in outcome.failures)
    assert any("arrow schema" in f for f in outcome.failures)


def test_journal_legs_must_be_signed_and_non_zero():
    rules = {
        (e.type, e.kwargs.get("column"))
        for e in suite_for(get_table("movimientos"), expected_rows=1)
    }
    assert ("ExpectColumnValuesToNotBeInSet", "monto") in rules
    assert ("ExpectCompoundColumnsToBeUnique", None) in rules
    assert ("ExpectColumnValuesToBeBetween", "saldo_resultante") in rules
