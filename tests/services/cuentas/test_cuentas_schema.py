"""The database enforces the money rules itself, and migrations are safe to run twice at once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pymysql
import pytest
from cuentas_support import Bank

from services.common.settings import REPO_ROOT
from services.cuentas.numbering import luhn_check_digit, luhn_valid, numero_cuenta


def test_two_migrations_at_once_both_succeed(cuentas_stack, sql):
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "services.cuentas.migrate"],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with sql.cursor() as cur:
        cur.execute("SELECT version_num FROM alembic_version")
        assert cur.fetchall() == (("0001",),)
        cur.execute("SELECT COUNT(*) FROM tipos_cuenta")
        assert cur.fetchone()[0] == 4


def expect_refused(sql, statement: str, params=()) -> int:
    with sql.cursor() as cur, pytest.raises(pymysql.MySQLError) as refused:
        cur.execute(statement, params)
    return refused.value.args[0]


def test_the_database_refuses_negative_balances_and_closing_with_money(bank: Bank, sql):
    cuenta_id = bank.open("5")["cuenta_id"]
    assert (
        expect_refused(sql, "UPDATE cuentas SET saldo = -0.01 WHERE cuenta_id = %s", (cuenta_id,))
        == 4025
    )
    assert (
        expect_refused(
            sql, "UPDATE cuentas SET estado = 'cerrada' WHERE cuenta_id = %s", (cuenta_id,)
        )
        == 4025
    )
    assert (
        expect_refused(sql, "UPDATE cuentas SET moneda = 'GBP' WHERE cuenta_id = %s", (cuenta_id,))
        == 4025
    )


def test_the_journal_is_append_only_and_unique_per_transaction_and_account(bank: Bank, sql):
    cuenta_id = bank.open("5")["cuenta_id"]
    assert (
        expect_refused(
            sql, "UPDATE movimientos SET monto = 1000 WHERE cuenta_id = %s", (cuenta_id,)
        )
        == 1644
    )
    duplicate = (
        "INSERT INTO movimientos (cuenta_id, transaccion_id, tipo, monto, saldo_resultante, moneda)"
        " VALUES (%s, %s, 'DEPOSITO', 1, 6, 'PEN')"
    )
    assert expect_refused(sql, duplicate, (cuenta_id, f"APERTURA-{cuenta_id}")) == 1062
    zero = duplicate.replace("'DEPOSITO', 1,", "'DEPOSITO', 0,")
    assert expect_refused(sql, zero, (cuenta_id, uuid.uuid4().hex[:20])) == 4025
    # an account with a journal cannot be deleted out from under it
    assert expect_refused(sql, "DELETE FROM cuentas WHERE cuenta_id = %s", (cuenta_id,)) == 1451


def test_timestamps_are_utc(bank: Bank, sql):
    cuenta = bank.open("1")
    with sql.cursor() as cur:
        cur.execute(
            "SELECT TIMESTAMPDIFF(SECOND, fecha_apertura, UTC_TIMESTAMP(6)) FROM cuentas "
            "WHERE cuenta_id = %s",
            (cuenta["cuenta_id"],),
        )
        assert 0 <= cur.fetchone()[0] < 60


@pytest.mark.parametrize("cuenta_id", [1, 42, 9_999_999_999])
def test_account_numbers_are_191_sequence_luhn(cuenta_id):
    numero = numero_cuenta(cuenta_id)
    assert len(numero) == 14 and numero.startswith("191") and luhn_valid(numero)
    assert int(numero[3:13]) == cuenta_id
    tampered = numero[:-1] + str((int(numero[-1]) + 1) % 10)
    assert not luhn_valid(tampered)


def test_luhn_reference_values():
    assert luhn_check_digit("7992739871") == 3  # the textbook example
    assert luhn_valid("4539578763621486")
    with pytest.raises(ValueError):
        numero_cuenta(10**10)
