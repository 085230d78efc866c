import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { AuthProvider, sessionFromToken, type Session } from "../auth";
import * as fx from "../test/analyticsFixtures";
import { json, installFetch } from "../test/fakeFetch";
import DashboardPage from "./DashboardPage";
import PerfilPage, { balancesByCurrency } from "./PerfilPage";

function token(role: string, scopes: string[]): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "");
  return `${b64({ alg: "HS256" })}.${b64({ sub: role, role, scope: scopes.join(" "), exp: 4102444800 })}.sig`;
}

const OPS = ["clientes:read", "clientes:write", "cuentas:read", "cuentas:write", "transacciones:read", "transacciones:write", "perfil:read"];
const session = (role: "admin" | "cajero" | "analista", scopes: string[]): Session => sessionFromToken(token(role, scopes), role, role);

const cliente = { cliente_id: 5, nombre: "Ana", apellido: "Quispe", email: "ana@example.com", telefono: null, estado: "activo", fecha_registro: "2026-01-02T15:00:00Z", documentos: [] };
const cuentaPen = { cuenta_id: 11, cliente_id: 5, tipo_cuenta_id: 1, numero_cuenta: "19100000000117", saldo: "100.10", moneda: "PEN", fecha_apertura: "2026-01-03T00:00:00Z", estado: "activa" };
const cuentaPen2 = { ...cuentaPen, cuenta_id: 12, numero_cuenta: "19100000000125", saldo: "0.20", estado: "bloqueada" };
const cuentaUsd = { ...cuentaPen, cuenta_id: 13, numero_cuenta: "19100000000133", saldo: "50.00", moneda: "USD" };

beforeEach(() => window.history.replaceState(null, "", "/"));

describe("roles decide the pages", () => {
  it("an analista sees only the dashboard", () => {
    installFetch({});
    render(
      <AuthProvider initial={session("analista", ["analytics:read"])}>
        <App />
      </AuthProvider>,
    );
    const nav = screen.getByRole("navigation", { name: "Secciones" });
    expect(within(nav).getAllByRole("link").map((a) => a.textContent)).toEqual(["Dashboard ejecutivo"]);
  });

  it("a cajero sees the operations but not the dashboard", () => {
    installFetch({});
    render(
      <AuthProvider initial={session("cajero", OPS)}>
        <App />
      </AuthProvider>,
    );
    const links = within(screen.getByRole("navigation", { name: "Secciones" })).getAllByRole("link").map((a) => a.textContent);
    expect(links).toEqual(["Clientes", "Cuentas", "Transacciones", "Perfil 360°"]);
  });

  it("without a session the login form shows, and a wrong password says so", async () => {
    installFetch({ "POST /auth/token": () => json(401, { detail: "incorrect username or password", code: "invalid_credentials" }) });
    render(
      <AuthProvider>
        <App />
      </AuthProvider>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Usuario"), "admin");
    await user.type(screen.getByLabelText("Contraseña"), "nope");
    await user.click(screen.getByRole("button", { name: "Ingresar" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Usuario o contraseña incorrectos.");
  });

  it("a good login opens the first page the role may see", async () => {
    installFetch({
      "POST /auth/token": () => json(200, { access_token: token("admin", [...OPS, "analytics:read"]), token_type: "bearer", role: "admin" }),
      "GET /.*": () => json(503, { detail: "not yet", code: "unavailable" }),
    });
    render(
      <AuthProvider>
        <App />
      </AuthProvider>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Usuario"), "admin");
    await user.type(screen.getByLabelText("Contraseña"), "admin123");
    await user.click(screen.getByRole("button", { name: "Ingresar" }));
    expect(await screen.findByRole("heading", { name: "Dashboard ejecutivo" })).toBeTruthy();
    expect(window.location.pathname).toBe("/dashboard");
  });
});

describe("Perfil 360°", () => {
  it("shows a visible banner when the profile is partial, and still the client", async () => {
    window.history.replaceState(null, "", "/perfil?cliente=5");
    installFetch({
      "GET /api/clientes/5/perfil-completo": () =>
        json(200, { cliente, cuentas: [], transacciones_recientes: [], parcial: true, secciones_fallidas: ["cuentas", "transacciones"] }),
    });
    render(<PerfilPage />);
    const banner = await screen.findByTestId("perfil-parcial");
    expect(banner.getAttribute("role")).toBe("alert");
    expect(banner.textContent).toMatch(/Información parcial.*cuentas, transacciones/);
    expect(screen.getByRole("heading", { name: "Ana Quispe" })).toBeTruthy();
    expect(screen.getByText("No disponible: no se pudieron obtener las cuentas.")).toBeTruthy();
  });

  it("shows balances per currency, never summed across currencies", async () => {
    window.history.replaceState(null, "", "/perfil?cliente=5");
    installFetch({
      "GET /api/clientes/5/perfil-completo": () =>
        json(200, { cliente, cuentas: [cuentaPen, cuentaPen2, cuentaUsd], transacciones_recientes: [], parcial: false }),
    });
    render(<PerfilPage />);
    await screen.findByRole("heading", { name: "Ana Quispe" });
    expect(screen.queryByTestId("perfil-parcial")).toBeNull();
    const balances = document.querySelectorAll(".balances li .balance");
    expect(Array.from(balances, (b) => b.textContent!.replace(/\s/g, " "))).toEqual(["S/ 100.30", expect.stringMatching(/^(US\$|USD) 50\.00$/)]);
  });

  it("a failed profile call is an error message, not a blank page", async () => {
    window.history.replaceState(null, "", "/perfil?cliente=5");
    installFetch({ "GET /api/clientes/5/perfil-completo": () => json(503, { detail: "clientes is unavailable", code: "clientes_unavailable" }) });
    render(<PerfilPage />);
    expect((await screen.findByRole("alert")).textContent).toMatch(/No se pudo cargar el perfil.*no está disponible/);
  });

  it("uses the BFF's per-currency summary when present", async () => {
    window.history.replaceState(null, "", "/perfil?cliente=5");
    installFetch({
      "GET /api/clientes/5/perfil-completo": () =>
        json(200, {
          cliente,
          cuentas: [cuentaPen],
          transacciones_recientes: [],
          resumen_financiero: [
            { moneda: "PEN", saldo_total: "100.10", total_cuentas: 1, cuentas_activas: 1, total_transacciones: 500, total_transacciones_exacto: false, ultima_actividad: "2026-03-05T19:07:00Z" },
          ],
          parcial: false,
          secciones_fallidas: [],
        }),
    });
    render(<PerfilPage />);
    const item = await screen.findByText(/más de 500 transacciones/);
    expect(item.textContent!.replace(/\s/g, " ")).toMatch(/1 de 1 cuenta activa · más de 500 transacciones · última actividad 5 mar\. 2026, 2:07 p\. m\./);
  });

  it("balancesByCurrency is exact", () => {
    expect(balancesByCurrency([cuentaPen, cuentaPen2] as never)).toEqual([{ moneda: "PEN", saldo: "100.30", cuentas: 2, activas: 1 }]);
  });
});

describe("Dashboard ejecutivo", () => {
  const ok = (body: unknown) => () => json(200, body);
  const routes = (over: Record<string, ReturnType<typeof ok>> = {}) => ({
    "GET /dashboard-ejecutivo": ok(fx.dashboard),
    "GET /calidad": ok(fx.calidadOk),
    "GET /frescura": ok(fx.frescura),
    "GET /volumen-transacciones": ok(fx.volumen),
    "GET /actividad-diaria": ok(fx.actividad),
    "GET /top-cuentas": ok(fx.top),
    "GET /cuentas/por-tipo": ok(fx.porTipo),
    "GET /clientes-por-estado": ok(fx.porEstado),
    ...over,
  });
  const text = (testId: string) => screen.getByTestId(testId).textContent!.replace(/\s/g, " ");

  it("a failing analytics call shows an error for that section", async () => {
    installFetch(routes({ "GET /dashboard-ejecutivo": () => json(503, { detail: "marts are not loaded yet", code: "unavailable" }) }));
    render(<DashboardPage />);
    const alert = await screen.findByText(/No se pudieron cargar los indicadores/);
    expect(alert.closest("[role=alert]")!.textContent).toMatch(/marts are not loaded yet/);
    await waitFor(() => expect(document.querySelector("[data-state=ready]")).not.toBeNull());
    expect(screen.queryByTestId("sin-snapshot")).toBeNull();
  });

  it("before the first snapshot it says so once, instead of blank or broken sections", async () => {
    const none = () => json(503, { detail: "no analytics snapshot has been published yet: run the pipeline", code: "snapshot_unavailable" });
    installFetch({
      "GET /calidad": () => json(503, { detail: "no pipeline run has been recorded yet", code: "no_pipeline_run" }),
      "GET /.*": none,
    });
    render(<DashboardPage />);
    expect((await screen.findByTestId("sin-snapshot")).textContent).toMatch(/Aún no hay datos analíticos publicados/);
    await waitFor(() => expect(document.querySelector("[data-state=ready]")).not.toBeNull());
    expect(await screen.findByText("Sin datos publicados todavía.")).toBeTruthy();
    expect(await screen.findByText("El pipeline de datos no se ha ejecutado todavía.")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByLabelText("Indicadores")).toBeNull();
  });

  it("KPI cards per currency with the API's fields, freshness and quality", async () => {
    installFetch(routes());
    render(<DashboardPage />);
    expect((await screen.findByTestId("kpi-PEN-saldo_total")).textContent!.replace(/\s/g, " ")).toBe("S/ 1,234,567.89");
    expect(text("kpi-PEN-ticket_promedio_30d")).toBe("S/ 83.33");
    expect(text("kpi-PEN-ticket_promedio_mes")).toBe("S/ 10.00");
    expect(text("kpi-PEN-volumen_30d")).toBe("S/ 1,000.00");
    expect(text("kpi-PEN-transacciones_30d")).toBe("12");
    expect(text("kpi-USD-ticket_promedio_30d")).toBe("—");
    expect(text("kpi-USD-saldo_total")).toMatch(/5,000\.00/);
    expect(text("kpi-USD-saldo_total")).not.toMatch(/S\//);
    expect(text("kpi-EUR-saldo_total")).toMatch(/^(€|EUR) 0\.10$/);
    expect(text("kpi-total_clientes")).toBe("20,000");
    expect(text("kpi-cuentas-bloqueada")).toBe("600");
    // one card set per currency, none adding currencies up
    expect(document.querySelectorAll("[data-moneda]")).toHaveLength(3);
    expect(screen.queryByText(/1,234,567\.89.*5,000|5,000.*1,234,567/)).toBeNull();
    expect((await screen.findByTestId("calidad")).textContent).toBe("Controles aprobados");
    expect(text("calidad-conteo")).toBe("2 de 2 aprobados");
    expect(screen.queryByTestId("calidad-aviso")).toBeNull();
    expect(text("as-of")).toBe("5 mar. 2026");
    expect(screen.getByText(/ejecución run-42/)).toBeTruthy();
    const fuentes = within(await screen.findByTestId("fuentes"));
    expect(fuentes.getByText("cuentas.movimientos")).toBeTruthy();
    expect(fuentes.getByText("21,000")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Dagster UI" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Documentación dbt" })).toBeTruthy();
  });

  it("warns when the last run failed and an older snapshot is served", async () => {
    installFetch(routes({ "GET /calidad": ok(fx.calidadFallida) }));
    render(<DashboardPage />);
    expect((await screen.findByTestId("calidad")).textContent).toBe("Controles fallidos");
    const aviso = screen.getByTestId("calidad-aviso");
    expect(aviso.closest("[role=status]")!.className).toMatch(/alert-warning/);
    expect(aviso.textContent).toMatch(/run-43.*no pasó/);
    expect(aviso.textContent).toMatch(/ejecución anterior \(run-42/);
    expect(text("calidad-conteo")).toBe("2 de 3 aprobados · 1 con advertencia");
    expect(screen.getByText(/saldo_igual_journal/).closest("li")!.textContent).toMatch(/fail.*en cuentas\.cuentas: 3 cuentas/);
  });

  it("warns when the latest run is served but failed a check (ok false)", async () => {
    installFetch(routes({ "GET /calidad": ok({ ...fx.calidadFallida, sirviendo_ultima: true, ejecucion: "run-42" }) }));
    render(<DashboardPage />);
    expect((await screen.findByTestId("calidad-aviso")).textContent).toMatch(/no pasó sus controles/);
    expect(screen.getByTestId("calidad-aviso").textContent).not.toMatch(/anterior/);
  });

  it("charts: COMPLETADA volume per currency, daily activity, top accounts masked", async () => {
    const { calls } = installFetch(routes());
    render(<DashboardPage />);
    const volumen = within(await screen.findByTestId("volumen-tabla"));
    const feb = volumen.getByText("feb. 2026").closest("tr")!;
    expect(feb.textContent!.replace(/\s/g, " ")).toContain("S/ 0.10S/ 0.20—S/ 0.30");
    expect(volumen.getByText("mar. 2026").closest("tr")!.textContent!.replace(/\s/g, " ")).toContain("S/ 9,999,999,999,999.99");
    expect(calls.some((c) => c.url.pathname === "/transacciones/por-mes")).toBe(false);
    const dia = within(screen.getByTestId("actividad-tabla")).getByText("5 mar. 2026").closest("tr")!;
    expect(dia.textContent!.replace(/\s/g, " ")).toBe("5 mar. 2026311S/ 0.30");
    const top = within(screen.getByTestId("top-cuentas"));
    expect(top.getByText("****0117")).toBeTruthy();
    expect(top.queryByText("19100000000117")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "USD" }));
    await waitFor(() => expect(screen.getByRole("heading", { name: "Cuentas con mayor saldo (USD)" })).toBeTruthy());
    await waitFor(() => expect(calls.filter((c) => c.url.searchParams.get("moneda") === "USD").map((c) => c.url.pathname).sort()).toEqual(["/actividad-diaria", "/top-cuentas", "/volumen-transacciones"]));
    const usd = within(await screen.findByTestId("volumen-tabla"));
    await waitFor(() => expect(usd.getByText("mar. 2026").closest("tr")!.textContent).toMatch(/50\.00/));
    expect(usd.queryByText("feb. 2026")).toBeNull();
  });
});
