/** Analytics API answers for tests, typed by the generated schema (drift fails typecheck). */
import type {
  ActividadDia,
  ActividadDiaria,
  Calidad,
  CheckCalidad,
  ClientesPorEstado,
  CuentasPorTipo,
  DashboardEjecutivo,
  Frescura,
  KpiMoneda,
  PaginaAnalytics,
  TopCuenta,
  TopCuentas,
  VolumenMes,
  VolumenTransacciones,
} from "../api/types";

export const meta = { as_of: "2026-03-05", run_id: "run-42", generado_en: "2026-03-06T01:10:00Z" };

export function page<Item>(items: Item[], extra: Partial<PaginaAnalytics<Item>> = {}): PaginaAnalytics<Item> {
  return { ...meta, total: items.length, limit: 200, offset: 0, next_offset: null, items, ...extra };
}

export function kpiMoneda(moneda: KpiMoneda["moneda"], over: Partial<KpiMoneda> = {}): KpiMoneda {
  return {
    moneda,
    cuentas: 0,
    saldo_total: "0.00",
    saldo_promedio: null,
    transacciones_30d: 0,
    volumen_30d: "0.00",
    ticket_promedio_30d: null,
    transacciones_mes: 0,
    volumen_mes: "0.00",
    ticket_promedio_mes: null,
    ...over,
  };
}

export const dashboard: DashboardEjecutivo = {
  ...meta,
  ventana_30d: { desde: "2026-02-04", hasta: "2026-03-05" },
  mes: { desde: "2026-03-01", hasta: "2026-03-05" },
  total_clientes: 20000,
  clientes_activos: 15000,
  total_cuentas: 21000,
  cuentas_por_estado: { activa: 20000, bloqueada: 600, cerrada: 400 },
  por_moneda: [
    kpiMoneda("PEN", {
      cuentas: 15000,
      saldo_total: "1234567.89",
      saldo_promedio: "82.30",
      transacciones_30d: 12,
      volumen_30d: "1000.00",
      ticket_promedio_30d: "83.33",
      transacciones_mes: 1,
      volumen_mes: "10.00",
      ticket_promedio_mes: "10.00",
    }),
    kpiMoneda("USD", { cuentas: 5000, saldo_total: "5000.00", saldo_promedio: "1.00" }),
    kpiMoneda("EUR", { cuentas: 1000, saldo_total: "0.10", saldo_promedio: "0.00" }),
  ],
};

export function check(over: Partial<CheckCalidad> = {}): CheckCalidad {
  return { nombre: "unique_dim_clientes_cliente_id", origen: "dbt", ok: true, estado: "pass", severidad: "error", objeto: "dim_clientes", detalle: null, ...over };
}

export const calidadOk: Calidad = {
  as_of: meta.as_of,
  run_id: meta.run_id,
  ok: true,
  ejecucion: meta.run_id,
  terminada_en: "2026-03-06T01:09:00Z",
  sirviendo_ultima: true,
  checks: [check(), check({ nombre: "row_count_kpi_dashboard_resumen", objeto: "kpi_dashboard_resumen" })],
};

/** The latest run failed: an older snapshot is served. */
export const calidadFallida: Calidad = {
  ...calidadOk,
  ok: false,
  ejecucion: "run-43",
  terminada_en: "2026-03-06T02:09:00Z",
  sirviendo_ultima: false,
  checks: [
    check({ nombre: "saldo_igual_journal", origen: "raw", ok: false, estado: "fail", objeto: "cuentas.cuentas", detalle: "3 cuentas" }),
    check({ nombre: "accepted_values_x", ok: true, estado: "warn", severidad: "warn" }),
    check(),
  ],
};

export const frescura: Frescura = {
  ...meta,
  fuentes: [
    { fuente: "cuentas.cuentas", tipo: "snapshot", ultima_particion: "2026-03-05", ultimo_cambio: "2026-03-05T19:07:00Z", filas: 21000 },
    { fuente: "cuentas.movimientos", tipo: "events", ultima_particion: null, ultimo_cambio: null, filas: 0 },
  ],
};

export function volumenMes(over: Partial<VolumenMes>): VolumenMes {
  return { mes: "2026-02-01", tipo: "DEPOSITO", moneda: "PEN", cantidad: 1, volumen: "1.00", ticket_promedio: "1.00", monto_minimo: "1.00", monto_maximo: "1.00", ...over };
}

export const volumen: VolumenTransacciones = page([
  volumenMes({ mes: "2026-02-01", tipo: "DEPOSITO", cantidad: 2, volumen: "0.10" }),
  volumenMes({ mes: "2026-02-01", tipo: "RETIRO", cantidad: 1, volumen: "0.20" }),
  volumenMes({ mes: "2026-03-01", tipo: "TRANSFERENCIA", cantidad: 3, volumen: "9999999999999.99" }),
  volumenMes({ mes: "2026-03-01", tipo: "DEPOSITO", moneda: "USD", cantidad: 1, volumen: "50.00" }),
]);

export function actividadDia(over: Partial<ActividadDia>): ActividadDia {
  return { fecha: "2026-03-05", tipo: "DEPOSITO", moneda: "PEN", cantidad: 0, completadas: 0, rechazadas: 0, pendientes: 0, volumen: "0.00", ...over };
}

export const actividad: ActividadDiaria = {
  ...page([
    actividadDia({ fecha: "2026-03-05", tipo: "DEPOSITO", cantidad: 3, completadas: 2, rechazadas: 1, volumen: "0.10" }),
    actividadDia({ fecha: "2026-03-05", tipo: "RETIRO", cantidad: 2, completadas: 1, pendientes: 1, volumen: "0.20" }),
    actividadDia({ fecha: "2026-03-03", tipo: "DEPOSITO", cantidad: 1, completadas: 1, volumen: "5.00" }),
    actividadDia({ fecha: "2026-03-05", tipo: "DEPOSITO", moneda: "USD", cantidad: 7, completadas: 7, volumen: "700.00" }),
  ]),
  ventana: { desde: "2026-03-03", hasta: "2026-03-05" },
};

export function topCuenta(over: Partial<TopCuenta>): TopCuenta {
  return { moneda: "PEN", posicion: 1, cuenta_id: 11, numero_cuenta_enmascarado: "****0117", tipo_cuenta: "Cuenta Sueldo", estado: "activa", saldo: "100.10", ...over };
}

export const top: TopCuentas = page([topCuenta({}), topCuenta({ posicion: 2, cuenta_id: 12, numero_cuenta_enmascarado: "****0125", saldo: "0.20" })]);

export const porTipo: CuentasPorTipo = page([
  { tipo_cuenta_id: 1, tipo_cuenta: "Cuenta Sueldo", descripcion: null, moneda: "PEN", cantidad_cuentas: 2, cuentas_activas: 1, saldo_total: "100.30", saldo_promedio: "50.15" },
  { tipo_cuenta_id: 1, tipo_cuenta: "Cuenta Sueldo", descripcion: null, moneda: "USD", cantidad_cuentas: 1, cuentas_activas: 1, saldo_total: "50.00", saldo_promedio: "50.00" },
]);

export const porEstado: ClientesPorEstado = page([
  { estado: "activo", cantidad: 2, porcentaje: "66.67" },
  { estado: "bloqueado", cantidad: 1, porcentaje: "33.33" },
]);
