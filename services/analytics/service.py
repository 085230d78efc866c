"""The answers of the analytics API, computed from one snapshot's marts in memory.

``Views`` sorts and indexes a bundle once; each method builds one response body. Nothing here
touches a database: the snapshot was read when it was published.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.analytics import schemas as s
from services.analytics.store import Bundle
from services.common.money import Moneda
from services.common.pagination import PageParams

ACTIVE_CLIENT_DEFINITION = (
    "Un cliente es activo si su estado es 'activo' y al menos una de sus cuentas tiene un "
    "movimiento del diario distinto de la apertura (depósito, retiro, transferencia enviada o "
    "recibida, pago de servicio, reversa, o una operación de ventanilla) en los 90 días que "
    "terminan en as_of, ambos inclusive."
)

_CURRENCY_ORDER = {m.value: i for i, m in enumerate(Moneda)}
_STATE_ORDER = {"activo": 0, "inactivo": 1, "bloqueado": 2}


def _currency_key(row: dict) -> int:
    return _CURRENCY_ORDER.get(row["moneda"], len(_CURRENCY_ORDER))


def _page(rows: Sequence[dict], page: PageParams) -> tuple[list[dict], dict[str, Any]]:
    total = len(rows)
    end = page.offset + page.limit
    meta = {
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": end if end < total else None,
    }
    return list(rows[page.offset : end]), meta


def _where(rows: Sequence[dict], **equals: Any) -> list[dict]:
    wanted = {k: v for k, v in equals.items() if v is not None}
    return [r for r in rows if all(r[k] == v for k, v in wanted.items())]


class Views:
    """One snapshot, ready to answer."""

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        m = bundle.marts
        if len(m.get("kpi_dashboard_resumen", [])) != 1:
            raise ValueError(f"snapshot {bundle.run_id} has no dashboard row")
        self.resumen = m["kpi_dashboard_resumen"][0]
        self.monedas = sorted(m["kpi_dashboard_monedas"], key=_currency_key)
        self.clientes_estado = sorted(
            m["kpi_clientes_por_estado"], key=lambda r: _STATE_ORDER.get(r["estado"], 9)
        )
        # most recent activity first; ties by id
        activos = sorted(m["kpi_clientes_activos"], key=lambda r: r["cliente_id"])
        self.activos = sorted(activos, key=lambda r: r["ultima_actividad_at"] or "", reverse=True)
        self.por_tipo = sorted(
            m["kpi_cuentas_por_tipo"], key=lambda r: (r["tipo_cuenta_id"], _currency_key(r))
        )
        self.top = sorted(m["kpi_top_cuentas"], key=lambda r: (_currency_key(r), r["posicion"]))
        self.por_mes = sorted(
            sorted(m["kpi_transacciones_por_mes"], key=lambda r: (r["tipo"], r["estado"])),
            key=lambda r: (r["mes"], -_currency_key(r)),
            reverse=True,
        )
        self.volumen = sorted(
            sorted(m["kpi_volumen_transacciones"], key=lambda r: r["tipo"]),
            key=lambda r: (r["mes"], -_currency_key(r)),
            reverse=True,
        )
        self.actividad = sorted(
            sorted(m["kpi_actividad_diaria"], key=lambda r: (r["tipo"], _currency_key(r))),
            key=lambda r: r["fecha"],
            reverse=True,
        )
        self.fuentes = sorted(m["kpi_frescura"], key=lambda r: r["fuente"])

    @property
    def snapshot(self) -> dict[str, Any]:
        b = self.bundle
        return {"as_of": b.as_of, "run_id": b.run_id, "generado_en": b.generado_en}

    # --- endpoints ---------------------------------------------------------------------
    def dashboard(self) -> s.DashboardEjecutivo:
        r = self.resumen
        return s.DashboardEjecutivo(
            **self.snapshot,
            ventana_30d=s.Ventana(desde=r["ventana_desde"], hasta=r["as_of_date"]),
            mes=s.Ventana(desde=r["mes_desde"], hasta=r["as_of_date"]),
            total_clientes=r["total_clientes"],
            clientes_activos=r["clientes_activos"],
            total_cuentas=r["total_cuentas"],
            cuentas_por_estado=s.CuentasPorEstado(
                activa=r["cuentas_activas"],
                bloqueada=r["cuentas_bloqueadas"],
                cerrada=r["cuentas_cerradas"],
            ),
            por_moneda=[s.KpiMoneda(**row) for row in self.monedas],
        )

    def clientes_por_estado(self, page: PageParams) -> s.ClientesPorEstado:
        items, meta = _page(self.clientes_estado, page)
        return s.ClientesPorEstado(**self.snapshot, **meta, items=items)

    def clientes_activos(self, page: PageParams) -> s.ClientesActivos:
        r = self.resumen
        items, meta = _page(self.activos, page)
        return s.ClientesActivos(
            **self.snapshot,
            **meta,
            definicion=ACTIVE_CLIENT_DEFINITION,
            ventana=s.Ventana(desde=r["actividad_desde"], hasta=r["as_of_date"]),
            total_clientes=r["total_clientes"],
            clientes_activos=r["clientes_activos"],
            items=[
                s.ClienteActivo(
                    cliente_id=i["cliente_id"],
                    cuentas_activas=i["cuentas_activas"],
                    movimientos_ventana=i["movimientos_ventana"],
                    ultima_actividad=i["ultima_actividad_at"],
                )
                for i in items
            ],
        )

    def cuentas_por_tipo(self, page: PageParams, moneda: str | None) -> s.CuentasPorTipo:
        items, meta = _page(_where(self.por_tipo, moneda=moneda), page)
        return s.CuentasPorTipo(**self.snapshot, **meta, items=items)

    def top_cuentas(self, page: PageParams, moneda: str | None) -> s.TopCuentas:
        items, meta = _page(_where(self.top, moneda=moneda), page)
        return s.TopCuentas(**self.snapshot, **meta, items=items)

    def transacciones_por_mes(
        self,
        page: PageParams,
        *,
        moneda: str | None,
        tipo: str | None,
        estado: str | None,
        desde: str | None,
        hasta: str | None,
    ) -> s.TransaccionesPorMes:
        rows = _between(_where(self.por_mes, moneda=moneda, tipo=tipo, estado=estado), desde, hasta)
        items, meta = _page(rows, page)
        return s.TransaccionesPorMes(**self.snapshot, **meta, items=items)

    def volumen_transacciones(
        self,
        page: PageParams,
        *,
        moneda: str | None,
        tipo: str | None,
        desde: str | None,
        hasta: str | None,
    ) -> s.VolumenTransacciones:
        rows = _between(_where(self.volumen, moneda=moneda, tipo=tipo), desde, hasta)
        items, meta = _page(rows, page)
        return s.VolumenTransacciones(**self.snapshot, **meta, items=items)

    def actividad_diaria(
        self, page: PageParams, *, moneda: str | None, tipo: str | None
    ) -> s.ActividadDiaria:
        r = self.resumen
        items, meta = _page(_where(self.actividad, moneda=moneda, tipo=tipo), page)
        return s.ActividadDiaria(
            **self.snapshot,
            **meta,
            ventana=s.Ventana(desde=r["ventana_desde"], hasta=r["as_of_date"]),
            items=items,
        )

    def frescura(self) -> s.Frescura:
        return s.Frescura(
            **self.snapshot,
            fuentes=[
                s.Fuente(
                    fuente=f["fuente"],
                    tipo=f["tipo"],
                    ultima_particion=f["ultima_particion"],
                    ultimo_cambio=f["ultimo_cambio_at"],
                    filas=f["filas"],
                )
                for f in self.fuentes
            ],
        )


def _between(rows: list[dict], desde: str | None, hasta: str | None) -> list[dict]:
    """Months from ``desde`` to ``hasta`` (inclusive; ISO dates, compared as text)."""
    return [
        r
        for r in rows
        if (desde is None or r["mes"] >= desde) and (hasta is None or r["mes"] <= hasta)
    ]


Builder = Callable[[Views], Any]
