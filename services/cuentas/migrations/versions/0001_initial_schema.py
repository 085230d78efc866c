"""Initial schema: tipos_cuenta (with the original four), cuentas, movimientos, idempotencia.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW6 = sa.text("CURRENT_TIMESTAMP(6)")
NOW6_ON_UPDATE = sa.text("CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)")
TABLE_ARGS = {"mysql_engine": "InnoDB"}  # charset and collation: the database's (utf8mb4)

TIPOS = [
    (1, "Cuenta Sueldo", "Cuenta para el abono de remuneraciones, sin costo", "0.00", "0.00"),
    (2, "Cuenta Free", "Cuenta sin costo de mantenimiento", "0.00", "0.50"),
    (3, "Cuenta Premium", "Cuenta con beneficios preferenciales", "15.00", "1.50"),
    (4, "Cuenta Ahorro", "Cuenta de ahorro con la mayor tasa de interés", "5.00", "3.00"),
]


def upgrade() -> None:
    tipos = op.create_table(
        "tipos_cuenta",
        sa.Column("tipo_cuenta_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nombre", sa.String(50), nullable=False),
        sa.Column("descripcion", sa.Text),
        sa.Column("costo_mantenimiento", sa.Numeric(10, 2), nullable=False, server_default="0.00"),
        sa.Column("tasa_interes", sa.Numeric(5, 2), nullable=False, server_default="0.00"),
        sa.Column("estado", sa.String(20), nullable=False, server_default="activo"),
        sa.Column(
            "updated_at", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6_ON_UPDATE
        ),
        sa.UniqueConstraint("nombre", name="uq_tipos_cuenta_nombre"),
        sa.CheckConstraint("estado IN ('activo', 'inactivo')", name="ck_tipos_cuenta_estado"),
        **TABLE_ARGS,
    )
    op.create_index("ix_tipos_cuenta_updated_at", "tipos_cuenta", ["updated_at"])
    op.bulk_insert(
        tipos,
        [
            {
                "tipo_cuenta_id": id_,
                "nombre": nombre,
                "descripcion": descripcion,
                "costo_mantenimiento": costo,
                "tasa_interes": tasa,
                "estado": "activo",
            }
            for id_, nombre, descripcion, costo, tasa in TIPOS
        ],
    )

    op.create_table(
        "cuentas",
        sa.Column("cuenta_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cliente_id", sa.Integer, nullable=False),
        sa.Column(
            "tipo_cuenta_id",
            sa.Integer,
            sa.ForeignKey(
                "tipos_cuenta.tipo_cuenta_id", name="fk_cuentas_tipo", ondelete="RESTRICT"
            ),
            nullable=False,
        ),
        sa.Column("numero_cuenta", sa.String(20), nullable=False),
        sa.Column("saldo", sa.Numeric(15, 2), nullable=False, server_default="0.00"),
        sa.Column("moneda", mysql.CHAR(3), nullable=False),
        sa.Column("fecha_apertura", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
        sa.Column("estado", sa.String(20), nullable=False, server_default="activa"),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column(
            "updated_at", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6_ON_UPDATE
        ),
        sa.UniqueConstraint("numero_cuenta", name="uq_cuentas_numero_cuenta"),
        sa.CheckConstraint("saldo >= 0", name="ck_cuentas_saldo_no_negativo"),
        sa.CheckConstraint("moneda IN ('PEN', 'USD', 'EUR')", name="ck_cuentas_moneda"),
        sa.CheckConstraint(
            "estado IN ('activa', 'bloqueada', 'cerrada')", name="ck_cuentas_estado"
        ),
        sa.CheckConstraint("estado <> 'cerrada' OR saldo = 0", name="ck_cuentas_cerrada_sin_saldo"),
        **TABLE_ARGS,
    )
    # InnoDB secondary indexes carry the primary key, so each of these also serves
    # "WHERE col = ? ORDER BY cuenta_id" without a sort.
    op.create_index("ix_cuentas_cliente_id", "cuentas", ["cliente_id"])
    op.create_index("ix_cuentas_estado", "cuentas", ["estado"])
    op.create_index("ix_cuentas_moneda", "cuentas", ["moneda"])
    op.create_index("ix_cuentas_updated_at", "cuentas", ["updated_at"])

    op.create_table(
        "movimientos",
        sa.Column("movimiento_id", mysql.BIGINT, primary_key=True, autoincrement=True),
        sa.Column(
            "cuenta_id",
            sa.Integer,
            sa.ForeignKey("cuentas.cuenta_id", name="fk_movimientos_cuenta", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("transaccion_id", sa.String(40), nullable=False),
        sa.Column("tipo", sa.String(20), nullable=False),
        sa.Column("monto", sa.Numeric(15, 2), nullable=False),
        sa.Column("saldo_resultante", sa.Numeric(15, 2), nullable=False),
        sa.Column("moneda", mysql.CHAR(3), nullable=False),
        sa.Column("created_at", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
        sa.Column("updated_at", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
        sa.UniqueConstraint(
            "transaccion_id", "cuenta_id", name="uq_movimientos_transaccion_cuenta"
        ),
        sa.CheckConstraint(
            "tipo IN ('APERTURA', 'DEPOSITO', 'RETIRO', 'TRANSFERENCIA', 'PAGO_SERVICIO', "
            "'REVERSA')",
            name="ck_movimientos_tipo",
        ),
        sa.CheckConstraint("monto <> 0", name="ck_movimientos_monto_no_cero"),
        sa.CheckConstraint("saldo_resultante >= 0", name="ck_movimientos_saldo_no_negativo"),
        sa.CheckConstraint("moneda IN ('PEN', 'USD', 'EUR')", name="ck_movimientos_moneda"),
        **TABLE_ARGS,
    )
    # the journal of one account, newest first; also the index the foreign key needs
    op.create_index(
        "ix_movimientos_cuenta_movimiento", "movimientos", ["cuenta_id", "movimiento_id"]
    )
    op.create_index("ix_movimientos_updated_at", "movimientos", ["updated_at"])
    # append-only: the database itself refuses to rewrite history
    op.execute(
        "CREATE TRIGGER trg_movimientos_append_only BEFORE UPDATE ON movimientos FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'movimientos is append-only'"
    )

    op.create_table(
        "idempotencia",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("fingerprint", mysql.CHAR(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", mysql.TIMESTAMP(fsp=6), nullable=False, server_default=NOW6),
        **TABLE_ARGS,
    )
    op.create_index("ix_idempotencia_created_at", "idempotencia", ["created_at"])


def downgrade() -> None:
    op.drop_table("idempotencia")
    op.execute("DROP TRIGGER IF EXISTS trg_movimientos_append_only")
    op.drop_table("movimientos")
    op.drop_table("cuentas")
    op.drop_table("tipos_cuenta")
