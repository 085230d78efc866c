"""SQLAlchemy models of the clientes database (the schema itself is owned by the migrations)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Identity,
    Integer,
    MetaData,
    String,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Constraint and index names the service maps to API errors; the migrations create them.
UQ_EMAIL = "uq_clientes_email_lower"
UQ_NUMERO_DOCUMENTO = "uq_documentos_identidad_numero_documento"

# The text the trigram index covers; queries must use the very same expression for the
# planner to match the index.
SEARCH_EXPRESSION = "(nombre || ' ' || apellido || ' ' || email)"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Cliente(Base):
    __tablename__ = "clientes"
    # fetch server defaults (dates) and trigger-set values (updated_at) with RETURNING
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012

    cliente_id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    nombre: Mapped[str] = mapped_column(String(100))
    apellido: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(150))
    telefono: Mapped[str | None] = mapped_column(String(20))
    fecha_registro: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    estado: Mapped[str] = mapped_column(String(20), server_default="activo")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), server_onupdate=FetchedValue()
    )

    # lazy="raise": any access that was not eager-loaded is a bug (N+1), not a slow query
    documentos: Mapped[list[DocumentoIdentidad]] = relationship(
        back_populates="cliente", order_by="DocumentoIdentidad.documento_id", lazy="raise"
    )


class DocumentoIdentidad(Base):
    __tablename__ = "documentos_identidad"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012

    documento_id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    cliente_id: Mapped[int] = mapped_column(
        ForeignKey("clientes.cliente_id", ondelete="RESTRICT"), index=True
    )
    tipo_documento: Mapped[str] = mapped_column(String(20))
    numero_documento: Mapped[str] = mapped_column(String(20), unique=True)
    fecha_emision: Mapped[date | None] = mapped_column(Date)
    fecha_vencimiento: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), server_onupdate=FetchedValue()
    )

    cliente: Mapped[Cliente] = relationship(back_populates="documentos", lazy="raise")
