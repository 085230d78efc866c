/** Typed calls to each service. Base URLs come from the runtime config. */
import { getConfig } from "../config";
import { request } from "./http";
import type {
  ActividadDia,
  BusquedaClientes,
  Calidad,
  Cliente,
  ClienteCreate,
  ClienteReplace,
  ClientesPorEstado,
  Cuenta,
  CuentaCreate,
  CuentasPorTipo,
  DashboardEjecutivo,
  EstadoCliente,
  EstadoCuenta,
  Frescura,
  Listado,
  Page,
  PerfilCompleto,
  SaldoUpdate,
  TipoCuenta,
  TokenResponse,
  TopCuenta,
  Transaccion,
  TransaccionCreate,
  TransaccionFilters,
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

const analytics = <T>(path: string, query?: Record<string, string | number>) =>
  request<T>(cfg().analyticsUrl, path, { query, retries: 1 });

export const analyticsApi = {
  dashboard: () => analytics<DashboardEjecutivo>("/dashboard-ejecutivo"),
  porMes: () => analytics<Listado<VolumenMes>>("/transacciones/por-mes", { limit: 200 }),
  cuentasPorTipo: () => analytics<Listado<CuentasPorTipo>>("/cuentas/por-tipo"),
  clientesPorEstado: () => analytics<Listado<ClientesPorEstado>>("/clientes-por-estado"),
  actividadDiaria: () => analytics<Listado<ActividadDia>>("/actividad-diaria", { limit: 200 }),
  topCuentas: () => analytics<Listado<TopCuenta>>("/top-cuentas", { limit: 10 }),
  calidad: () => analytics<Calidad>("/calidad"),
  frescura: () => analytics<Frescura>("/frescura"),
};
