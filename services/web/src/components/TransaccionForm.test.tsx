import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors";
import type { Transaccion, TransaccionCreate } from "../api/types";
import { json, installFetch } from "../test/fakeFetch";
import { TransaccionForm, validateDraft } from "./TransaccionForm";

const cuenta = (id: number, moneda = "PEN") => ({
  cuenta_id: id,
  cliente_id: 1,
  tipo_cuenta_id: 1,
  numero_cuenta: `1910000000${id}`,
  saldo: "500.00",
  moneda,
  fecha_apertura: "2026-01-01T00:00:00Z",
  estado: "activa",
});

const done: Transaccion = {
  transaccion_id: "01J0000000000000000000TX01",
  tipo: "TRANSFERENCIA",
  cuenta_origen_id: 1,
  cuenta_destino_id: 2,
  monto: "25.00",
  moneda: "PEN",
  descripcion: null,
  estado: "COMPLETADA",
  fecha: "2026-03-05T19:07:00Z",
  created_at: "2026-03-05T19:07:00Z",
  updated_at: "2026-03-05T19:07:00Z",
};

describe("validateDraft mirrors the API's rules per tipo", () => {
  const base = { origen: "", destino: "", monto: "10", descripcion: "" };
  it("deposit needs a destination only; withdrawal and payment an origin only", () => {
    expect(validateDraft({ ...base, tipo: "DEPOSITO" })).toEqual({ cuenta_destino_id: "Indique la cuenta de destino." });
    expect(validateDraft({ ...base, tipo: "RETIRO", destino: "5" })).toEqual({ cuenta_origen_id: "Indique la cuenta de origen." });
    expect(validateDraft({ ...base, tipo: "PAGO_SERVICIO", origen: "3" })).toEqual({});
  });
  it("transfer needs two different accounts of one currency", () => {
    expect(validateDraft({ ...base, tipo: "TRANSFERENCIA", origen: "3", destino: "3" })).toHaveProperty("cuenta_destino_id");
    const errors = validateDraft({ ...base, tipo: "TRANSFERENCIA", origen: "1", destino: "2" }, cuenta(1) as never, cuenta(2, "USD") as never);
    expect(errors.cuenta_destino_id).toMatch(/misma moneda/);
    expect(validateDraft({ ...base, tipo: "TRANSFERENCIA", origen: "1", destino: "2" }, cuenta(1) as never, cuenta(2) as never)).toEqual({});
  });
  it("amount > 0 with at most 2 decimals", () => {
    expect(validateDraft({ ...base, tipo: "PAGO_SERVICIO", origen: "1", monto: "0" })).toHaveProperty("monto");
    expect(validateDraft({ ...base, tipo: "PAGO_SERVICIO", origen: "1", monto: "1.005" })).toHaveProperty("monto");
  });
});

describe("TransaccionForm", () => {
  it("shows only the accounts each tipo takes", async () => {
    installFetch({ "GET /cuentas/\\d+": () => json(200, cuenta(1)) });
    render(<TransaccionForm create={vi.fn()} onCreated={() => {}} />);
    const user = userEvent.setup();
    expect(screen.queryByLabelText("Cuenta de origen (ID)")).toBeNull();
    expect(screen.getByLabelText("Cuenta de destino (ID)")).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Tipo"), "RETIRO");
    expect(screen.getByLabelText("Cuenta de origen (ID)")).toBeTruthy();
    expect(screen.queryByLabelText("Cuenta de destino (ID)")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Tipo"), "TRANSFERENCIA");
    expect(screen.getByRole("button", { name: "Transferir" })).toBeTruthy();
  });

  it("a double click on Transferir sends one request, disabled while in flight", async () => {
    installFetch({ "GET /cuentas/\\d+": (call) => json(200, cuenta(Number(call.url.pathname.split("/").pop()))) });
    let release!: (tx: Transaccion) => void;
    const create = vi.fn((_body: TransaccionCreate, _key: string) => new Promise<Transaccion>((resolve) => (release = resolve)));
    const onCreated = vi.fn();
    render(<TransaccionForm initial={{ tipo: "TRANSFERENCIA", origen: "1", destino: "2" }} create={create} onCreated={onCreated} />);
    await userEvent.setup().type(screen.getByLabelText(/^Monto/), "25");
    await waitFor(() => expect(screen.getByText(/^19100000001 · PEN/)).toBeTruthy());
    const button = screen.getByRole("button", { name: "Transferir" });
    act(() => {
      fireEvent.click(button);
      fireEvent.click(button); // same frame: before React re-renders the disabled button
    });
    await userEvent.setup().dblClick(button);
    expect(create).toHaveBeenCalledTimes(1);
    expect((screen.getByRole("button", { name: "Procesando…" }) as HTMLButtonElement).disabled).toBe(true);
    expect(create.mock.calls[0][0]).toEqual({
      tipo: "TRANSFERENCIA",
      cuenta_origen_id: 1,
      cuenta_destino_id: 2,
      monto: "25.00",
      moneda: "PEN",
      descripcion: null,
    });
    await act(async () => release(done));
    expect(onCreated).toHaveBeenCalledWith(done);
  });

  it("a retry after a network failure reuses the key; the next operation gets a new one", async () => {
    installFetch({ "GET /cuentas/\\d+": () => json(200, cuenta(7)) });
    const create = vi
      .fn<(body: TransaccionCreate, key: string) => Promise<Transaccion>>()
      .mockRejectedValueOnce(new ApiError(0, "network_error", null))
      .mockResolvedValue({ ...done, tipo: "DEPOSITO" });
    render(<TransaccionForm initial={{ tipo: "DEPOSITO", destino: "7" }} create={create} onCreated={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Monto/), "100");
    await user.click(screen.getByRole("button", { name: "Depositar" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/No se pudo conectar/);
    await user.click(screen.getByRole("button", { name: "Depositar" }));
    await waitFor(() => expect(create).toHaveBeenCalledTimes(2));
    expect(create.mock.calls[1][1]).toBe(create.mock.calls[0][1]);
    await user.type(screen.getByLabelText(/^Monto/), "5");
    await user.click(screen.getByRole("button", { name: "Depositar" }));
    await waitFor(() => expect(create).toHaveBeenCalledTimes(3));
    expect(create.mock.calls[2][1]).not.toBe(create.mock.calls[0][1]);
  });

  it("shows the API's 422 next to the amount", async () => {
    installFetch({ "GET /cuentas/\\d+": () => json(200, cuenta(7)) });
    const create = vi.fn().mockRejectedValue(
      new ApiError(422, "validation_error", [{ loc: ["body", "monto"], msg: "x", type: "decimal_max_digits", ctx: { max_digits: "15" } }]),
    );
    render(<TransaccionForm initial={{ tipo: "DEPOSITO", destino: "7" }} create={create} onCreated={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^Monto/), "99999999999999");
    await user.click(screen.getByRole("button", { name: "Depositar" }));
    expect(await screen.findByText("Como máximo 15 dígitos.")).toBeTruthy();
  });
});
