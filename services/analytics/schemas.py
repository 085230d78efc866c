"""Response bodies of the analytics API (field names in Spanish, as the original report).

Counts are integers; money is a decimal string with exactly two places (never a float),
always next to its currency. Every body says which snapshot it comes from: ``as_of`` (the
"today" of the KPI windows) and ``run_id`` (the pipeline run that produced it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from services.common.money import Moneda

Dinero = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]+\.[0-9]{2}$",
        examples=["1520.75"],
        description="exact amount, two decimals, as a string",
    ),
]
Porcentaje = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["66.67"])]


class Snapshot(BaseModel):
    as_of: date = Field(description="the day the KPI windows end on (inclusive)")
    run_id: str = Field(description="the pipeline run that produced these figures")
    generado_en: datetime = Field(description="when the snapshot was published")


class Paginado(Snapshot):
    total: int
    limit: int
    offset: int
    next_offset: int | None = None


class Ventana(BaseModel):
    desde: date
    hasta: date


class KpiMoneda(BaseModel):
    moneda: Moneda
    cuentas: int
    saldo_total: Dinero
    saldo_promedio: Dinero | None
    transacciones_30d: int = Field(description="COMPLETADA transactions in the last 30 days")
    volumen_30d: Dinero
    ticket_promedio_30d: Dinero | None
    transacciones_mes: int = Field(description="COMPLETADA transactions month to date")
    volumen_mes: Dinero
    ticket_promedio_mes: Dinero | None


class CuentasPorEstado(BaseModel):
    activa: int
    bloqueada: int
    cerrada: int


class DashboardEjecutivo(Snapshot):
    ventana_30d: Ventana
    mes: Ventana
    total_clientes: int
    clientes_activos: int
    total_cuentas: int
    cuentas_por_estado: CuentasPorEstado
    por_moneda: list[KpiMoneda] = Field(description="one entry per currency, never summed")


class ClientesPorEstadoItem(BaseModel):
    estado: str
    cantidad: int
    porcentaje: Porcentaje | None


class ClientesPorEstado(Paginado):
    items: list[ClientesPorEstadoItem]


class ClienteActivo(BaseModel):
    cliente_id: int
    cuentas_activas: int
    movimientos_ventana: int
    ultima_actividad: datetime | None


class ClientesActivos(Paginado):
    definicion: str
    ventana: Ventana
    total_clientes: int
    clientes_activos: int
    items: list[ClienteActivo]


class CuentasPorTipoItem(BaseModel):
    tipo_cuenta_id: int
    tipo_cuenta: str
    descripcion: str | None
    moneda: Moneda
    cantidad_cuentas: int
    cuentas_activas: int
    saldo_total: Dinero
    saldo_promedio: Dinero | None


class CuentasPorTipo(Paginado):
    items: list[CuentasPorTipoItem]


class TopCuenta(BaseModel):
    moneda: Moneda
    posicion: int
    cuenta_id: int
    numero_cuenta_enmascarado: str
    tipo_cuenta: str
    estado: str
    saldo: Dinero


class TopCuentas(Paginado):
    items: list[TopCuenta]


class TransaccionesMes(BaseModel):
    mes: date
    tipo: str
    estado: str
    moneda: Moneda
    cantidad: int
    monto_total: Dinero


class TransaccionesPorMes(Paginado):
    items: list[TransaccionesMes]


class VolumenMes(BaseModel):
    mes: date
    tipo: str
    moneda: Moneda
    cantidad: int = Field(description="COMPLETADA transactions")
    volumen: Dinero
    ticket_promedio: Dinero
    monto_minimo: Dinero
    monto_maximo: Dinero


class VolumenTransacciones(Paginado):
    items: list[VolumenMes]


class ActividadDia(BaseModel):
    fecha: date
    tipo: str
    moneda: Moneda
    cantidad: int
    completadas: int
    rechazadas: int
    pendientes: int
    volumen: Dinero = Field(description="COMPLETADA volume")


class ActividadDiaria(Paginado):
    ventana: Ventana
    items: list[ActividadDia]


class Fuente(BaseModel):
    fuente: str = Field(examples=["cuentas.movimientos"])
    tipo: str = Field(description="snapshot (a full copy per day) or events (by business day)")
    ultima_particion: date | None
    ultimo_cambio: datetime | None = Field(description="newest change read (the watermark)")
    filas: int


class Frescura(Snapshot):
    fuentes: list[Fuente]


class CheckCalidad(BaseModel):
    nombre: str
    origen: str = Field(
        description="dbt (tests and models) or raw (the raw layer's blocking checks: Great "
        "Expectations suites, reconciliation with the sources, the ledger check)"
    )
    ok: bool
    estado: str = Field(description="pass, warn, fail, error or skipped (not run)")
    severidad: str = Field(description="error (blocks publication) or warn")
    objeto: str | None = None
    detalle: str | None = None


class Calidad(BaseModel):
    as_of: date | None = Field(description="as_of of the snapshot served (null: none yet)")
    run_id: str | None = Field(description="run of the snapshot served (null: none yet)")
    ok: bool = Field(description="whether the latest pipeline run passed its checks")
    ejecucion: str = Field(description="the latest pipeline run, whose checks are listed")
    terminada_en: datetime
    sirviendo_ultima: bool = Field(
        description="false when the latest run failed and an older snapshot is served"
    )
    checks: list[CheckCalidad]
