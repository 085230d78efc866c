import { describe, expect, it } from "vitest";
import { setConfig, defaultConfig } from "../config";
import { actividadDia, dashboard, page, top, volumen, volumenMes } from "../test/analyticsFixtures";
import { json, installFetch } from "../test/fakeFetch";
import { ApiError } from "./errors";
import { allPages, analyticsApi } from "./services";

setConfig({ ...defaultConfig, analyticsUrl: "http://analytics.test:8000" });

describe("analyticsApi", () => {
  it("calls the analytics service's routes", async () => {
    const { calls } = installFetch({
      "GET /dashboard-ejecutivo": () => json(200, dashboard),
      "GET /volumen-transacciones": () => json(200, volumen),
      "GET /top-cuentas": () => json(200, top),
    });
    expect((await analyticsApi.dashboard()).por_moneda[0].ticket_promedio_30d).toBe("83.33");
    await analyticsApi.volumenMensual("USD");
    await analyticsApi.topCuentas("EUR", 5);
    expect(calls.map((c) => c.url.origin)).toEqual(Array(3).fill("http://analytics.test:8000"));
    expect(calls[1].url.pathname).toBe("/volumen-transacciones");
    expect(Object.fromEntries(calls[1].url.searchParams)).toEqual({ moneda: "USD", limit: "200", offset: "0" });
    expect(Object.fromEntries(calls[2].url.searchParams)).toEqual({ moneda: "EUR", limit: "5" });
  });

  it("leaves the currency out when none is asked for", async () => {
    const { calls } = installFetch({ "GET /transacciones/por-mes": () => json(200, page([])) });
    await analyticsApi.porMes();
    expect(calls[0].url.searchParams.has("moneda")).toBe(false);
  });

  it("follows next_offset to the last page", async () => {
    const first = page([actividadDia({ fecha: "2026-03-01" })], { total: 3, next_offset: 200 });
    const second = page([actividadDia({ fecha: "2026-03-02" })], { total: 3, offset: 200, next_offset: 400 });
    const third = page([actividadDia({ fecha: "2026-03-03" })], { total: 3, offset: 400, next_offset: null });
    const { calls } = installFetch({ "GET /actividad-diaria": [() => json(200, first), () => json(200, second), () => json(200, third)] });
    const all = await analyticsApi.actividadDiaria("PEN");
    expect(all.items.map((d) => d.fecha)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
    expect(all.next_offset).toBeNull();
    expect(calls.map((c) => c.url.searchParams.get("offset"))).toEqual(["0", "200", "400"]);
  });

  it("refuses pages of different snapshots (a run was published mid-way)", async () => {
    installFetch({
      "GET /volumen-transacciones": [
        () => json(200, page([volumenMes({})], { next_offset: 200 })),
        () => json(200, { ...page([volumenMes({})]), run_id: "run-43" }),
      ],
    });
    await expect(allPages("/volumen-transacciones")).rejects.toThrow(/se actualizaron/);
  });

  it("a 503 before the first snapshot is an ApiError with the API's code", async () => {
    const body = { detail: "no analytics snapshot has been published yet: run the pipeline", code: "snapshot_unavailable" };
    const { calls } = installFetch({ "GET /dashboard-ejecutivo": () => json(503, body) });
    const error = (await analyticsApi.dashboard().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: "snapshot_unavailable" });
    expect(calls).toHaveLength(2); // one retry, then the answer
  });
});
