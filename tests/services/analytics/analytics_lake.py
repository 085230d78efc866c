"""A small, hand-checkable bank written to a lake exactly as the pipeline writes it.

Through the lake's own writer (``ingestion.lake``: Hive-partitioned zstd Parquet with
manifests, in the lake schema of ``ingestion.tables``: money in céntimos, UTC timestamps, PII
as ``_hash``/``_masked``) and registered in the local catalog (``ingestion.catalog``: views
``raw.<table>``), which is what dbt reads. Dimensions get two daily snapshots (the older one
differs, so staging must pick the latest); events are partitioned by business day.

The ledger is played like the services do: an opening leg per funded account, teller
operations (``IDEM-…`` legs, no transaction document), transactions whose legs are journaled
only when COMPLETADA. The invariants hold by construction; ``Bank.expected_*`` compute the
KPIs from the same Python objects, independently of the SQL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa

from ingestion.catalog import LocalCatalog
from ingestion.lake import Lake
from ingestion.tables import TABLES
from services.common.money import from_minor

AS_OF = date(2025, 3, 15)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Cliente:
    cliente_id: int
    estado: str
    fecha_registro: datetime


@dataclass
class Cuenta:
    cuenta_id: int
    cliente_id: int
    tipo_cuenta_id: int
    moneda: str
    fecha_apertura: datetime
    estado: str = "activa"
    saldo: int = 0  # céntimos
    version: int = 0
    updated_at: datetime | None = None

    @property
    def numero_cuenta(self) -> str:
        return f"191{self.cuenta_id:010d}7"


@dataclass
class Movimiento:
    movimiento_id: int
    cuenta_id: int
    transaccion_id: str
    tipo: str
    monto: int
    saldo_resultante: int
    moneda: str
    created_at: datetime


@dataclass
class Transaccion:
    transaccion_id: str
    tipo: str
    monto: int
    moneda: str
    estado: str
    fecha: datetime
    cuenta_origen_id: int | None = None
    cuenta_destino_id: int | None = None
    motivo: str | None = None
    reversa_de: str | None = None
    updated_at: datetime | None = None


TIPOS_CUENTA = [
    (1, "Cuenta Sueldo", "Cuenta para el abono de haberes", 0, "0.00"),
    (2, "Cuenta Free", "Cuenta sin costo de mantenimiento", 0, "0.50"),
    (3, "Cuenta Premium", "Cuenta con beneficios exclusivos", 1500, "1.50"),
    (4, "Cuenta Ahorro", "Cuenta de ahorro con intereses", 500, "3.00"),
]


@dataclass
class Bank:
    as_of: date = AS_OF
    clientes: dict[int, Cliente] = field(default_factory=dict)
    cuentas: dict[int, Cuenta] = field(default_factory=dict)
    movimientos: list[Movimiento] = field(default_factory=list)
    transacciones: list[Transaccion] = field(default_factory=list)
    _tx_seq: int = 0

    # --- playing the ledger -------------------------------------------------------------
    def cliente(self, cliente_id: int, estado: str, registered: date) -> None:
        self.clientes[cliente_id] = Cliente(cliente_id, estado, at(registered, 9))

    def abrir(
        self, cuenta_id: int, cliente_id: int, tipo: int, moneda: str, opened: datetime, saldo=0
    ) -> None:
        cuenta = Cuenta(cuenta_id, cliente_id, tipo, moneda, opened, updated_at=opened)
        self.cuentas[cuenta_id] = cuenta
        if saldo:
            self._leg(cuenta, f"APERTURA-{cuenta_id}", "APERTURA", saldo, opened)

    def _leg(self, cuenta: Cuenta, tx_id: str, tipo: str, monto: int, when: datetime) -> None:
        assert cuenta.estado == "activa", cuenta
        cuenta.saldo += monto
        assert cuenta.saldo >= 0, cuenta
        cuenta.version += 1
        cuenta.updated_at = when
        self.movimientos.append(
            Movimiento(
                len(self.movimientos) + 1,
                cuenta.cuenta_id,
                tx_id,
                tipo,
                monto,
                cuenta.saldo,
                cuenta.moneda,
                when,
            )
        )

    def ventanilla(self, cuenta_id: int, monto: int, when: datetime) -> None:
        """A teller deposit (monto > 0) or withdrawal: a journal leg without a transaction."""
        tipo = "DEPOSITO" if monto > 0 else "RETIRO"
        key = _hash(f"teller-{len(self.movimientos)}")[:35]
        self._leg(self.cuentas[cuenta_id], f"IDEM-{key}", tipo, monto, when)

    def tx(
        self,
        tipo: str,
        monto: int,
        when: datetime,
        *,
        origen: int | None = None,
        destino: int | None = None,
        estado: str = "COMPLETADA",
        reversa_de: str | None = None,
        moneda: str | None = None,
    ) -> str:
        self._tx_seq += 1
        tx_id = f"01JTX{self._tx_seq:021d}"
        moneda = moneda or self.cuentas[origen or destino].moneda
        motivo = "Saldo insuficiente" if estado == "RECHAZADA" else None
        self.transacciones.append(
            Transaccion(
                tx_id, tipo, monto, moneda, estado, when, origen, destino, motivo, reversa_de, when
            )
        )
        if estado == "COMPLETADA":
            if origen is not None:
                self._leg(self.cuentas[origen], tx_id, tipo, -monto, when)
            if destino is not None:
                self._leg(self.cuentas[destino], tx_id, tipo, monto, when)
        return tx_id

    def set_estado(self, cuenta_id: int, estado: str, when: datetime) -> None:
        cuenta = self.cuentas[cuenta_id]
        cuenta.estado, cuenta.updated_at = estado, when

    # --- writing the lake ---------------------------------------------------------------
    def write(self, lake_root: Path, catalog: Path, *, previous_snapshot: bool = True) -> None:
        """The lake under ``lake_root`` and its catalog file ``catalog``."""
        lake = Lake(Path(lake_root).as_uri())
        latest = self.as_of
        snapshots = {latest: self._dimension_rows(latest)}
        if previous_snapshot:  # a day older, and different: staging must not read it
            older = latest - timedelta(days=1)
            snapshots[older] = self._dimension_rows(older, stale=True)
        for dt, tables in snapshots.items():
            for key, rows in tables.items():
                _write(lake, key, dt, rows)
        for key, rows, day_of in (
            ("cuentas.movimientos", self._movimiento_rows(), "created_at"),
            ("transacciones.transacciones", self._transaccion_rows(), "fecha"),
        ):
            by_day: dict[date, list[dict]] = {}
            for row in rows:
                by_day.setdefault(row[day_of].date(), []).append(row)
            for dt, day_rows in by_day.items():
                _write(lake, key, dt, day_rows)
        register(lake, catalog)

    def _dimension_rows(self, dt: date, stale: bool = False) -> dict[str, list[dict]]:
        snapshot_at = at(dt, 23, 59)
        clientes = [
            {
                "cliente_id": c.cliente_id,
                "nombre": f"Nombre{c.cliente_id}",
                "apellido": f"Apellido{c.cliente_id}",
                "email_hash": _hash(f"cliente{c.cliente_id}@example.pe"),
                "email_masked": "c***@example.pe",
                "telefono_hash": _hash(f"51900000{c.cliente_id:03d}"),
                "telefono_masked": "*********" + f"{c.cliente_id:03d}",
                "fecha_registro": c.fecha_registro,
                # the stale snapshot has everyone active: only the latest is right
                "estado": "activo" if stale else c.estado,
                "updated_at": c.fecha_registro,
            }
            for c in self.clientes.values()
        ]
        documentos = [
            {
                "documento_id": c.cliente_id,
                "cliente_id": c.cliente_id,
                "tipo_documento": "DNI",
                "numero_documento_hash": _hash(f"{40000000 + c.cliente_id}"),
                "numero_documento_masked": f"*****{c.cliente_id:03d}",
                "fecha_emision": date(2020, 1, 1),
                "fecha_vencimiento": date(2028, 1, 1),
                "created_at": c.fecha_registro,
                "updated_at": c.fecha_registro,
            }
            for c in self.clientes.values()
        ]
        tipos = [
            {
                "tipo_cuenta_id": i,
                "nombre": nombre,
                "descripcion": desc,
                "costo_mantenimiento": costo,
                "tasa_interes": Decimal(tasa),
                "estado": "activo",
                "updated_at": at(date(2024, 1, 1), 0),
            }
            for i, nombre, desc, costo, tasa in TIPOS_CUENTA
        ]
        cuentas = [
            {
                "cuenta_id": c.cuenta_id,
                "cliente_id": c.cliente_id,
                "tipo_cuenta_id": c.tipo_cuenta_id,
                "numero_cuenta": c.numero_cuenta,
                "saldo": c.saldo + (100_00 if stale else 0),
                "moneda": c.moneda,
                "fecha_apertura": c.fecha_apertura,
                "estado": c.estado,
                "version": c.version,
                "updated_at": c.updated_at,
            }
            for c in self.cuentas.values()
        ]
        del snapshot_at
        return {
            "clientes.clientes": clientes,
            "clientes.documentos_identidad": documentos,
            "cuentas.tipos_cuenta": tipos,
            "cuentas.cuentas": cuentas,
        }

    def _movimiento_rows(self) -> list[dict]:
        return [{**m.__dict__, "updated_at": m.created_at} for m in self.movimientos]

    def _transaccion_rows(self) -> list[dict]:
        return [
            {
                **t.__dict__,
                "descripcion": f"operación {t.transaccion_id[-3:]}",
                "metadata": json.dumps({"canal": "app", "ip": "10.0.0.1"}),
                "created_at": t.fecha,
            }
            for t in self.transacciones
        ]

    # --- expected figures (independent of the SQL) ---------------------------------------
    @property
    def window(self) -> tuple[date, date]:
        return self.as_of - timedelta(days=29), self.as_of

    def es_activo(self, cliente_id: int, window_days: int = 90) -> bool:
        if self.clientes[cliente_id].estado != "activo":
            return False
        start = self.as_of - timedelta(days=window_days - 1)
        own = {c.cuenta_id for c in self.cuentas.values() if c.cliente_id == cliente_id}
        return any(
            m.cuenta_id in own
            and m.tipo != "APERTURA"
            and start <= m.created_at.date() <= self.as_of
            for m in self.movimientos
        )

    def completed(self, start: date, end: date, moneda: str) -> list[Transaccion]:
        return [
            t
            for t in self.transacciones
            if t.estado == "COMPLETADA" and t.moneda == moneda and start <= t.fecha.date() <= end
        ]


def half_up(sum_cents: int, count: int) -> Decimal | None:
    if count == 0:
        return None
    return (Decimal(sum_cents) / count / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def money(cents: int) -> Decimal:
    return from_minor(cents)


def _write(lake: Lake, key: str, dt: date, rows: list[dict]) -> None:
    spec = TABLES[key]
    schema = spec.lake_schema
    data = pa.Table.from_pylist([{f.name: row.get(f.name) for f in schema} for row in rows], schema)
    writer = lake.writer(spec, dt.isoformat(), run_id="fixture")
    writer.write(data)
    writer.commit(watermark=at(dt, 23, 59))


def register(lake: Lake, catalog: Path) -> None:
    """(Re)create the catalog's views over every raw table."""
    local = LocalCatalog(catalog, lake)
    for spec in TABLES.values():
        local.register(spec)


def small_bank(as_of: date = AS_OF) -> Bank:
    """Six clients (every state), seven accounts (PEN and USD, every account state, no EUR, no
    'Cuenta Ahorro'), openings, teller operations and transactions of every type and state,
    some inside the KPI windows and some outside."""
    bank = Bank(as_of=as_of)
    d = as_of
    for cliente_id, estado, registered in (
        (1, "activo", date(2023, 5, 1)),
        (2, "activo", date(2023, 6, 1)),
        (3, "activo", date(2024, 1, 10)),
        (4, "inactivo", date(2024, 2, 1)),
        (5, "bloqueado", date(2024, 3, 1)),
        (6, "activo", date(2024, 4, 1)),  # no accounts
    ):
        bank.cliente(cliente_id, estado, registered)
    bank.abrir(1, 1, 1, "PEN", at(date(2024, 6, 1)), 1_000_00)
    bank.abrir(2, 1, 2, "USD", at(date(2024, 6, 2)), 500_00)
    bank.abrir(3, 2, 3, "PEN", at(date(2024, 7, 1)), 2_500_50)
    bank.abrir(4, 3, 2, "PEN", at(date(2024, 8, 1)))  # opened empty: no APERTURA leg
    bank.abrir(5, 4, 1, "PEN", at(date(2024, 9, 1)), 300_00)
    bank.abrir(6, 5, 3, "USD", at(date(2024, 10, 1)), 1_200_00)
    bank.abrir(7, 2, 2, "PEN", at(date(2024, 11, 1)), 50_00)

    # old history (outside every window)
    bank.ventanilla(3, 200_00, at(date(2024, 11, 20)))
    t_old = bank.tx("DEPOSITO", 150_00, at(date(2024, 12, 1)), destino=5)
    bank.tx("TRANSFERENCIA", 100_00, at(date(2024, 12, 2)), origen=3, destino=4)
    bank.tx("RETIRO", 10_000_00, at(date(2024, 12, 3)), origen=1, estado="RECHAZADA")
    del t_old
    # inside the 90-day active window but before the 30-day window (client 2, account 7)
    bank.tx("PAGO_SERVICIO", 20_00, at(d - timedelta(days=60)), origen=7)
    # inside the 30-day window, previous month (as_of is mid-March)
    bank.tx("DEPOSITO", 123_45, at(d - timedelta(days=25)), destino=1)
    bank.tx("TRANSFERENCIA", 200_01, at(d - timedelta(days=20), 8), origen=1, destino=4)
    bank.tx("TRANSFERENCIA", 75_00, at(d - timedelta(days=20), 9), origen=2, destino=6)
    # month to date
    bank.tx("RETIRO", 50_00, at(d - timedelta(days=10)), origen=3)
    rev = bank.tx("DEPOSITO", 10_01, at(d - timedelta(days=9)), destino=3)
    bank.tx("REVERSA", 10_01, at(d - timedelta(days=8)), origen=3, reversa_de=rev)
    bank.tx("PAGO_SERVICIO", 33_33, at(d - timedelta(days=5)), origen=2)
    bank.tx("RETIRO", 9_999_00, at(d - timedelta(days=4)), origen=4, estado="RECHAZADA")
    # requests cuentas refused because they named a wrong account: no legs, no violation
    bank.tx(
        "DEPOSITO", 9_00, at(d - timedelta(days=4), 13), destino=2, moneda="PEN", estado="RECHAZADA"
    )
    bank.tx(
        "DEPOSITO",
        8_00,
        at(d - timedelta(days=4), 14),
        destino=99,
        moneda="PEN",
        estado="RECHAZADA",
    )
    bank.tx("DEPOSITO", 1_00, at(d - timedelta(days=3)), destino=2)
    bank.tx("DEPOSITO", 40_00, at(d, 10), destino=1)  # today
    bank.ventanilla(1, -20_00, at(d - timedelta(days=2)))  # teller withdrawal
    # client 4 is inactivo but moves money: never an active client
    bank.tx("RETIRO", 10_00, at(d - timedelta(days=6)), origen=5)
    # a pending transaction from long ago: no legs, not volume
    bank.tx("DEPOSITO", 5_00, at(date(2025, 1, 5)), destino=1, estado="PENDIENTE")
    # after as_of: never in any KPI window
    bank.tx("DEPOSITO", 77_00, at(d + timedelta(days=1)), destino=1)
    # account states: 6 (USD, client 5) blocked; 7 emptied then closed
    bank.set_estado(6, "bloqueada", at(d - timedelta(days=15)))
    bank.ventanilla(7, -30_00, at(d - timedelta(days=14)))
    bank.set_estado(7, "cerrada", at(d - timedelta(days=14), 13))
    return bank
