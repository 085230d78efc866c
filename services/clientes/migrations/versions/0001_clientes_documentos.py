"""clientes and documentos_identidad (docs/data-model.md)

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMPTZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # pg_trgm is a trusted extension: the database owner may create it; the local stack also
    # creates it as superuser when PostgreSQL starts.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    op.create_table(
        "clientes",
        sa.Column("cliente_id", sa.Integer, sa.Identity(always=False), primary_key=True),
        sa.Column("nombre", sa.String(100), nullable=False),
        sa.Column("apellido", sa.String(100), nullable=False),
        sa.Column("email", sa.String(150), nullable=False),
        sa.Column("telefono", sa.String(20), nullable=True),
        sa.Column("fecha_registro", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.Column("estado", sa.String(20), nullable=False, server_default="activo"),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("estado IN ('activo', 'inactivo', 'bloqueado')", name="estado"),
        sa.CheckConstraint(
            "nombre = btrim(nombre) AND char_length(nombre) BETWEEN 1 AND 100", name="nombre"
        ),
        sa.CheckConstraint(
            "apellido = btrim(apellido) AND char_length(apellido) BETWEEN 1 AND 100",
            name="apellido",
        ),
        # printable ASCII, one local part and one domain; the API checks the full syntax
        sa.CheckConstraint(
            r"email ~ '^[\x21-\x3f\x41-\x7e]+@[\x21-\x3f\x41-\x7e]+\.[\x21-\x3f\x41-\x7e]+$'",
            name="email",
        ),
        sa.CheckConstraint(r"telefono ~ '^\+?[0-9][0-9 -]*[0-9]$'", name="telefono"),
    )
    op.create_index("uq_clientes_email_lower", "clientes", [sa.text("lower(email)")], unique=True)
    op.create_index("ix_clientes_estado_cliente_id", "clientes", ["estado", "cliente_id"])
    op.create_index("ix_clientes_updated_at", "clientes", ["updated_at"])
    op.execute(
        "CREATE INDEX ix_clientes_busqueda_trgm ON clientes "
        "USING gin ((nombre || ' ' || apellido || ' ' || email) gin_trgm_ops)"
    )

    op.create_table(
        "documentos_identidad",
        sa.Column("documento_id", sa.Integer, sa.Identity(always=False), primary_key=True),
        sa.Column(
            "cliente_id",
            sa.Integer,
            sa.ForeignKey(
                "clientes.cliente_id",
                ondelete="RESTRICT",
                name="fk_documentos_identidad_cliente_id_clientes",
            ),
            nullable=False,
        ),
        sa.Column("tipo_documento", sa.String(20), nullable=False),
        sa.Column("numero_documento", sa.String(20), nullable=False),
        sa.Column("fecha_emision", sa.Date, nullable=True),
        sa.Column("fecha_vencimiento", sa.Date, nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("numero_documento", name="uq_documentos_identidad_numero_documento"),
        sa.CheckConstraint(
            "tipo_documento IN ('DNI', 'Pasaporte', 'RUC', 'Carnet Extranjeria')",
            name="tipo_documento",
        ),
        sa.CheckConstraint(
            "(tipo_documento = 'DNI' AND numero_documento ~ '^[0-9]{8}$')"
            " OR (tipo_documento = 'RUC' AND numero_documento ~ '^(10|15|17|20)[0-9]{9}$')"
            " OR (tipo_documento = 'Pasaporte' AND numero_documento ~ '^[A-Z0-9]{6,12}$')"
            " OR (tipo_documento = 'Carnet Extranjeria' AND numero_documento ~ '^[0-9]{9,12}$')",
            name="numero_documento",
        ),
        sa.CheckConstraint(
            "fecha_emision IS NULL OR fecha_vencimiento IS NULL "
            "OR fecha_emision < fecha_vencimiento",
            name="fechas",
        ),
    )
    op.create_index("ix_documentos_identidad_cliente_id", "documentos_identidad", ["cliente_id"])
    op.create_index("ix_documentos_identidad_updated_at", "documentos_identidad", ["updated_at"])

    # updated_at is the pipeline's incremental watermark: the database keeps it, on every
    # UPDATE that changes something.
    op.execute(
        """
        CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END
        $$
        """
    )
    for table in ("clientes", "documentos_identidad"):
        op.execute(
            f"CREATE TRIGGER {table}_set_updated_at BEFORE UPDATE ON {table} "
            "FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at()"
        )


def downgrade() -> None:
    op.drop_table("documentos_identidad")
    op.drop_table("clientes")
    op.execute("DROP FUNCTION IF EXISTS set_updated_at()")
