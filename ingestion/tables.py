"""The raw tables of the lake: one typed spec per source table, the single source of truth for
extractors, the lake writer, the catalogs, the quality suites and the Dagster assets.

Conventions (docs/data-platform.md):
- money is int64 minor units (céntimos) in the lake, converted exactly by the source query;
- timestamps are ``timestamp[us, UTC]``; dates are ``date32``; non-money decimals stay
  ``decimal128`` with the source's precision and scale;
- PII (e-mail, phone, document number) never leaves the extractor's process in clear text: the
  lake holds a keyed HMAC hash and a masked form instead (see ``ingestion.pii``);
- ``partition_by`` names the business-date column of event tables (one ``dt=`` partition per
  day); snapshot tables (dimensions) get one ``dt=`` partition per snapshot day.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")
MONEY = pa.int64()  # céntimos


class Kind(enum.StrEnum):
    SNAPSHOT = "snapshot"  # a full copy of the table per snapshot day
    EVENTS = "events"  # rows partitioned by their business date


class Pii(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool = True
    money: bool = False  # source DECIMAL(…,2) or Mongo int céntimos -> int64 céntimos
    accepted: tuple[str, ...] | None = None  # enumeration
    pii: Pii | None = None  # replaced by <name>_hash and <name>_masked in the lake
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    source: str  # "clientes" | "cuentas" | "transacciones" (the source database)
    engine: str  # "postgres" | "mysql" | "mongo"
    name: str
    columns: tuple[Column, ...]
    primary_key: str
    kind: Kind
    watermark: str = "updated_at"
    partition_by: str | None = None  # business-date column for EVENTS tables
    unique_together: tuple[str, ...] | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def asset_key(self) -> list[str]:
        """Dagster asset key, also the dbt source's ``meta.dagster.asset_key``."""
        return ["raw", self.source, self.name]

    @property
    def lake_prefix(self) -> str:
        return f"raw/{self.source}/{self.name}"

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @cached_property  # asked for by every batch and every partition written
    def source_schema(self) -> pa.Schema:
        """What the extractor yields: the lake types, PII columns still in clear text."""
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    @property
    def lake_columns(self) -> list[tuple[str, pa.DataType, bool, str]]:
        """(name, type, nullable, description) of every column stored in the lake."""
        out = []
        for c in self.columns:
            if c.pii:
                out.append((f"{c.name}_hash", pa.string(), c.nullable, f"HMAC-SHA256 of {c.name}"))
                out.append((f"{c.name}_masked", pa.string(), c.nullable, f"masked {c.name}"))
            else:
                desc = c.description or (
                    "amount in céntimos (int64 minor units)" if c.money else ""
                )
                out.append((c.name, c.type, c.nullable, desc))
        return out

    @cached_property
    def lake_schema(self) -> pa.Schema:
        return pa.schema([pa.field(n, t, nullable=nl) for n, t, nl, _ in self.lake_columns])

    @property
    def money_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.money]

    @property
    def currency_column(self) -> str | None:
        return "moneda" if any(c.name == "moneda" for c in self.columns) else None


ESTADO_CLIENTE = ("activo", "inactivo", "bloqueado")
TIPO_DOCUMENTO = ("DNI", "Pasaporte", "RUC", "Carnet Extranjeria")
ESTADO_TIPO = ("activo", "inactivo")
MONEDA = ("PEN", "USD", "EUR")
ESTADO_CUENTA = ("activa", "bloqueada", "cerrada")
TIPO_MOVIMIENTO = ("APERTURA", "DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO", "REVERSA")
TIPO_TRANSACCION = ("DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO", "REVERSA")
ESTADO_TRANSACCION = ("PENDIENTE", "COMPLETADA", "RECHAZADA")

I32, I64, STR, DATE = pa.int32(), pa.int64(), pa.string(), pa.date32()

CLIENTES = TableSpec(
    source="clientes",
    engine="postgres",
    name="clientes",
    primary_key="cliente_id",
    kind=Kind.SNAPSHOT,
    description="Bank clients (PostgreSQL clientes.clientes), one full snapshot per day.",
    columns=(
        Column("cliente_id", I32, False),
        Column("nombre", STR, False),
        Column("apellido", STR, False),
        Column("email", STR, False, pii=Pii.EMAIL),
        Column("telefono", STR, True, pii=Pii.PHONE),
        Column("fecha_registro", TS, False),
        Column("estado", STR, False, accepted=ESTADO_CLIENTE),
        Column("updated_at", TS, False),
    ),
)

DOCUMENTOS = TableSpec(
    source="clientes",
    engine="postgres",
    name="documentos_identidad",
    primary_key="documento_id",
    kind=Kind.SNAPSHOT,
    description="Identity documents of clients (PostgreSQL), one full snapshot per day.",
    columns=(
        Column("documento_id", I32, False),
        Column("cliente_id", I32, False),
        Column("tipo_documento", STR, False, accepted=TIPO_DOCUMENTO),
        Column("numero_documento", STR, False, pii=Pii.DOCUMENT),
        Column("fecha_emision", DATE, True),
        Column("fecha_vencimiento", DATE, True),
        Column("created_at", TS, False),
        Column("updated_at", TS, False),
    ),
)

TIPOS_CUENTA = TableSpec(
    source="cuentas",
    engine="mysql",
    name="tipos_cuenta",
    primary_key="tipo_cuenta_id",
    kind=Kind.SNAPSHOT,
    description="Account types (MariaDB cuentas.tipos_cuenta), one full snapshot per day.",
    columns=(
        Column("tipo_cuenta_id", I32, False),
        Column("nombre", STR, False),
        Column("descripcion", STR, True),
        Column("costo_mantenimiento", MONEY, False, money=True),
        Column("tasa_interes", pa.decimal128(5, 2), False, description="interest rate, percent"),
        Column("estado", STR, False, accepted=ESTADO_TIPO),
        Column("updated_at", TS, False),
    ),
)

CUENTAS = TableSpec(
    source="cuentas",
    engine="mysql",
    name="cuentas",
    primary_key="cuenta_id",
    kind=Kind.SNAPSHOT,
    description="Accounts and balances (MariaDB cuentas.cuentas), one full snapshot per day.",
    columns=(
        Column("cuenta_id", I32, False),
        Column("cliente_id", I32, False),
        Column("tipo_cuenta_id", I32, False),
        Column("numero_cuenta", STR, False),
        Column("saldo", MONEY, False, money=True),
        Column("moneda", STR, False, accepted=MONEDA),
        Column("fecha_apertura", TS, False),
        Column("estado", STR, False, accepted=ESTADO_CUENTA),
        Column("version", I32, False),
        Column("updated_at", TS, False),
    ),
)

MOVIMIENTOS = TableSpec(
    source="cuentas",
    engine="mysql",
    name="movimientos",
    primary_key="movimiento_id",
    kind=Kind.EVENTS,
    partition_by="created_at",
    unique_together=("transaccion_id", "cuenta_id"),
    description="The append-only journal, one row per leg, partitioned by posting date (UTC).",
    columns=(
        Column("movimiento_id", I64, False),
        Column("cuenta_id", I32, False),
        Column("transaccion_id", STR, False),
        Column("tipo", STR, False, accepted=TIPO_MOVIMIENTO),
        Column("monto", MONEY, False, money=True, description="signed céntimos: credit > 0"),
        Column("saldo_resultante", MONEY, False, money=True),
        Column("moneda", STR, False, accepted=MONEDA),
        Column("created_at", TS, False),
        Column("updated_at", TS, False),
    ),
)

TRANSACCIONES = TableSpec(
    source="transacciones",
    engine="mongo",
    name="transacciones",
    primary_key="transaccion_id",
    kind=Kind.EVENTS,
    partition_by="fecha",
    description="Business transactions (MongoDB), partitioned by business date (UTC).",
    columns=(
        Column("transaccion_id", STR, False),
        Column("tipo", STR, False, accepted=TIPO_TRANSACCION),
        Column("cuenta_origen_id", I32, True),
        Column("cuenta_destino_id", I32, True),
        Column("monto", MONEY, False, money=True),
        Column("moneda", STR, False, accepted=MONEDA),
        Column("descripcion", STR, True),
        Column("estado", STR, False, accepted=ESTADO_TRANSACCION),
        Column("motivo", STR, True),
        Column("fecha", TS, False),
        Column("metadata", STR, True, description="JSON text of the metadata document"),
        Column("reversa_de", STR, True),
        Column("created_at", TS, False),
        Column("updated_at", TS, False),
    ),
)

TABLES: dict[str, TableSpec] = {
    t.key: t for t in (CLIENTES, DOCUMENTOS, TIPOS_CUENTA, CUENTAS, MOVIMIENTOS, TRANSACCIONES)
}


def get_table(key: str) -> TableSpec:
    """``"clientes.clientes"`` -> its spec; also accepts the bare table name."""
    if key in TABLES:
        return TABLES[key]
    matches = [t for t in TABLES.values() if t.name == key]
    if len(matches) == 1:
        return matches[0]
    raise KeyError(f"unknown table {key!r}; known: {', '.join(TABLES)}")


def tables_of(source: str) -> list[TableSpec]:
    return [t for t in TABLES.values() if t.source == source]
