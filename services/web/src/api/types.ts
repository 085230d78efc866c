/**
 * The API contracts the SPA uses. The operational services' types are generated from their
 * OpenAPI (`python services/web/scripts/dump_openapi.py && npm run gen:api` writes
 * src/api/generated/); the analytics API's are hand-written until that service exists.
 */
import type { components as ClientesApi } from "./generated/clientes";
import type { components as CuentasApi } from "./generated/cuentas";
import type { components as PerfilApi } from "./generated/perfil360";
import type { components as TransaccionesApi } from "./generated/transacciones";

type C = ClientesApi["schemas"];
type Cu = CuentasApi["schemas"];
type T = TransaccionesApi["schemas"];
type P = PerfilApi["schemas"];

export type Moneda = Cu["Moneda"];
export const MONEDAS: Moneda[] = ["PEN", "USD", "EUR"];

/** Decimal amount as the APIs send it: a string, never parsed through a float. */
export type Decimal = string;

/** The kit's page (services.common.pagination.Page). */
export interface Page<Item> {
  items: Item[];
  total: number | null;
  limit: number;
  offset: number;
  next_offset: number | null;
}

// --- clientes ----------------------------------------------------------------------------
export type EstadoCliente = C["EstadoCliente"];
export const ESTADOS_CLIENTE: EstadoCliente[] = ["activo", "inactivo", "bloqueado"];
export type TipoDocumento = C["TipoDocumento"];
export const TIPOS_DOCUMENTO: TipoDocumento[] = ["DNI", "Pasaporte", "RUC", "Carnet Extranjeria"];
export type Documento = C["DocumentoPublic"];
export type Cliente = C["ClientePublic"];
export type ClienteCreate = C["ClienteCreate"];
/** One shape per tipo_documento (a discriminated union). */
export type DocumentoCreate = ClienteCreate["documento"];
/** PUT body: every editable field (telefono may be null). */
export type ClienteReplace = C["ClienteReplace"];

// --- cuentas -----------------------------------------------------------------------------
export type EstadoCuenta = Cu["EstadoCuenta"];
export type TipoCuenta = Cu["TipoCuentaPublic"];
export type Cuenta = Cu["CuentaPublic"];
export type CuentaCreate = Cu["CuentaCreate"];
export type OperacionSaldo = Cu["Operacion"];
export type SaldoUpdate = Cu["SaldoUpdate"];

// --- transacciones -----------------------------------------------------------------------
/** The tipos a user may create; a REVERSA comes only from POST /transacciones/{id}/reversa. */
export type TipoTransaccion = T["TipoTransaccion"];
export const TIPOS_TRANSACCION: TipoTransaccion[] = ["DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO"];
export type TipoRegistrado = T["Tipo"];
export const TIPOS_REGISTRADOS: TipoRegistrado[] = [...TIPOS_TRANSACCION, "REVERSA"];
export type EstadoTransaccion = T["Estado"];
export const ESTADOS_TRANSACCION: EstadoTransaccion[] = ["PENDIENTE", "COMPLETADA", "RECHAZADA"];
export type Transaccion = T["TransaccionPublic"];
export type TransaccionCreate = T["TransaccionCreate"];

export interface TransaccionFilters {
  tipo?: TipoRegistrado | "";
  estado?: EstadoTransaccion | "";
  moneda?: Moneda | "";
  desde?: string;
  hasta?: string;
  cuenta_id?: number | "";
}

// --- perfil360 ---------------------------------------------------------------------------
/** How a transaction touches the client: money in, out, or between its own accounts. */
export type Sentido = P["Sentido"];
export type TransaccionCliente = P["TransaccionCliente"];
/** One currency's figures; never added across currencies. */
export type ResumenMoneda = P["ResumenMoneda"];
export type PerfilCompleto = P["PerfilCompleto"];
export type BusquedaClientes = P["BusquedaClientes"];
export type ClientePerfil = P["Cliente"];
export type CuentaPerfil = P["Cuenta"];

/** What a client search shows, from clientes or from perfil360. */
export interface ClienteBasico {
  cliente_id: number;
  nombre: string;
  apellido: string;
  email: string;
  estado: string;
}

// --- analytics ---------------------------------------------------------------------------
export interface Freshness {
  as_of: string;
  run_id: string;
}

export interface KpiMoneda {
  moneda: Moneda;
  saldo_total?: Decimal;
  volumen_30d?: Decimal;
  volumen_mes?: Decimal;
  transacciones_30d?: number;
  transacciones_mes?: number;
  ticket_promedio?: Decimal;
  cuentas?: number;
}

export interface DashboardEjecutivo extends Freshness {
  total_clientes?: number;
  clientes_activos?: number;
  total_cuentas?: number;
  cuentas_por_estado?: Record<string, number>;
  por_moneda: KpiMoneda[];
  [extra: string]: unknown;
}

export interface Listado<T> extends Freshness {
  items: T[];
}

export interface VolumenMes {
  mes: string;
  tipo: TipoTransaccion;
  moneda: Moneda;
  estado?: EstadoTransaccion;
  cantidad: number;
  monto_total: Decimal;
}

export interface CuentasPorTipo {
  tipo_cuenta: string;
  moneda?: Moneda;
  cantidad_cuentas: number;
  saldo_total?: Decimal;
}

export interface ClientesPorEstado {
  estado: EstadoCliente;
  cantidad: number;
}

export interface ActividadDia {
  fecha: string;
  tipo?: TipoTransaccion;
  moneda?: Moneda;
  cantidad: number;
  monto_total?: Decimal;
}

export interface TopCuenta {
  cuenta_id?: number;
  numero_cuenta: string;
  tipo_cuenta?: string;
  moneda: Moneda;
  saldo: Decimal;
}

export interface Calidad extends Freshness {
  ok: boolean;
  checks?: { nombre: string; ok: boolean; detalle?: string | null }[];
}

export interface Frescura extends Freshness {
  fuentes?: { fuente: string; as_of: string | null }[];
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  role: Role;
}

export type Role = "admin" | "cajero" | "analista";
