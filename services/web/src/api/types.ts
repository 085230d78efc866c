/**
 * The API contracts the SPA uses, generated from each service's OpenAPI
 * (`python services/web/scripts/dump_openapi.py && npm run gen:api` writes src/api/generated/).
 */
import type { components as AnalyticsApi } from "./generated/analytics";
import type { components as ClientesApi } from "./generated/clientes";
import type { components as CuentasApi } from "./generated/cuentas";
import type { components as PerfilApi } from "./generated/perfil360";
import type { components as TransaccionesApi } from "./generated/transacciones";

type C = ClientesApi["schemas"];
type Cu = CuentasApi["schemas"];
type T = TransaccionesApi["schemas"];
type P = PerfilApi["schemas"];
type A = AnalyticsApi["schemas"];

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
/** Every body names its snapshot: as_of (a date: the "today" of the KPI windows), run_id. */
export type KpiMoneda = A["KpiMoneda"];
export type CuentasPorEstado = A["CuentasPorEstado"];
export type Ventana = A["Ventana"];
export type DashboardEjecutivo = A["DashboardEjecutivo"];
export type ClientesPorEstado = A["ClientesPorEstado"];
export type ClientesPorEstadoItem = A["ClientesPorEstadoItem"];
export type ClientesActivos = A["ClientesActivos"];
export type CuentasPorTipo = A["CuentasPorTipo"];
export type CuentasPorTipoItem = A["CuentasPorTipoItem"];
export type TopCuentas = A["TopCuentas"];
export type TopCuenta = A["TopCuenta"];
/** Every estado (PENDIENTE, COMPLETADA, RECHAZADA): a count of attempts, not a volume. */
export type TransaccionesPorMes = A["TransaccionesPorMes"];
export type TransaccionesMes = A["TransaccionesMes"];
/** COMPLETADA transactions only: the money that moved. */
export type VolumenTransacciones = A["VolumenTransacciones"];
export type VolumenMes = A["VolumenMes"];
export type ActividadDiaria = A["ActividadDiaria"];
export type ActividadDia = A["ActividadDia"];
export type Frescura = A["Frescura"];
export type Fuente = A["Fuente"];
export type Calidad = A["Calidad"];
export type CheckCalidad = A["CheckCalidad"];
/** The paging and snapshot fields every paged analytics answer has, around ``Item``s. */
export type PaginaAnalytics<Item> = Omit<A["TopCuentas"], "items"> & { items: Item[] };

export interface TokenResponse {
  access_token: string;
  token_type: string;
  role: Role;
}

export type Role = "admin" | "cajero" | "analista";
