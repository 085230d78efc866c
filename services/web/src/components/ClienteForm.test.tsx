import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/errors";
import type { Cliente } from "../api/types";
import { ClienteForm } from "./ClienteForm";

const cliente: Cliente = {
  cliente_id: 42,
  nombre: "María",
  apellido: "García",
  email: "maria@example.com",
  telefono: null,
  estado: "activo",
  fecha_registro: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  documentos: [],
};

/** The message shown for a field: linked to the input through aria-describedby. */
function messageFor(label: string): string | null {
  const input = screen.getByLabelText(label);
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id.endsWith("-error"));
  return ids.length ? document.getElementById(ids[0])!.textContent : null;
}

describe("ClienteForm", () => {
  it("shows each 422 message next to its field, and marks the field invalid", async () => {
    const onCreate = vi.fn().mockRejectedValue(
      new ApiError(422, "validation_error", [
        { loc: ["body", "email"], msg: "value is not a valid email address: An email address must have an @-sign.", type: "value_error" },
        { loc: ["body", "documento", "DNI", "numero_documento"], msg: "Value error, a DNI has 8 digits", type: "value_error" },
        { loc: ["body", "nombre"], msg: "String should have at least 1 character", type: "string_too_short", ctx: { min_length: "1" } },
      ]),
    );
    const onDone = vi.fn();
    render(<ClienteForm onCreate={onCreate} onDone={onDone} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Correo electrónico"), "maria-at-example");
    await user.type(screen.getByLabelText("Número de documento"), "123");
    await user.click(screen.getByRole("button", { name: "Registrar cliente" }));

    expect((await screen.findByRole("alert")).textContent).toMatch("Revise los campos marcados.");
    expect(messageFor("Correo electrónico")).toBe("value is not a valid email address: An email address must have an @-sign.");
    expect(messageFor("Número de documento")).toBe("a DNI has 8 digits");
    expect(messageFor("Nombre")).toBe("Campo obligatorio.");
    expect(messageFor("Apellido")).toBeNull();
    expect(screen.getByLabelText("Nombre").getAttribute("aria-invalid")).toBe("true");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("sends the document with the client and reports success", async () => {
    const onCreate = vi.fn().mockResolvedValue(cliente);
    const onDone = vi.fn();
    render(<ClienteForm onCreate={onCreate} onDone={onDone} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Nombre"), "María");
    await user.type(screen.getByLabelText("Apellido"), "García");
    await user.type(screen.getByLabelText("Correo electrónico"), "maria@example.com");
    await user.selectOptions(screen.getByLabelText("Tipo de documento"), "RUC");
    await user.type(screen.getByLabelText("Número de documento"), "20123456789");
    await user.click(screen.getByRole("button", { name: "Registrar cliente" }));
    expect(onCreate).toHaveBeenCalledWith({
      nombre: "María",
      apellido: "García",
      email: "maria@example.com",
      telefono: null,
      estado: "activo",
      documento: { tipo_documento: "RUC", numero_documento: "20123456789", fecha_emision: null, fecha_vencimiento: null },
    });
    expect(onDone).toHaveBeenCalledWith(cliente);
  });

  it("puts a duplicate e-mail (409) on the e-mail field", async () => {
    const onReplace = vi.fn().mockRejectedValue(new ApiError(409, "duplicate_email", "email: already registered"));
    render(<ClienteForm cliente={cliente} onReplace={onReplace} onDone={() => {}} onCancel={() => {}} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Guardar cambios" }));
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(messageFor("Correo electrónico")).toBe("Este correo ya está registrado.");
    expect(onReplace).toHaveBeenCalledWith(42, { nombre: "María", apellido: "García", email: "maria@example.com", telefono: null, estado: "activo" });
  });

  it("shows other failures as an error, not as silence", async () => {
    const onCreate = vi.fn().mockRejectedValue(new ApiError(503, "db_unavailable", "the database is unavailable"));
    render(<ClienteForm onCreate={onCreate} onDone={() => {}} onCancel={() => {}} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Registrar cliente" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/no está disponible/)).toBeTruthy();
  });
});
