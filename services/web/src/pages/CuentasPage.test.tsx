import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { AuthProvider, sessionFromToken } from "../auth";
import { json, installFetch } from "../test/fakeFetch";
import CuentasPage from "./CuentasPage";

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "");
const token = `${b64({ alg: "HS256" })}.${b64({ sub: "cajero", role: "cajero", scope: "clientes:read cuentas:read cuentas:write transacciones:write", exp: 4102444800 })}.x`;
const cliente = { cliente_id: 5, nombre: "Ana", apellido: "Quispe", email: "ana@example.com", telefono: null, estado: "activo", fecha_registro: "2026-01-02T15:00:00Z", updated_at: "2026-01-02T15:00:00Z", documentos: [] };
const cuenta = {
  cuenta_id: 11, cliente_id: 5, tipo_cuenta_id: 1, tipo_cuenta_nombre: "Cuenta Sueldo", costo_mantenimiento: "0.00", tasa_interes: "0.00",
  numero_cuenta: "19100000000117", saldo: "100.00", moneda: "PEN", estado: "activa", version: 1,
  fecha_apertura: "2026-01-03T00:00:00Z", updated_at: "2026-01-03T00:00:00Z",
};

function renderPage() {
  return render(
    <AuthProvider initial={sessionFromToken(token, "cajero", "cajero")}>
      <CuentasPage />
    </AuthProvider>,
  );
}

beforeEach(() => window.history.replaceState(null, "", "/cuentas?cliente=5"));

describe("Cuentas: deposit with confirmation and one Idempotency-Key per action", () => {
  it("a failed confirmation retried by the user reuses the key; the balance updates once", async () => {
    const { calls } = installFetch({
      "GET /clientes/5": () => json(200, cliente),
      "GET /cuentas/cliente/5": [() => json(200, { items: [cuenta], total: 1, limit: 200, offset: 0, next_offset: null }), () => json(200, { items: [{ ...cuenta, saldo: "150.00" }], total: 1, limit: 200, offset: 0, next_offset: null })],
      // the first attempt (and its two automatic retries) cannot reach cuentas; the user retries
      "PATCH /cuentas/11/saldo": ["network-error", "network-error", "network-error", () => json(200, { ...cuenta, saldo: "150.00" })],
    });
    renderPage();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /^Depositar \/ retirar/ }));
    await user.type(screen.getByLabelText("Monto (PEN)"), "50");
    await user.click(screen.getByRole("button", { name: "Continuar" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog.textContent).toMatch(/¿Depositar S\/\s50\.00 en la cuenta 19100000000117\?/);
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancelar" }));
    await user.click(within(dialog).getByRole("button", { name: "Confirmar" }));
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(/No se pudo conectar/);
    await user.click(within(dialog).getByRole("button", { name: "Confirmar" }));
    await waitFor(() => expect(screen.getByText(/Depósito registrado\. Nuevo saldo: S\/\s150\.00\./)).toBeTruthy());
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches).toHaveLength(4);
    expect(new Set(patches.map((c) => c.headers["Idempotency-Key"])).size).toBe(1);
    expect(patches[0].body).toEqual({ monto: "50.00", operacion: "deposito" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("closing an account asks first, and Escape cancels without calling the API", async () => {
    const { calls } = installFetch({
      "GET /clientes/5": () => json(200, cliente),
      "GET /cuentas/cliente/5": () => json(200, { items: [cuenta], total: 1, limit: 200, offset: 0, next_offset: null }),
    });
    renderPage();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /^Cerrar/ }));
    expect(screen.getByRole("dialog").textContent).toMatch(/definitivo/);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  });
});
