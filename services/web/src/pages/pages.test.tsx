import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { AuthProvider, sessionFromToken, type Session } from "../auth";
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
  const meta = { as_of: "2026-03-05T19:07:00Z", run_id: "run-42" };

  it("a failing analytics call shows an error for that section", async () => {
    installFetch({
      "GET /dashboard-ejecutivo": () => json(503, { detail: "marts are not loaded yet", code: "unavailable" }),
      "GET /calidad": () => json(200, { ...meta, ok: true, checks: [] }),
      "GET /frescura": () => json(200, meta),
      "GET /.*": () => json(200, { ...meta, items: [] }),
    });
    render(<DashboardPage />);
    const alert = await screen.findByText(/No se pudieron cargar los indicadores/);
    expect(alert.closest("[role=alert]")!.textContent).toMatch(/marts are not loaded yet/);
    await waitFor(() => expect(document.querySelector("[data-state=ready]")).not.toBeNull());
  });

  it("KPI cards per currency, freshness and quality", async () => {
    installFetch({
      "GET /dashboard-ejecutivo": () =>
        json(200, {
          ...meta,
          total_clientes: 20000,
          clientes_activos: 15000,
          total_cuentas: 21000,
          por_moneda: [
            { moneda: "PEN", saldo_total: "1234567.89", volumen_30d: "1000.00", volumen_mes: "10.00", transacciones_30d: 12, ticket_promedio: "83.33" },
            { moneda: "USD", saldo_total: "5000.00", volumen_30d: "0.00", volumen_mes: "0.00", transacciones_30d: 0, ticket_promedio: null },
          ],
        }),
      "GET /calidad": () => json(200, { ...meta, ok: false, checks: [{ nombre: "saldo_igual_journal", ok: false, detalle: "3 cuentas" }, { nombre: "x", ok: true }] }),
      "GET /frescura": () => json(200, meta),
      "GET /.*": () => json(200, { ...meta, items: [] }),
    });
    render(<DashboardPage />);
    expect((await screen.findByTestId("kpi-PEN-saldo_total")).textContent!.replace(/\s/g, " ")).toBe("S/ 1,234,567.89");
    expect(screen.getByTestId("kpi-USD-saldo_total").textContent).toMatch(/5,000\.00/);
    expect(screen.getByTestId("kpi-USD-saldo_total").textContent).not.toMatch(/S\//);
    expect(screen.getByTestId("kpi-total_clientes").textContent).toBe("20,000");
    expect((await screen.findByTestId("calidad")).textContent).toBe("Controles fallidos");
    expect(screen.getByText(/saldo_igual_journal: 3 cuentas/)).toBeTruthy();
    expect(screen.getByTestId("as-of").textContent!.replace(/\s/g, " ")).toBe("5 mar. 2026, 2:07 p. m.");
    expect(screen.getByRole("link", { name: "Dagster UI" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Documentación dbt" })).toBeTruthy();
  });
});
