"""The cuentas schema as SQLAlchemy tables (docs/data-model.md is the contract; the Alembic
migrations create it). Queries use these tables through SQLAlchemy Core."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.mysql import BIGINT, CHAR, TIMESTAMP

metadata = MetaData()

NOW6 = text("CURRENT_TIMESTAMP(6)")
NOW6_ON_UPDATE = text("CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)")

ESTADOS_TIPO = ("activo", "inactivo")
ESTADOS_CUENTA = ("activa", "bloqueada", "cerrada")
MONEDAS = ("PEN", "USD", "EUR")
MAX_SALDO = Decimal("9999999999999.99")  # DECIMAL(15,2)
TIPOS_MOVIMIENTO = ("APERTURA", "DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO", "REVERSA")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


tipos_cuenta = Table(
    "tipos_cuenta",
    metadata,
    Column("tipo_cuenta_id", Integer, primary_key=True, autoincrement=True),
    Column("nombre", String(50), nullable=False, unique=True),
    Column("descripcion", Text),
    Column("costo_mantenimiento", Numeric(10, 2), nullable=False, server_default="0.00"),
    Column("tasa_interes", Numeric(5, 2), nullable=False, server_default="0.00"),
    Column("estado", String(20), nullable=False, server_default="activo"),
    Column("updated_at", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6_ON_UPDATE),
    CheckConstraint(_in("estado", ESTADOS_TIPO), name="ck_tipos_cuenta_estado"),
    Index("ix_tipos_cuenta_updated_at", "updated_at"),
)

cuentas = Table(
    "cuentas",
    metadata,
    Column("cuenta_id", Integer, primary_key=True, autoincrement=True),
    Column("cliente_id", Integer, nullable=False),
    Column(
        "tipo_cuenta_id",
        Integer,
        ForeignKey("tipos_cuenta.tipo_cuenta_id", name="fk_cuentas_tipo", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("numero_cuenta", String(20), nullable=False, unique=True),
    Column("saldo", Numeric(15, 2), nullable=False, server_default="0.00"),
    Column("moneda", CHAR(3), nullable=False),
    Column("fecha_apertura", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
    Column("estado", String(20), nullable=False, server_default="activa"),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("updated_at", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6_ON_UPDATE),
    CheckConstraint("saldo >= 0", name="ck_cuentas_saldo_no_negativo"),
    CheckConstraint(_in("moneda", MONEDAS), name="ck_cuentas_moneda"),
    CheckConstraint(_in("estado", ESTADOS_CUENTA), name="ck_cuentas_estado"),
    CheckConstraint("estado <> 'cerrada' OR saldo = 0", name="ck_cuentas_cerrada_sin_saldo"),
    Index("ix_cuentas_cliente_id", "cliente_id"),
    Index("ix_cuentas_estado", "estado"),
    Index("ix_cuentas_moneda", "moneda"),
    Index("ix_cuentas_updated_at", "updated_at"),
)

movimientos = Table(
    "movimientos",
    metadata,
    Column("movimiento_id", BIGINT, primary_key=True, autoincrement=True),
    Column(
        "cuenta_id",
        Integer,
        ForeignKey("cuentas.cuenta_id", name="fk_movimientos_cuenta", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("transaccion_id", String(40), nullable=False),
    Column("tipo", String(20), nullable=False),
    Column("monto", Numeric(15, 2), nullable=False),
    Column("saldo_resultante", Numeric(15, 2), nullable=False),
    Column("moneda", CHAR(3), nullable=False),
    Column("created_at", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
    Column("updated_at", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
    UniqueConstraint("transaccion_id", "cuenta_id", name="uq_movimientos_transaccion_cuenta"),
    CheckConstraint(_in("tipo", TIPOS_MOVIMIENTO), name="ck_movimientos_tipo"),
    CheckConstraint("monto <> 0", name="ck_movimientos_monto_no_cero"),
    CheckConstraint("saldo_resultante >= 0", name="ck_movimientos_saldo_no_negativo"),
    CheckConstraint(_in("moneda", MONEDAS), name="ck_movimientos_moneda"),
    Index("ix_movimientos_cuenta_movimiento", "cuenta_id", "movimiento_id"),
    Index("ix_movimientos_updated_at", "updated_at"),
)

idempotencia = Table(
    "idempotencia",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("fingerprint", CHAR(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    # stored as canonical JSON (the engine's json_serializer) so a replay is byte-identical
    Column("body", JSON, nullable=False),
    Column("created_at", TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
    Index("ix_idempotencia_created_at", "created_at"),
)
