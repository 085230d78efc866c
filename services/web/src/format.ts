/** Formatting for Peruvian bank staff: es-PE, amounts in their own currency, local dates. */
import type { Decimal, Moneda } from "./api/types";

export const LOCALE = "es-PE";

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(moneda: string): Intl.NumberFormat {
  let format = moneyFormats.get(moneda);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency: moneda,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    moneyFormats.set(moneda, format);
  }
  return format;
}

/**
 * "S/ 1,234.50", "US$ 10.00", "€ 3.00". The decimal string is formatted as a string (exact:
 * Intl formats numeric strings without going through a float).
 */
export function formatMoney(amount: Decimal | number | null | undefined, moneda: Moneda | string): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const value = typeof amount === "number" ? amount : normalizeDecimal(amount);
  if (value === null) return String(amount);
  // Intl accepts decimal strings (ES2023); the cast keeps older lib typings happy
  return moneyFormat(moneda).format(value as unknown as number);
}

const numberFormat = new Intl.NumberFormat(LOCALE);

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : numberFormat.format(value);
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

function normalizeDecimal(text: string): string | null {
  const trimmed = text.trim();
  return DECIMAL_RE.test(trimmed) ? trimmed : null;
}

/** Exact sum of decimal strings with up to 2 places (céntimos in BigInt). */
export function sumDecimals(values: (Decimal | number)[]): Decimal {
  let cents = 0n;
  for (const value of values) cents += toCents(String(value));
  return fromCents(cents);
}

export function toCents(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`not an amount: ${text}`);
  const [, sign, units, fraction = ""] = match;
  const cents = BigInt(units) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  return sign ? -cents : cents;
}

export function fromCents(cents: bigint): Decimal {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${units}.${fraction}`;
}

/** A user-typed amount ("1 234,5", "1234.50") as the API's decimal string, or null. */
export function parseAmount(input: string): Decimal | null {
  const compact = input.replace(/\s/g, "");
  if (!compact) return null;
  // accept a comma as decimal separator when there is no dot
  const normalized = compact.includes(".") ? compact.replace(/,/g, "") : compact.replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(normalized)) return null;
  return fromCents(toCents(normalized));
}

/** API timestamps are UTC; one without a zone is taken as UTC too. */
export function parseTimestamp(value: string): Date {
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value);
  return new Date(hasZone || !value.includes("T") ? value : `${value}Z`);
}

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium" });

/** Local date and time ("5 mar. 2026, 14:07"). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = parseTimestamp(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

/** A calendar date ("2026-03-05" → "5 mar. 2026"), no time-zone shift. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  const only = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (only) return dateFormat.format(new Date(Number(only[1]), Number(only[2]) - 1, Number(only[3])));
  const date = parseTimestamp(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

const monthFormat = new Intl.DateTimeFormat(LOCALE, { month: "short", year: "numeric" });

/** A month as the APIs send it (its first day, "2026-03-01") → "mar. 2026". */
export function formatMonth(value: string | null | undefined): string {
  if (!value) return "—";
  const only = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(value);
  return only ? monthFormat.format(new Date(Number(only[1]), Number(only[2]) - 1, 1)) : value;
}

const ESTADO_LABELS: Record<string, string> = {
  activo: "Activo",
  inactivo: "Inactivo",
  bloqueado: "Bloqueado",
  activa: "Activa",
  bloqueada: "Bloqueada",
  cerrada: "Cerrada",
  PENDIENTE: "Pendiente",
  COMPLETADA: "Completada",
  RECHAZADA: "Rechazada",
};

export function estadoLabel(estado: string): string {
  return ESTADO_LABELS[estado] ?? estado;
}

const TIPO_LABELS: Record<string, string> = {
  DEPOSITO: "Depósito",
  RETIRO: "Retiro",
  TRANSFERENCIA: "Transferencia",
  PAGO_SERVICIO: "Pago de servicio",
  REVERSA: "Reversa",
};

export function tipoLabel(tipo: string): string {
  return TIPO_LABELS[tipo] ?? tipo;
}

/** A rejection reason as the API codes it ("saldo_insuficiente") in words. */
export function motivoLabel(motivo: string): string {
  return motivo.replace(/_/g, " ");
}
