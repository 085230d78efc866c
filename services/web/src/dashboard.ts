/**
 * What the dashboard draws, computed from the analytics API's answers: pure functions (unit
 * tested). Money stays a decimal string and is added only within one currency (exactly, in
 * céntimos); counts may be added across tipos.
 */
import { ApiError } from "./api/errors";
import { TIPOS_REGISTRADOS, type ActividadDia, type Calidad, type CheckCalidad, type Decimal, type Moneda, type VolumenMes } from "./api/types";
import { formatDate, sumDecimals } from "./format";

/** The 503 the analytics API answers until the pipeline has published a snapshot. */
export function isSinSnapshot(error: unknown): boolean {
  return error instanceof ApiError && error.status === 503 && error.code === "snapshot_unavailable";
}

/** The 503 of /calidad before any pipeline run was recorded. */
export function isSinEjecucion(error: unknown): boolean {
  return error instanceof ApiError && error.status === 503 && error.code === "no_pipeline_run";
}

function ordered(tipos: Iterable<string>): string[] {
  const rank = (t: string) => {
    const i = (TIPOS_REGISTRADOS as string[]).indexOf(t);
    return i < 0 ? TIPOS_REGISTRADOS.length : i;
  };
  return [...new Set(tipos)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface VolumenMensual {
  /** the tipos that have volume, in the usual order */
  tipos: string[];
  rows: { mes: string; volumen: Record<string, Decimal>; cantidad: Record<string, number>; total: Decimal }[];
}

/** /volumen-transacciones (COMPLETADA only) for one currency, one row per month. */
export function volumenMensual(items: VolumenMes[], moneda: Moneda): VolumenMensual {
  const mine = items.filter((r) => r.moneda === moneda);
  const byMonth = new Map<string, VolumenMes[]>();
  for (const r of mine) byMonth.set(r.mes, [...(byMonth.get(r.mes) ?? []), r]);
  const rows = [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mes, rs]) => {
      const volumen: Record<string, Decimal> = {};
      const cantidad: Record<string, number> = {};
      for (const tipo of ordered(rs.map((r) => r.tipo))) {
        const same = rs.filter((r) => r.tipo === tipo);
        volumen[tipo] = sumDecimals(same.map((r) => r.volumen));
        cantidad[tipo] = same.reduce((n, r) => n + r.cantidad, 0);
      }
      return { mes, volumen, cantidad, total: sumDecimals(rs.map((r) => r.volumen)) };
    });
  return { tipos: ordered(mine.map((r) => r.tipo)), rows };
}

/** The chart's numbers (recharts plots numbers; the tables show the exact strings). */
export function volumenChartData(data: VolumenMensual): Record<string, string | number>[] {
  return data.rows.map((row) => {
    const point: Record<string, string | number> = { mes: row.mes };
    for (const [tipo, monto] of Object.entries(row.volumen)) point[tipo] = Number(monto);
    return point;
  });
}

export interface DiaActividad {
  fecha: string;
  cantidad: number;
  completadas: number;
  rechazadas: number;
  pendientes: number;
  volumen: Decimal;
}

function* days(desde: string, hasta: string): Generator<string> {
  const day = new Date(`${desde}T00:00:00Z`);
  const end = new Date(`${hasta}T00:00:00Z`);
  for (let n = 0; day <= end && n < 400; n++) {
    yield day.toISOString().slice(0, 10);
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

/**
 * /actividad-diaria for one currency, one row per day (tipos added up); with the window, the
 * days without any transaction are there too, at zero.
 */
export function actividadDiaria(items: ActividadDia[], moneda: Moneda, ventana?: { desde: string; hasta: string }): DiaActividad[] {
  const byDay = new Map<string, DiaActividad>();
  const empty = (fecha: string): DiaActividad => ({ fecha, cantidad: 0, completadas: 0, rechazadas: 0, pendientes: 0, volumen: "0.00" });
  if (ventana) for (const fecha of days(ventana.desde, ventana.hasta)) byDay.set(fecha, empty(fecha));
  for (const r of items) {
    if (r.moneda !== moneda) continue;
    const day = byDay.get(r.fecha) ?? empty(r.fecha);
    day.cantidad += r.cantidad;
    day.completadas += r.completadas;
    day.rechazadas += r.rechazadas;
    day.pendientes += r.pendientes;
    day.volumen = sumDecimals([day.volumen, r.volumen]);
    byDay.set(r.fecha, day);
  }
  return [...byDay.values()].sort((a, b) => a.fecha.localeCompare(b.fecha));
}

export interface ResumenCalidad {
  total: number;
  aprobados: number;
  /** did not pass (failed, errored, or not run) */
  fallidos: CheckCalidad[];
  advertencias: CheckCalidad[];
  /** what the user must see: the run failed, or an older snapshot is served */
  avisos: string[];
}

/** /calidad in words: counts, the checks that did not pass, and the warnings to show. */
export function resumenCalidad(calidad: Calidad): ResumenCalidad {
  const fallidos = calidad.checks.filter((c) => !c.ok);
  const advertencias = calidad.checks.filter((c) => c.ok && c.estado === "warn");
  const avisos: string[] = [];
  if (!calidad.ok) avisos.push(`La última ejecución del pipeline (${calidad.ejecucion}) no pasó sus controles de calidad.`);
  if (!calidad.sirviendo_ultima) {
    avisos.push(
      calidad.run_id
        ? `Se muestran los datos de una ejecución anterior (${calidad.run_id}, al ${formatDate(calidad.as_of)}), no los de la última (${calidad.ejecucion}).`
        : `La última ejecución (${calidad.ejecucion}) no publicó datos y aún no hay datos publicados.`,
    );
  }
  return { total: calidad.checks.length, aprobados: calidad.checks.length - fallidos.length, fallidos, advertencias, avisos };
}
