/**
 * The API contracts the SPA uses. Hand-written from the services' schemas; `npm run gen:api`
 * writes the OpenAPI-generated types to src/api/generated/, and the aliases below switch to
 * them service by service as the services land.
 */

export type Moneda = "PEN" | "USD" | "EUR";
export const MONEDAS: Moneda[] = ["PEN", "USD", "EUR"];

/** Decimal amount as the APIs send it: a string (or a 2-dp number), never parsed via float. */
export type Decimal = string;

export interface Page<T> {
  items: T[];
  total: number | null;
  limit: number;
  offset: number;
  next_offset: number | null;
}

// --- clientes ----------------------------------------------------------------------------
export type EstadoCliente = "activo" | "inactivo" | "bloqueado";
export const ESTADOS_CLIENTE: EstadoCliente[] = ["activo", "inactivo", "bloqueado"];
export type TipoDocumento = "DNI" | "Pasaporte" | "RUC" | "Carnet Extranjeria";
export const TIPOS_DOCUMENTO: TipoDocumento[] = ["DNI", "Pasaporte", "RUC", "Carnet Extranjeria"];

export interface Documento {
  documento_id: number;
  cliente_id: number;
  tipo_documento: TipoDocumento;
  numero_documento: string;
  fecha_emision: string | null;
  fecha_vencimiento: string | null;
}

export interface Cliente {
  cliente_id: number;
  nombre: string;
  apellido: string;
  email: string;
  telefono: string | null;
  estado: EstadoCliente;
  fecha_registro: string;
  updated_at?: string;
  documentos: Documento[];
}

export interface DocumentoCreate {
  tipo_documento: TipoDocumento;
  numero_documento: string;
  fecha_emision?: string | null;
  fecha_vencimiento?: string | null;
}

export interface ClienteCreate {
  nombre: string;
  apellido: string;
  email: string;
  telefono?: string | null;
  estado?: EstadoCliente;
  documento: DocumentoCreate;
}

/** PUT body: every editable field (telefono may be null). */
export interface ClienteReplace {
  nombre: string;
  apellido: string;
  email: string;
  telefono: string | null;
  estado: EstadoCliente;
}

// --- cuentas -----------------------------------------------------------------------------
export type EstadoCuenta = "activa" | "bloqueada" | "cerrada";

export interface TipoCuenta {
  tipo_cuenta_id: number;
  nombre: string;
  descripcion?: string | null;
  costo_mantenimiento?: Decimal;
  tasa_interes?: Decimal;
  estado?: string;
}

export interface Cuenta {
  cuenta_id: number;
  cliente_id: number;
  tipo_cuenta_id: number;
  tipo_cuenta_nombre?: string | null;
  numero_cuenta: string;
  saldo: Decimal;
  moneda: Moneda;
  fecha_apertura: string;
  estado: EstadoCuenta;
  updated_at?: string;
}

export interface CuentaCreate {
  cliente_id: number;
  tipo_cuenta_id: number;
  moneda: Moneda;
  saldo_inicial: Decimal;
}

export type OperacionSaldo = "deposito" | "retiro";

export interface SaldoUpdate {
  monto: Decimal;
  operacion: OperacionSaldo;
}

// --- transacciones -----------------------------------------------------------------------
/** The tipos a user may create; a REVERSA comes only from POST /transacciones/{id}/reversa. */
export type TipoTransaccion = "DEPOSITO" | "RETIRO" | "TRANSFERENCIA" | "PAGO_SERVICIO";
export const TIPOS_TRANSACCION: TipoTransaccion[] = ["DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO"];
export type TipoRegistrado = TipoTransaccion | "REVERSA";
export const TIPOS_REGISTRADOS: TipoRegistrado[] = [...TIPOS_TRANSACCION, "REVERSA"];
export type EstadoTransaccion = "PENDIENTE" | "COMPLETADA" | "RECHAZADA";
export const ESTADOS_TRANSACCION: EstadoTransaccion[] = ["PENDIENTE", "COMPLETADA", "RECHAZADA"];

export interface Transaccion {
  transaccion_id: string;
  tipo: TipoRegistrado;
  cuenta_origen_id: number | null;
  cuenta_destino_id: number | null;
  monto: Decimal;
  moneda: Moneda;
  descripcion: string | null;
  estado: EstadoTransaccion;
  motivo?: string | null;
  fecha: string;
  reversa_de?: string | null;
}

export interface TransaccionCreate {
  tipo: TipoTransaccion;
  cuenta_origen_id: number | null;
  cuenta_destino_id: number | null;
  monto: Decimal;
  moneda: Moneda;
  descripcion: string | null;
}

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
export type Sentido = "ENTRADA" | "SALIDA" | "INTERNA";

export interface TransaccionCliente extends Transaccion {
  sentido?: Sentido;
}

/** One currency's figures; never added across currencies. */
export interface ResumenMoneda {
  moneda: Moneda;
  saldo_total: Decimal;
  total_cuentas: number;
  cuentas_activas: number;
  total_transacciones: number | null;
  total_transacciones_exacto?: boolean;
  ultima_actividad: string | null;
}

export interface PerfilCompleto {
  cliente: Cliente;
  cuentas: Cuenta[];
  transacciones_recientes: TransaccionCliente[];
  resumen_financiero?: ResumenMoneda[];
  parcial: boolean;
  /** sections that could not be fetched (e.g. "cuentas", "transacciones") */
  secciones_fallidas?: string[];
  errores?: Record<string, string> | string[];
  [extra: string]: unknown;
}

export interface BusquedaClientes {
  query?: string;
  total_resultados?: number;
  resultados?: Cliente[];
  items?: Cliente[];
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
