import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, fieldErrors, validationMessage } from "./errors";

describe("422 validation details", () => {
  const error = new ApiError(422, "validation_error", [
    { loc: ["body", "email"], msg: "value is not a valid email address", type: "value_error" },
    { loc: ["body", "documento", "numero_documento"], msg: "String should have at least 6 characters", type: "string_too_short", ctx: { min_length: "6" } },
    { loc: ["body", "nombre"], msg: "Field required", type: "missing" },
    { loc: ["body"], msg: "Value error, fecha_emision must be before fecha_vencimiento", type: "value_error" },
  ]);

  it("keys messages by field path without the body prefix", () => {
    const errors = fieldErrors(error);
    expect(Object.keys(errors).sort()).toEqual(["", "documento.numero_documento", "email", "nombre"]);
    expect(errors.nombre).toBe("Campo obligatorio.");
    expect(errors["documento.numero_documento"]).toBe("Debe tener al menos 6 caracteres.");
    expect(errors.email).toBe("value is not a valid email address");
    expect(errors[""]).toBe("fecha_emision must be before fecha_vencimiento");
  });

  it("joins two messages for the same field", () => {
    const two = new ApiError(422, "validation_error", [
      { loc: ["body", "monto"], msg: "x", type: "greater_than", ctx: { gt: "0" } },
      { loc: ["body", "monto"], msg: "y", type: "decimal_max_places", ctx: { decimal_places: "2" } },
    ]);
    expect(fieldErrors(two).monto).toBe("Debe ser mayor que 0. Como máximo 2 decimales.");
  });

  it("drops the tag pydantic puts in the loc of a discriminated union", () => {
    const tagged = new ApiError(422, "validation_error", [
      { loc: ["body", "documento", "DNI", "numero_documento"], msg: "Value error, a DNI is exactly 8 digits", type: "value_error" },
      { loc: ["body", "documento", "Carnet Extranjeria", "fecha_vencimiento"], msg: "x", type: "date_parsing" },
      { loc: ["body", "items", 0, "monto"], msg: "Field required", type: "missing" },
    ]);
    expect(fieldErrors(tagged)).toEqual({
      "documento.numero_documento": "a DNI is exactly 8 digits",
      "documento.fecha_vencimiento": "Fecha inválida.",
      "items.0.monto": "Campo obligatorio.",
    });
  });

  it("falls back to the API's message for unknown types", () => {
    expect(validationMessage({ loc: ["body", "x"], msg: "something odd", type: "weird" })).toBe("something odd");
  });

  it("has no field errors for non-validation errors", () => {
    expect(fieldErrors(new ApiError(409, "conflict", "dup"))).toEqual({});
    expect(fieldErrors(new Error("x"))).toEqual({});
  });
});

describe("errorMessage", () => {
  it("explains each status in Spanish and keeps the API's detail", () => {
    expect(errorMessage(new ApiError(0, "network_error", null))).toMatch(/No se pudo conectar/);
    expect(errorMessage(new ApiError(503, "unavailable", "cuentas is down"))).toBe(
      "El servicio no está disponible en este momento. (cuentas is down)",
    );
    expect(errorMessage(new ApiError(403, "forbidden", "missing scope"))).toMatch(/permiso/);
  });
});
