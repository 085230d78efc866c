"""The seed loaded into the real databases: exact round trip, nothing rejected, the money
invariants checked by the stores themselves, --reset and the refusal without it."""

from __future__ import annotations

import copy
import hashlib
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import bson
import httpx
import pytest
import redis
from bson.raw_bson import RawBSONDocument
from click.testing import CliRunner
from seed_testdata import AS_OF, REPO_ROOT, SMALL

from infra.local.cli import main
from seed.command import SeedRefused, run
from seed.config import DEFAULT_SEED, SeedConfig
from seed.dataset import Dataset
from seed.load import LoadError
from seed.load import mariadb as mariadb_loader
from seed.load import mongo as mongo_loader
from seed.load import postgres as postgres_loader
from services.common.auth import Role, issue_token
from services.common.money import from_minor
from services.common.settings import Settings
from services.transacciones.db import INDEXES

# Whether the stores hold exactly SMALL; tests that change them clear it.
_state = {"small": False}


def seed_small(settings: Settings, **options) -> list:
    _state["small"] = False
    stats = run(
        settings,
        SMALL,
        reset=True,
        start=False,
        show_progress=False,
        echo=lambda _: None,
        **options,
    )
    _state["small"] = True
    return stats


@pytest.fixture
def seeded(stores: Settings) -> Settings:
    """The stores holding SMALL (seeded once, again only after a test changed them)."""
    if not _state["small"]:
        seed_small(stores)
    return stores


@pytest.fixture
def changes_stores():
    """For tests that leave the stores holding something else than SMALL."""
    _state["small"] = False
    yield


# --- dumps ----------------------------------------------------------------------------------
def pg_rows(settings: Settings, table: str, columns: tuple[str, ...], order: str) -> list:
    with postgres_loader.connect(settings) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()


def my_rows(settings: Settings, table: str, columns: tuple[str, ...], order: str) -> list:
    with mariadb_loader.connect(settings) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        return list(cur.fetchall())


def mongo_raw(settings: Settings) -> list[bytes]:
    """Every transaction document's BSON bytes, by _id."""
    with mongo_loader.connect(settings) as client:
        coll = mongo_loader.collection(client, settings).with_options(
            codec_options=client.codec_options.with_options(document_class=RawBSONDocument)
        )
        return [doc.raw for doc in coll.find({}, sort=[("_id", 1)])]


def naive(values: tuple) -> tuple:
    """A generated row as MariaDB returns it (TIMESTAMP as naive UTC)."""
    return tuple(v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v for v in values)


def store_digest(settings: Settings) -> str:
    h = hashlib.sha256()
    for table, order in (("clientes", "cliente_id"), ("documentos_identidad", "documento_id")):
        rows = pg_rows(settings, table, ("*",), order)
        h.update(repr(rows).encode())
    for table, order in (("cuentas", "cuenta_id"), ("movimientos", "movimiento_id")):
        h.update(repr(my_rows(settings, table, ("*",), order)).encode())
    for raw in mongo_raw(settings):
        h.update(raw)
    return h.hexdigest()


# --- round trip -----------------------------------------------------------------------------
def test_the_stores_hold_exactly_the_generated_rows(seeded: Settings, small: Dataset):
    from seed.model import Cliente, Cuenta, Documento, Movimiento

    assert pg_rows(seeded, "clientes", Cliente.columns, "cliente_id") == [
        r.values() for r in small.clientes
    ]
    assert pg_rows(seeded, "documentos_identidad", Documento.columns, "documento_id") == [
        r.values() for r in small.documentos
    ]
    assert my_rows(seeded, "cuentas", Cuenta.columns, "cuenta_id") == [
        naive(r.values()) for r in small.cuentas
    ]
    assert my_rows(seeded, "movimientos", Movimiento.columns, "movimiento_id") == [
        naive(r.values()) for r in small.movimientos
    ]
    with mongo_loader.connect(seeded) as client:
        docs = list(mongo_loader.collection(client, seeded).find({}, sort=[("_id", 1)]))
    expected = sorted((t.document() for t in small.transacciones), key=lambda d: d["_id"])
    assert docs == expected


def test_money_is_written_as_int64_and_dates_as_utc_datetimes(seeded: Settings, small):
    # the type byte precedes each element's name: 0x12 int64, 0x09 UTC datetime
    for t in small.transacciones:
        sent = bson.encode(t.document())
        assert b"\x12monto\x00" in sent and b"\x09fecha\x00" in sent
    stored = [RawBSONDocument(raw) for raw in mongo_raw(seeded)]
    assert len(stored) == SMALL.n_transacciones
    by_id = {t.transaccion_id: t for t in small.transacciones}
    for doc in stored:
        assert b"\x09fecha\x00" in doc.raw
        # a real mongod keeps int64; nx-27017 hands back an int64 that fits in 32 bits as an
        # int32. Either way readers get the exact integer of céntimos.
        assert b"\x12monto\x00" in doc.raw or b"\x10monto\x00" in doc.raw
        assert doc["monto"] == by_id[doc["transaccion_id"]].monto


def test_reloading_is_byte_identical_and_another_seed_is_not(seeded: Settings):
    first = store_digest(seeded)
    seed_small(seeded)
    assert store_digest(seeded) == first
    _state["small"] = False
    run(
        seeded,
        SeedConfig(as_of=AS_OF, scale=SMALL.scale, seed=SMALL.seed + 1),
        reset=True,
        start=False,
        show_progress=False,
        echo=lambda _: None,
    )
    assert store_digest(seeded) != first


def test_mariadb_insert_path_loads_the_same_rows(seeded: Settings, small: Dataset):
    before = store_digest(seeded)
    with mariadb_loader.connect(seeded) as conn:
        mariadb_loader.reset(conn)
        stats = mariadb_loader.load(conn, small, show_progress=False, method="insert")
    assert [(s.table, s.rows) for s in stats] == [
        ("cuentas", len(small.cuentas)),
        ("movimientos", len(small.movimientos)),
    ]
    assert store_digest(seeded) == before


# --- identities -----------------------------------------------------------------------------
def test_identities_continue_after_the_seeded_ids(seeded: Settings, small: Dataset):
    with postgres_loader.connect(seeded) as conn, conn.transaction(force_rollback=True):
        new_id = conn.execute(
            "INSERT INTO clientes (nombre, apellido, email) "
            "VALUES ('Ana', 'Quispe Mamani', 'nueva.clienta@gmail.com') RETURNING cliente_id"
        ).fetchone()[0]
        assert new_id == len(small.clientes) + 1
        doc_id = conn.execute(
            "INSERT INTO documentos_identidad (cliente_id, tipo_documento, numero_documento) "
            "VALUES (%s, 'DNI', '00000001') RETURNING documento_id",
            (new_id,),
        ).fetchone()[0]
        assert doc_id == len(small.documentos) + 1
    with mariadb_loader.connect(seeded) as conn, conn.cursor() as cur:
        conn.begin()
        try:
            cur.execute(
                "INSERT INTO cuentas (cliente_id, tipo_cuenta_id, numero_cuenta, moneda, "
                "fecha_apertura) VALUES (1, 1, 'x-test', 'PEN', '2025-06-01')"
            )
            assert cur.lastrowid == len(small.cuentas) + 1
        finally:
            conn.rollback()


# --- invariants, checked by the stores ------------------------------------------------------
def my_scalar(settings: Settings, query: str):
    with mariadb_loader.connect(settings) as conn, conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchone()[0]


def test_journal_invariants_hold_in_mariadb(seeded: Settings):
    checks = {
        "saldo = sum of the journal": """
            SELECT count(*) FROM cuentas c LEFT JOIN
                (SELECT cuenta_id, SUM(monto) AS s FROM movimientos GROUP BY cuenta_id) m
                ON m.cuenta_id = c.cuenta_id
            WHERE c.saldo <> COALESCE(m.s, 0)""",
        "running balance": """
            SELECT count(*) FROM (
                SELECT saldo_resultante,
                       SUM(monto) OVER (PARTITION BY cuenta_id ORDER BY movimiento_id) AS r
                FROM movimientos) x
            WHERE x.r <> x.saldo_resultante""",
        "negative balance after a leg": "SELECT count(*) FROM movimientos WHERE saldo_resultante < 0",
        "not one APERTURA per account": """
            SELECT count(*) FROM cuentas c WHERE (SELECT count(*) FROM movimientos m
                WHERE m.cuenta_id = c.cuenta_id AND m.tipo = 'APERTURA') <> 1""",
        "leg in another currency": """
            SELECT count(*) FROM movimientos m JOIN cuentas c ON c.cuenta_id = m.cuenta_id
            WHERE m.moneda <> c.moneda""",
        "unbalanced transfer": """
            SELECT count(*) FROM (SELECT transaccion_id FROM movimientos
                WHERE tipo = 'TRANSFERENCIA' GROUP BY transaccion_id
                HAVING SUM(monto) <> 0 OR count(*) <> 2 OR count(DISTINCT moneda) <> 1
                    OR count(DISTINCT cuenta_id) <> 2) t""",
        "closed account with money": "SELECT count(*) FROM cuentas WHERE estado = 'cerrada' AND saldo <> 0",
        "unknown account type": """
            SELECT count(*) FROM cuentas c LEFT JOIN tipos_cuenta t
                ON t.tipo_cuenta_id = c.tipo_cuenta_id WHERE t.tipo_cuenta_id IS NULL""",
    }
    failing = {name: n for name, q in checks.items() if (n := my_scalar(seeded, q))}
    assert failing == {}


def test_every_client_has_a_document_and_every_account_a_client(seeded: Settings):
    with postgres_loader.connect(seeded) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM clientes c WHERE NOT EXISTS "
            "(SELECT 1 FROM documentos_identidad d WHERE d.cliente_id = c.cliente_id)"
        ).fetchone()[0]
        clientes = {
            row[0]: row[1] for row in conn.execute("SELECT cliente_id, estado FROM clientes")
        }
    assert orphans == 0
    for cliente_id, estado in my_rows(seeded, "cuentas", ("cliente_id", "estado"), "cuenta_id"):
        assert cliente_id in clientes
        if clientes[cliente_id] != "activo":
            assert estado in ("bloqueada", "cerrada")


def test_completed_transactions_have_exactly_their_legs_across_stores(seeded: Settings):
    legs = defaultdict(list)
    for transaccion_id, cuenta_id, monto, tipo in my_rows(
        seeded, "movimientos", ("transaccion_id", "cuenta_id", "monto", "tipo"), "movimiento_id"
    ):
        if tipo != "APERTURA":
            legs[transaccion_id].append((cuenta_id, monto, tipo))
    moneda = dict(my_rows(seeded, "cuentas", ("cuenta_id", "moneda"), "cuenta_id"))
    with mongo_loader.connect(seeded) as client:
        docs = list(mongo_loader.collection(client, seeded).find({}))
    assert {d["transaccion_id"] for d in docs} >= set(legs)
    seen = defaultdict(int)
    for d in docs:
        seen[d["estado"]] += 1
        monto = Decimal(d["monto"]).scaleb(-2)
        got = legs.get(d["transaccion_id"], [])
        if d["estado"] == "RECHAZADA":
            assert got == [] and d["motivo"]
            continue
        assert d["estado"] == "COMPLETADA"
        expected = {
            "DEPOSITO": [(d["cuenta_destino_id"], monto)],
            "RETIRO": [(d["cuenta_origen_id"], -monto)],
            "PAGO_SERVICIO": [(d["cuenta_origen_id"], -monto)],
            "TRANSFERENCIA": [(d["cuenta_origen_id"], -monto), (d["cuenta_destino_id"], monto)],
        }[d["tipo"]]
        assert [(c, m) for c, m, _ in got] == expected
        assert all(tipo == d["tipo"] for *_, tipo in got)
        assert all(moneda[c] == d["moneda"] for c, _ in expected)
    assert seen["RECHAZADA"] > 0 and seen["COMPLETADA"] > 0


def test_transaction_indexes_are_the_services_and_built_after_the_load(seeded: Settings):
    with mongo_loader.connect(seeded) as client:
        info = mongo_loader.collection(client, seeded).index_information()
    # nx-27017 names indexes itself and reports every key as ascending: compare fields only
    built = {tuple(k for k, _ in spec["key"]): bool(spec.get("unique")) for spec in info.values()}
    wanted = {tuple(model.document["key"]): bool(model.document.get("unique")) for model in INDEXES}
    assert ("transaccion_id",) in wanted and ("idempotency_key",) in wanted
    assert wanted.items() <= built.items()


# --- the services on the seeded stores ------------------------------------------------------
def test_the_services_serve_the_seeded_data(seeded: Settings, services: Settings, small: Dataset):
    s = seeded
    token = issue_token("seed-tests", Role.ADMIN)
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        # clientes: every page (each e-mail goes through the response model: no 500s)
        clientes = s.service_url(s.clientes_port)
        for offset in range(0, len(small.clientes), 200):
            page = http.get(f"{clientes}/clientes", params={"limit": 200, "offset": offset})
            assert page.status_code == 200, page.text
        for c in small.clientes[::97]:
            assert http.get(f"{clientes}/clientes/{c.cliente_id}").json()["email"] == c.email
        d = small.documentos[7]
        found = http.get(f"{clientes}/clientes/documento/{d.numero_documento}")
        assert found.status_code == 200 and found.json()["cliente_id"] == d.cliente_id

        # cuentas, through HAProxy
        cuentas = s.service_url(s.cuentas_port)
        for c in small.cuentas[::97]:
            body = http.get(f"{cuentas}/cuentas/{c.cuenta_id}").json()
            assert Decimal(body["saldo"]) == c.saldo and body["numero_cuenta"] == c.numero_cuenta
        journal = http.get(f"{cuentas}/cuentas/{small.cuentas[0].cuenta_id}/movimientos")
        assert journal.status_code == 200, journal.text

        # transacciones: readable, and the seeded request sent again is a replay
        transacciones = s.service_url(s.transacciones_port)
        for t in small.transacciones[::97]:
            got = http.get(f"{transacciones}/transacciones/{t.transaccion_id}")
            assert got.status_code == 200 and got.json()["estado"] == t.estado
        t = next(t for t in reversed(small.transacciones) if t.tipo == "TRANSFERENCIA")
        request = {
            "tipo": t.tipo,
            "cuenta_origen_id": t.cuenta_origen_id,
            "cuenta_destino_id": t.cuenta_destino_id,
            "monto": str(from_minor(t.monto)),
            "moneda": t.moneda,
            "descripcion": t.descripcion,
            "metadata": t.metadata,
        }
        replay = http.post(
            f"{transacciones}/transacciones",
            json=request,
            headers={"Idempotency-Key": t.idempotency_key},
        )
        assert replay.status_code == 201, replay.text
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["transaccion_id"] == t.transaccion_id

        # perfil360: one call over the three services
        owner = small.cuentas[-1].cliente_id
        perfil = http.get(f"{s.service_url(s.perfil360_port)}/api/clientes/{owner}/perfil-completo")
        assert perfil.status_code == 200 and perfil.json()["parcial"] is False, perfil.text
    # the replay moved no money
    assert my_rows(s, "cuentas", ("saldo",), "cuenta_id") == [(c.saldo,) for c in small.cuentas]


# --- refusing, resetting, failing cleanly ---------------------------------------------------
def test_refuses_to_load_twice_without_reset(seeded: Settings):
    before = store_digest(seeded)
    with pytest.raises(SeedRefused, match="--reset"):
        run(seeded, SMALL, start=False, show_progress=False, echo=lambda _: None)
    assert store_digest(seeded) == before


def test_refuses_when_any_store_holds_data(seeded: Settings, changes_stores):
    with postgres_loader.connect(seeded) as conn:
        postgres_loader.reset(conn)
    with mariadb_loader.connect(seeded) as conn:
        mariadb_loader.reset(conn)
    with pytest.raises(SeedRefused, match=r"transacciones \(MongoDB\)") as refused:
        run(seeded, SMALL, start=False, show_progress=False, echo=lambda _: None)
    assert "clientes" not in str(refused.value)


def test_cli_refuses_with_exit_1_skips_if_empty_and_reseeds_with_reset(seeded: Settings):
    runner = CliRunner()
    args = ["seed", "--scale", str(SMALL.scale), "--seed", str(SMALL.seed)]
    args += ["--as-of", AS_OF.isoformat()]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert "already hold data" in refused.output and "--reset" in refused.output
    before = store_digest(seeded)
    skipped = runner.invoke(main, [*args, "--if-empty"])
    assert skipped.exit_code == 0 and "nothing loaded" in skipped.output
    assert runner.invoke(main, [*args, "--if-empty", "--reset"]).exit_code == 2
    assert store_digest(seeded) == before
    _state["small"] = False
    done = runner.invoke(main, [*args, "--reset"])
    assert done.exit_code == 0, done.output
    _state["small"] = True
    for table in ("clientes", "documentos_identidad", "cuentas", "movimientos", "transacciones"):
        assert table in done.output
    assert "rows/s".upper() in done.output.upper()
    assert store_digest(seeded) == before


def test_reset_empties_seeded_tables_but_keeps_tipos_cuenta(seeded: Settings, changes_stores):
    with mariadb_loader.connect(seeded) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO idempotencia (`key`, fingerprint, status_code, body) "
            "VALUES ('k-test', REPEAT('0', 64), 200, '{}')"
        )
    cache = redis.Redis.from_url(seeded.redis_url)
    cache.set("perfil360:cliente:1", "stale profile")
    cache.hset("perfil360:cuentas", "1", "1")  # account 1 belonged to client 1
    cache.set("someone-else:key", "kept")
    smaller = SeedConfig(as_of=AS_OF, scale=0.01, seed=5)
    run(seeded, smaller, reset=True, start=False, show_progress=False, echo=lambda _: None)
    # perfil360's cache described the old data: gone; other keys stay
    assert cache.keys("perfil360:*") == [] and cache.get("someone-else:key") == b"kept"
    cache.delete("someone-else:key")
    cache.close()
    assert my_scalar(seeded, "SELECT count(*) FROM tipos_cuenta") == 4
    assert my_scalar(seeded, "SELECT count(*) FROM idempotencia") == 0
    assert my_scalar(seeded, "SELECT count(*) FROM cuentas") == smaller.n_cuentas
    with postgres_loader.connect(seeded) as conn:
        assert conn.execute("SELECT count(*) FROM clientes").fetchone()[0] == smaller.n_clientes
    assert len(mongo_raw(seeded)) == smaller.n_transacciones


def test_rejected_rows_abort_the_load_and_leave_nothing(stores: Settings, small, changes_stores):
    bad = copy.deepcopy(small)
    bad.cuentas[-1].saldo = Decimal("-1.00")  # CHECK saldo >= 0
    bad.clientes[-1].email = bad.clientes[0].email.upper()  # unique lower(email)
    with mariadb_loader.connect(stores) as conn:
        mariadb_loader.reset(conn)
        for method in ("load-data", "insert"):
            with pytest.raises(LoadError, match="MariaDB"):
                mariadb_loader.load(conn, bad, show_progress=False, method=method)
            assert mariadb_loader.existing_rows(conn) == 0
    with postgres_loader.connect(stores) as conn:
        postgres_loader.reset(conn)
        with pytest.raises(LoadError, match="PostgreSQL"):
            postgres_loader.load(conn, bad, show_progress=False)
        assert postgres_loader.existing_rows(conn) == 0


def test_cli_default_seed_is_the_generators():
    seed_option = next(p for p in main.commands["seed"].params if p.name == "seed_value")
    assert seed_option.default == DEFAULT_SEED


def test_cli_help_does_not_import_the_generator():
    probe = (
        "import sys; from click.testing import CliRunner; from infra.local.cli import main; "
        "r = CliRunner().invoke(main, ['seed', '--help']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m == 'seed' or m.startswith('seed.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
