"""Helpers of the transacciones tests: accounts opened straight in MariaDB, an API client,
and the auditor that checks the money invariants against the real stores."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pymongo
import pymysql

from services.common.auth import Role, issue_token
from services.common.settings import Settings
from services.transacciones.models import COLLECTION, legs

FINAL = ("COMPLETADA", "RECHAZADA")


def new_key() -> str:
    return uuid.uuid4().hex


def client(settings: Settings, base_url: str | None = None, role: Role = Role.CAJERO):
    return httpx.Client(
        base_url=base_url or settings.service_url(settings.transacciones_port),
        headers={"Authorization": f"Bearer {issue_token('tests', role, settings)}"},
        timeout=30,
    )


def post(api: httpx.Client, body: dict, key: str | None = None) -> httpx.Response:
    return api.post("/transacciones", json=body, headers={"Idempotency-Key": key or new_key()})


def transfer(origen: int, destino: int, monto: str, moneda: str = "PEN") -> dict:
    return {
        "tipo": "TRANSFERENCIA",
        "cuenta_origen_id": origen,
        "cuenta_destino_id": destino,
        "monto": monto,
        "moneda": moneda,
    }


def deposit(destino: int, monto: str, moneda: str = "PEN") -> dict:
    return {"tipo": "DEPOSITO", "cuenta_destino_id": destino, "monto": monto, "moneda": moneda}


def withdrawal(origen: int, monto: str, moneda: str = "PEN", tipo: str = "RETIRO") -> dict:
    return {"tipo": tipo, "cuenta_origen_id": origen, "monto": monto, "moneda": moneda}


class Ledger:
    """The cuentas database, read and seeded directly (the tests' view of the money)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()

    @contextlib.contextmanager
    def connect(self):
        """This thread's connection (autocommit), opened on first use and kept."""
        conn = getattr(self._local, "conn", None)
        if conn is None or not conn.open:
            s = self.settings
            conn = self._local.conn = pymysql.connect(
                host=s.host,
                port=s.port(s.mysql_port),
                user=s.mysql_user,
                password=s.mysql_password,
                database=s.mysql_database,
                autocommit=True,
            )
        yield conn

    def open_account(
        self, moneda: str = "PEN", saldo: str | Decimal = "0.00", estado: str = "activa"
    ) -> int:
        """An account as cuentas opens one: the opening balance is its APERTURA leg."""
        saldo = Decimal(saldo)
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO cuentas (cliente_id, tipo_cuenta_id, numero_cuenta, saldo, moneda,"
                " estado) VALUES (%s, 1, %s, %s, %s, %s)",
                (999_999, "T" + uuid.uuid4().hex[:19], saldo, moneda, estado),
            )
            cuenta_id = cur.lastrowid
            if saldo > 0:
                cur.execute(
                    "INSERT INTO movimientos (cuenta_id, transaccion_id, tipo, monto,"
                    " saldo_resultante, moneda) VALUES (%s, %s, 'APERTURA', %s, %s, %s)",
                    (cuenta_id, f"APERTURA-{cuenta_id}", saldo, saldo, moneda),
                )
        return cuenta_id

    def set_estado(self, cuenta_id: int, estado: str) -> None:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("UPDATE cuentas SET estado = %s WHERE cuenta_id = %s", (estado, cuenta_id))

    def balances(self, ids: Iterable[int]) -> dict[int, Decimal]:
        ids = list(ids)
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(
                f"SELECT cuenta_id, saldo FROM cuentas WHERE cuenta_id IN ({_marks(ids)})", ids
            )
            return dict(cur.fetchall())

    def currencies(self, ids: Iterable[int]) -> dict[int, str]:
        ids = list(ids)
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(
                f"SELECT cuenta_id, moneda FROM cuentas WHERE cuenta_id IN ({_marks(ids)})", ids
            )
            return dict(cur.fetchall())

    def journal(self, ids: Iterable[int]) -> list[tuple[int, str, str, Decimal]]:
        """Every leg of these accounts: (cuenta_id, transaccion_id, tipo, monto)."""
        ids = list(ids)
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT cuenta_id, transaccion_id, tipo, monto FROM movimientos"
                f" WHERE cuenta_id IN ({_marks(ids)}) ORDER BY movimiento_id",
                ids,
            )
            return list(cur.fetchall())

    def legs_of(self, transaccion_id: str) -> set[tuple[int, Decimal]]:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT cuenta_id, monto FROM movimientos WHERE transaccion_id = %s",
                (transaccion_id,),
            )
            return set(cur.fetchall())


def _marks(values: list) -> str:
    if not values:
        raise ValueError("no accounts given")
    return ", ".join(["%s"] * len(values))


def mongo_collection(settings: Settings):
    client = pymongo.MongoClient(settings.effective_mongo_url, tz_aware=True)
    return client[settings.mongo_database][COLLECTION]


@dataclass
class Audit:
    """What the auditor found; empty lists mean every invariant holds."""

    problems: list[str]
    completadas: int
    rechazadas: int
    pendientes: int


def audit(
    ledger: Ledger,
    col,
    cuenta_ids: Iterable[int],
    opening: dict[int, Decimal] | None = None,
    allow_pending: bool = False,
) -> Audit:
    """The money invariants over ``cuenta_ids`` and every transaction that touches them:

    - each balance equals the sum of its journal legs (the opening is the APERTURA leg), and
      is never negative;
    - per currency, the balances equal the opening balances plus every applied leg;
    - each COMPLETADA transaction has exactly its legs in the journal, each RECHAZADA none,
      and every journal leg (but APERTURA) belongs to a COMPLETADA transaction;
    - no PENDIENTE is left (unless ``allow_pending``).
    """
    ids = sorted(set(cuenta_ids))
    problems: list[str] = []
    balances = ledger.balances(ids)
    currency = ledger.currencies(ids)
    journal = ledger.journal(ids)
    per_account: dict[int, Decimal] = defaultdict(Decimal)
    by_tx: dict[str, set[tuple[int, Decimal]]] = defaultdict(set)
    for cuenta_id, tid, tipo, monto in journal:
        per_account[cuenta_id] += monto
        if tipo != "APERTURA":
            by_tx[tid].add((cuenta_id, monto))
    for cuenta_id in ids:
        if balances[cuenta_id] != per_account[cuenta_id]:
            problems.append(
                f"account {cuenta_id}: saldo {balances[cuenta_id]} != journal "
                f"{per_account[cuenta_id]}"
            )
        if balances[cuenta_id] < 0:
            problems.append(f"account {cuenta_id}: negative saldo {balances[cuenta_id]}")
    if opening is not None:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        expected: dict[str, Decimal] = defaultdict(Decimal)
        for cuenta_id in ids:
            totals[currency[cuenta_id]] += balances[cuenta_id]
            expected[currency[cuenta_id]] += opening[cuenta_id]
        for legs_ in by_tx.values():
            for cuenta_id, monto in legs_:
                expected[currency[cuenta_id]] += monto
        if totals != expected:
            problems.append(f"per-currency totals {dict(totals)} != expected {dict(expected)}")
    docs = transactions_of(col, ids)
    counts = defaultdict(int)
    known = set()
    for doc in docs:
        tid, estado = doc["transaccion_id"], doc["estado"]
        counts[estado] += 1
        known.add(tid)
        applied = by_tx.get(tid, set())
        wanted = {(leg["cuenta_id"], Decimal(leg["monto"])) for leg in legs(doc)}
        if estado == "COMPLETADA" and applied != wanted:
            problems.append(f"COMPLETADA {tid}: journal {applied} != legs {wanted}")
        if estado == "RECHAZADA" and applied:
            problems.append(f"RECHAZADA {tid} has journal legs {applied}")
        if estado == "PENDIENTE" and not allow_pending:
            problems.append(f"{tid} still PENDIENTE")
        if estado not in (*FINAL, "PENDIENTE"):
            problems.append(f"{tid}: unknown estado {estado}")
    for tid in by_tx:
        if tid not in known:
            problems.append(f"journal legs of {tid} belong to no transaction")
    return Audit(problems, counts["COMPLETADA"], counts["RECHAZADA"], counts["PENDIENTE"])


def transactions_of(col, cuenta_ids: list[int]) -> list[dict]:
    """Every transaction document with one of these accounts as origin or destination (two
    indexed queries: nx-27017 would evaluate an $or over the whole collection in Python)."""
    found: dict[str, dict] = {}
    for field in ("cuenta_origen_id", "cuenta_destino_id"):
        for doc in col.find({field: {"$in": cuenta_ids}}, {"_id": 0}):
            found[doc["transaccion_id"]] = doc
    return list(found.values())


def wait_settled(col, transaccion_ids: Iterable[str], timeout: float = 60.0) -> list[dict]:
    """Wait until none of these transactions is PENDIENTE; returns their documents."""
    ids = list(transaccion_ids)
    deadline = time.monotonic() + timeout
    while True:
        docs = list(col.find({"transaccion_id": {"$in": ids}}, {"_id": 0}))
        if all(d["estado"] in FINAL for d in docs) or time.monotonic() > deadline:
            return docs
        time.sleep(0.25)
