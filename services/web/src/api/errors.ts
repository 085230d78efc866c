/** API errors: every service answers {"detail", "code"}; a 422 detail lists {loc, msg, type}. */

export interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type?: string;
  ctx?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;

  constructor(status: number, code: string, detail: unknown, message?: string) {
    super(message ?? describeDetail(status, detail));
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** The 422 items, if this is a validation error. */
  get validation(): ValidationItem[] {
    return Array.isArray(this.detail) ? (this.detail as ValidationItem[]) : [];
  }

  /** Network failure, timeout or a 5xx: the same request may succeed if tried again. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

function describeDetail(status: number, detail: unknown): string {
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) return "Hay datos inválidos en el formulario.";
  return `Error HTTP ${status}`;
}

const STATUS_MESSAGES: Record<number, string> = {
  0: "No se pudo conectar con el servicio. Revise su conexión e inténtelo de nuevo.",
  401: "Su sesión expiró o no es válida. Inicie sesión otra vez.",
  403: "Su perfil no tiene permiso para esta operación.",
  404: "No se encontró el recurso solicitado.",
  409: "La operación entra en conflicto con el estado actual.",
  422: "Hay datos inválidos en el formulario.",
  428: "Falta la clave de idempotencia de la operación.",
  429: "Demasiadas solicitudes; espere un momento.",
  500: "Error interno del servicio.",
  502: "El servicio no está disponible en este momento.",
  503: "El servicio no está disponible en este momento.",
  504: "El servicio tardó demasiado en responder.",
};

/** A sentence for people: the API's own message when it has one, else one per status. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const base = STATUS_MESSAGES[error.status] ?? `Error HTTP ${error.status}`;
    if (typeof error.detail === "string" && error.detail && error.status !== 0) {
      return `${base} (${error.detail})`;
    }
    return base;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

const TYPE_MESSAGES: Record<string, (ctx: Record<string, string>) => string> = {
  missing: () => "Campo obligatorio.",
  string_too_short: (c) =>
    c.min_length === "1" ? "Campo obligatorio." : `Debe tener al menos ${c.min_length} caracteres.`,
  string_too_long: (c) => `Debe tener como máximo ${c.max_length} caracteres.`,
  string_pattern_mismatch: () => "El formato no es válido.",
  enum: (c) => `Valor no permitido${c.expected ? ` (se espera ${c.expected})` : ""}.`,
  literal_error: (c) => `Valor no permitido${c.expected ? ` (se espera ${c.expected})` : ""}.`,
  greater_than: (c) => `Debe ser mayor que ${c.gt}.`,
  greater_than_equal: (c) => `Debe ser mayor o igual que ${c.ge}.`,
  less_than_equal: (c) => `Debe ser menor o igual que ${c.le}.`,
  decimal_max_places: (c) => `Como máximo ${c.decimal_places} decimales.`,
  decimal_max_digits: (c) => `Como máximo ${c.max_digits} dígitos.`,
  decimal_parsing: () => "Debe ser un número.",
  int_parsing: () => "Debe ser un número entero.",
  date_from_datetime_parsing: () => "Fecha inválida.",
  date_parsing: () => "Fecha inválida.",
  extra_forbidden: () => "Campo no permitido.",
};

/** The message to show next to a field for one 422 item (Spanish where the type is known). */
export function validationMessage(item: ValidationItem): string {
  const translate = item.type ? TYPE_MESSAGES[item.type] : undefined;
  if (translate) return translate(item.ctx ?? {});
  return item.msg.replace(/^Value error, /, "");
}

// a field name or a list index; anything else in a loc is a union tag that pydantic adds
// (["body", "documento", "DNI", "numero_documento"] for a discriminated union)
const FIELD_SEGMENT = /^[a-z_][a-z0-9_]*$/;

/**
 * 422 items keyed by field path ("documento.numero_documento"), the leading "body"/"query"
 * and union tags dropped. Items not tied to a field go under "" (shown atop the form).
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const item of error.validation) {
    const loc = item.loc[0] === "body" || item.loc[0] === "query" ? item.loc.slice(1) : item.loc;
    const key = loc
      .filter((part) => typeof part === "number" || FIELD_SEGMENT.test(part))
      .map(String)
      .join(".");
    const message = validationMessage(item);
    out[key] = out[key] ? `${out[key]} ${message}` : message;
  }
  return out;
}
