/** Typed calls to each service. Base URLs come from the runtime config. */
import { getConfig } from "../config";
import { request } from "./http";
import type {
  ActividadDia,
  ActividadDiaria,
  BusquedaClientes,
  Calidad,
  Cliente,
  ClienteCreate,
  ClienteReplace,
  ClientesPorEstadoItem,
  Cuenta,
  CuentaCreate,
  CuentasPorTipoItem,
  DashboardEjecutivo,
  EstadoCliente,
  EstadoCuenta,
  Frescura,
  Moneda,
  Page,
  PaginaAnalytics,
  PerfilCompleto,
  SaldoUpdate,
  TipoCuenta,
  TokenResponse,
  TopCuentas,
  Transaccion,
  TransaccionCreate,
  TransaccionFilters,
  TransaccionesMes,
  VolumenMes,
} from "./types";

/** A list endpoint may answer a Page or (a few reference lists) a bare array. */
export function itemsOf<T>(data: Page<T> | T[] | { items?: T[] }): T[] {
  if (Array.isArray(data)) return data;
  return data.items ?? [];
}

const cfg = () => getConfig();

export const authApi = {
  login: (username: string, password: string) =>
    request<TokenResponse>(cfg().authUrl, "/auth/token", {
      method: "POST",
      form: { grant_type: "password", username, password },
      retries: 0,
    }),
};

export const clientesApi = {
  list: (params: { q?: string; estado?: EstadoCliente | ""; limit: number; offset: number }, signal?: AbortSignal) =>
    request<Page<Cliente>>(cfg().clientesUrl, "/clientes", { query: params, signal }),
  get: (id: number) => request<Cliente>(cfg().clientesUrl, `/clientes/${id}`),
  create: (body: ClienteCreate) =>
    request<Cliente>(cfg().clientesUrl, "/clientes", { method: "POST", body }),
  replace: (id: number, body: ClienteReplace) =>
    request<Cliente>(cfg().clientesUrl, `/clientes/${id}`, { method: "PUT", body }),
};

export const cuentasApi = {
  tipos: () => request<Page<TipoCuenta> | TipoCuenta[]>(cfg().cuentasUrl, "/tipos-cuenta").then(itemsOf),
  porCliente: (clienteId: number, limit = 200, offset = 0) =>
    request<Page<Cuenta> | Cuenta[]>(cfg().cuentasUrl, `/cuentas/cliente/${clienteId}`, {
      query: { limit, offset },
    }).then(itemsOf),
  get: (id: number) => request<Cuenta>(cfg().cuentasUrl, `/cuentas/${id}`),
  open: (body: CuentaCreate, idempotencyKey: string) =>
    request<Cuenta>(cfg().cuentasUrl, "/cuentas", { method: "POST", body, idempotencyKey }),
  saldo: (id: number, body: SaldoUpdate, idempotencyKey: string) =>
    request<Cuenta>(cfg().cuentasUrl, `/cuentas/${id}/saldo`, { method: "PATCH", body, idempotencyKey }),
  estado: (id: number, estado: EstadoCuenta) =>
    request<Cuenta>(cfg().cuentasUrl, `/cuentas/${id}/estado`, { method: "PATCH", body: { estado } }),
};

export const transaccionesApi = {
  list: (filters: TransaccionFilters & { limit: number; offset: number }, signal?: AbortSignal) =>
    request<Page<Transaccion>>(cfg().transaccionesUrl, "/transacciones", { query: { ...filters }, signal }),
  create: (body: TransaccionCreate, idempotencyKey: string) =>
    request<Transaccion>(cfg().transaccionesUrl, "/transacciones", { method: "POST", body, idempotencyKey }),
  reverse: (id: string, idempotencyKey: string) =>
    request<Transaccion>(cfg().transaccionesUrl, `/transacciones/${encodeURIComponent(id)}/reversa`, {
      method: "POST",
      idempotencyKey,
    }),
};

export const perfilApi = {
  buscar: (q: string, signal?: AbortSignal) =>
    request<BusquedaClientes>(cfg().perfilUrl, "/api/clientes/buscar", { query: { q, limit: 20 }, signal }).then(
      (data) => data.items,
    ),
  perfil: (id: number) => request<PerfilCompleto>(cfg().perfilUrl, `/api/clientes/${id}/perfil-completo`),
};

const analytics = <T>(path: string, query?: Record<string, string | number | undefined>, signal?: AbortSignal) =>
  request<T>(cfg().analyticsUrl, path, { query, retries: 1, signal });

/** The API's largest page (services.common.pagination.MAX_LIMIT). */
export const ANALYTICS_PAGE = 200;
/** A bound on the pages one list may take (a runaway next_offset never loops forever). */
const MAX_PAGES = 25;

/** Every item of a paged analytics list (following next_offset), under the first page's metadata. */
export async function allPages<Item>(
  path: string,
  query: Record<string, string | number | undefined> = {},
  signal?: AbortSignal,
): Promise<PaginaAnalytics<Item>> {
  const first = await analytics<PaginaAnalytics<Item>>(path, { ...query, limit: ANALYTICS_PAGE, offset: 0 }, signal);
  const items = [...first.items];
  let next = first.next_offset;
  for (let n = 1; next !== null && next !== undefined && n < MAX_PAGES; n++) {
    const page = await analytics<PaginaAnalytics<Item>>(path, { ...query, limit: ANALYTICS_PAGE, offset: next }, signal);
    if (page.run_id !== first.run_id) throw new Error("Los datos se actualizaron durante la carga; reintente.");
    items.push(...page.items);
    next = page.next_offset;
  }
  return { ...first, items, next_offset: null };
}

export const analyticsApi = {
  dashboard: (signal?: AbortSignal) => analytics<DashboardEjecutivo>("/dashboard-ejecutivo", undefined, signal),
  /** COMPLETADA only, per month, tipo and currency: the money that moved. */
  volumenMensual: (moneda?: Moneda, signal?: AbortSignal) =>
    allPages<VolumenMes>("/volumen-transacciones", { moneda }, signal),
  /** Every estado, per month, tipo and currency (counts of attempts, amounts not only moved). */
  porMes: (moneda?: Moneda, signal?: AbortSignal) => allPages<TransaccionesMes>("/transacciones/por-mes", { moneda }, signal),
  cuentasPorTipo: (signal?: AbortSignal) => allPages<CuentasPorTipoItem>("/cuentas/por-tipo", {}, signal),
  clientesPorEstado: (signal?: AbortSignal) => allPages<ClientesPorEstadoItem>("/clientes-por-estado", {}, signal),
  actividadDiaria: (moneda?: Moneda, signal?: AbortSignal) =>
    allPages<ActividadDia>("/actividad-diaria", { moneda }, signal) as Promise<ActividadDiaria>,
  /** The highest balances, ranked within ``moneda``. */
  topCuentas: (moneda: Moneda, limit = 10, signal?: AbortSignal) =>
    analytics<TopCuentas>("/top-cuentas", { moneda, limit }, signal),
  calidad: (signal?: AbortSignal) => analytics<Calidad>("/calidad", undefined, signal),
  frescura: (signal?: AbortSignal) => analytics<Frescura>("/frescura", undefined, signal),
};
