"""The clientes schema itself: migrations (idempotent, concurrent, reversible), the database's
own constraints, and that the service's queries use the indexes meant for them."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg import errors, sql

from services.clientes import queries
from services.common.settings import REPO_ROOT


def _migrate(settings, *args: str, database: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if database:
        env["CLOUDBANK_PG_DATABASE"] = database
    return subprocess.run(
        [sys.executable, "-m", "services.clientes.migrate", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrating_again_changes_nothing(settings, db):
    result = _migrate(settings)
    assert result.returncode == 0, result.stderr
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]


@pytest.fixture
def scratch_database(settings, db):
    """A new, empty database owned by the application user."""
    name = f"clientes_scratch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_concurrent_migrations_of_an_empty_database_both_succeed(settings, scratch_database):
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: _migrate(settings, database=scratch_database), range(2)))
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-800:] for r in results]
    dsn = settings.postgres_dsn.rsplit("/", 1)[0] + f"/{scratch_database}"
    with psycopg.connect(dsn) as conn:
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        # pg_trgm is trusted: the owner of the database can create it without a superuser
        extensions = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
    assert {"clientes", "documentos_identidad", "alembic_version"} <= tables
    assert "pg_trgm" in extensions


def test_migration_downgrades_and_upgrades_again(settings, scratch_database):
    for args in ((), ("base",), ()):
        result = _migrate(settings, *args, database=scratch_database)
        assert result.returncode == 0, result.stderr[-800:]


# --- constraints the database enforces on its own (for any writer: API, seed, operator) ----
def _insert_cliente(db, **overrides) -> int:
    row = {"nombre": "Ana", "apellido": "Ruiz", "email": f"{uuid.uuid4().hex}@example.com"}
    row.update(overrides)
    columns = sql.SQL(", ").join(map(sql.Identifier, row))
    values = sql.SQL(", ").join(sql.Placeholder() * len(row))
    query = sql.SQL("INSERT INTO clientes ({}) VALUES ({}) RETURNING cliente_id").format(
        columns, values
    )
    return db.execute(query, list(row.values())).fetchone()[0]


def _insert_documento(db, cliente_id: int, tipo: str, numero: str, emision=None, vence=None):
    db.execute(
        "INSERT INTO documentos_identidad (cliente_id, tipo_documento, numero_documento, "
        "fecha_emision, fecha_vencimiento) VALUES (%s, %s, %s, %s, %s)",
        (cliente_id, tipo, numero, emision, vence),
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"estado": "suspendido"},
        {"estado": None},
        {"nombre": ""},
        {"nombre": " Ana"},
        {"apellido": "x" * 101},
        {"email": "no-at-sign"},
        {"email": "ñ@example.com"},
        {"email": "a b@example.com"},
        {"telefono": "abc"},
    ],
)
def test_client_checks(db, clean, overrides):
    with pytest.raises(
        (errors.CheckViolation, errors.NotNullViolation, errors.StringDataRightTruncation)
    ):
        _insert_cliente(db, **overrides)


def test_email_is_unique_regardless_of_case(db, clean):
    _insert_cliente(db, email="Ana@Example.com")
    with pytest.raises(errors.UniqueViolation):
        _insert_cliente(db, email="ana@example.COM")


@pytest.mark.parametrize(
    ("tipo", "numero", "emision", "vence"),
    [
        ("Licencia", "12345678", None, None),
        ("DNI", "1234567", None, None),
        ("RUC", "30123456789", None, None),
        ("Pasaporte", "ab12345", None, None),
        ("Carnet Extranjeria", "12345678", None, None),
        ("DNI", "12345678", "2020-01-01", "2020-01-01"),
    ],
)
def test_document_checks(db, clean, tipo, numero, emision, vence):
    cliente_id = _insert_cliente(db)
    with pytest.raises(errors.CheckViolation):
        _insert_documento(db, cliente_id, tipo, numero, emision, vence)


def test_clients_with_documents_cannot_be_deleted(db, clean):
    cliente_id = _insert_cliente(db)
    _insert_documento(db, cliente_id, "DNI", "12345678")
    with pytest.raises(errors.ForeignKeyViolation):
        db.execute("DELETE FROM clientes WHERE cliente_id = %s", (cliente_id,))


def test_document_numbers_are_unique(db, clean):
    a, b = _insert_cliente(db), _insert_cliente(db)
    _insert_documento(db, a, "DNI", "12345678")
    with pytest.raises(errors.UniqueViolation):
        _insert_documento(db, b, "DNI", "12345678")


# --- the service's queries use their indexes -------------------------------------------
def _plan(db, query: str, params) -> str:
    with db.transaction():
        db.execute("SET LOCAL enable_seqscan = off")
        rows = db.execute(f"EXPLAIN {query}", params).fetchall()
    return "\n".join(r[0] for r in rows)


def test_text_search_uses_the_trigram_index(db, clean):
    where = queries._FILTERS["q"]
    plan = _plan(
        db,
        f"SELECT count(*) FROM clientes c WHERE {where}",
        {"pattern": "%quispe%", "numero": "QUISPE"},
    )
    assert "ix_clientes_busqueda_trgm" in plan
    assert "uq_documentos_identidad_numero_documento" in plan


def test_email_lookup_uses_the_case_insensitive_index(db, clean):
    assert "uq_clientes_email_lower" in _plan(db, queries.BY_EMAIL, ("a@example.com",))
