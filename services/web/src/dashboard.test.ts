import { describe, expect, it } from "vitest";
import { ApiError } from "./api/errors";
import { actividadDiaria, isSinEjecucion, isSinSnapshot, resumenCalidad, volumenChartData, volumenMensual } from "./dashboard";
import { formatMonth } from "./format";
import { actividad, calidadFallida, calidadOk, volumen } from "./test/analyticsFixtures";

describe("volumenMensual (/volumen-transacciones, COMPLETADA only)", () => {
  it("one row per month for one currency, exact totals, tipos in the usual order", () => {
    const pen = volumenMensual(volumen.items, "PEN");
    expect(pen.tipos).toEqual(["DEPOSITO", "RETIRO", "TRANSFERENCIA"]);
    expect(pen.rows.map((r) => r.mes)).toEqual(["2026-02-01", "2026-03-01"]);
    expect(pen.rows[0]).toMatchObject({ volumen: { DEPOSITO: "0.10", RETIRO: "0.20" }, cantidad: { DEPOSITO: 2, RETIRO: 1 }, total: "0.30" });
    expect(pen.rows[1].total).toBe("9999999999999.99");
  });

  it("never mixes currencies", () => {
    const usd = volumenMensual(volumen.items, "USD");
    expect(usd.rows).toEqual([{ mes: "2026-03-01", volumen: { DEPOSITO: "50.00" }, cantidad: { DEPOSITO: 1 }, total: "50.00" }]);
    expect(volumenMensual(volumen.items, "EUR")).toEqual({ tipos: [], rows: [] });
  });

  it("gives the chart numbers, the table keeps the strings", () => {
    expect(volumenChartData(volumenMensual(volumen.items, "PEN"))[0]).toEqual({ mes: "2026-02-01", DEPOSITO: 0.1, RETIRO: 0.2 });
  });
});

describe("actividadDiaria", () => {
  it("adds the tipos of one currency per day, with the quiet days of the window at zero", () => {
    const days = actividadDiaria(actividad.items, "PEN", actividad.ventana);
    expect(days).toEqual([
      { fecha: "2026-03-03", cantidad: 1, completadas: 1, rechazadas: 0, pendientes: 0, volumen: "5.00" },
      { fecha: "2026-03-04", cantidad: 0, completadas: 0, rechazadas: 0, pendientes: 0, volumen: "0.00" },
      { fecha: "2026-03-05", cantidad: 5, completadas: 3, rechazadas: 1, pendientes: 1, volumen: "0.30" },
    ]);
  });

  it("keeps other currencies out", () => {
    const usd = actividadDiaria(actividad.items, "USD");
    expect(usd).toEqual([{ fecha: "2026-03-05", cantidad: 7, completadas: 7, rechazadas: 0, pendientes: 0, volumen: "700.00" }]);
  });
});

describe("resumenCalidad", () => {
  it("a passing run that is served: no warnings", () => {
    expect(resumenCalidad(calidadOk)).toMatchObject({ total: 2, aprobados: 2, fallidos: [], advertencias: [], avisos: [] });
  });

  it("a failed latest run with an older snapshot served: both warnings", () => {
    const r = resumenCalidad(calidadFallida);
    expect(r.aprobados).toBe(2);
    expect(r.fallidos.map((c) => c.nombre)).toEqual(["saldo_igual_journal"]);
    expect(r.advertencias.map((c) => c.nombre)).toEqual(["accepted_values_x"]);
    expect(r.avisos).toHaveLength(2);
    expect(r.avisos[0]).toMatch(/run-43.*no pasó/);
    expect(r.avisos[1]).toMatch(/ejecución anterior \(run-42, al 5 mar\. 2026\)/);
  });

  it("a failed first run: nothing is published yet", () => {
    const r = resumenCalidad({ ...calidadFallida, as_of: null, run_id: null });
    expect(r.avisos[1]).toMatch(/aún no hay datos publicados/);
  });
});

describe("the analytics API's 503s", () => {
  it("tells 'no snapshot yet' and 'no run yet' from any other failure", () => {
    expect(isSinSnapshot(new ApiError(503, "snapshot_unavailable", "no analytics snapshot"))).toBe(true);
    expect(isSinSnapshot(new ApiError(503, "unavailable", "marts not loaded"))).toBe(false);
    expect(isSinSnapshot(new Error("x"))).toBe(false);
    expect(isSinEjecucion(new ApiError(503, "no_pipeline_run", "no run"))).toBe(true);
    expect(isSinEjecucion(new ApiError(503, "snapshot_unavailable", "x"))).toBe(false);
  });
});

describe("formatMonth", () => {
  it("names the month of the API's first-day dates", () => {
    expect(formatMonth("2026-03-01")).toBe("mar. 2026");
    expect(formatMonth("2025-12")).toBe("dic. 2025");
    expect(formatMonth(null)).toBe("—");
  });
});
