/**
 * The one place that talks HTTP: bearer token, JSON, timeouts, {"detail","code"} errors, and
 * retries that are safe — a GET, or a write that carries an Idempotency-Key, which is sent
 * unchanged on every attempt so the server applies the operation at most once.
 */
import { ApiError } from "./errors";

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  /** form-urlencoded body instead of JSON (OAuth2 password login) */
  form?: Record<string, string>;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** extra attempts after a network error or 502/503/504; default 2 when safe, else 0 */
  retries?: number;
  timeoutMs?: number;
}

export interface HttpDeps {
  fetch: typeof fetch;
  getToken: () => string | null;
  onUnauthorized: () => void;
  sleep: (ms: number) => Promise<void>;
}

const defaultDeps: HttpDeps = {
  fetch: (...args) => globalThis.fetch(...args),
  getToken: () => null,
  onUnauthorized: () => {},
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

let deps: HttpDeps = { ...defaultDeps };

/** Wire the token store and the 401 handler (and, in tests, a fake fetch). */
export function configureHttp(overrides: Partial<HttpDeps>): void {
  deps = { ...deps, ...overrides };
}

export function resetHttp(): void {
  deps = { ...defaultDeps };
}

export function buildUrl(base: string, path: string, query?: Query): string {
  const url = new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function toApiError(response: Response): Promise<ApiError> {
  let detail: unknown = null;
  let code = "error";
  try {
    const body = (await response.json()) as { detail?: unknown; code?: string };
    detail = body?.detail ?? null;
    code = body?.code ?? code;
  } catch {
    // not JSON (a proxy's error page): status only
  }
  return new ApiError(response.status, code, detail);
}

const BACKOFF_MS = [200, 600, 1500];

export async function request<T>(base: string, path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const safe = method === "GET" || Boolean(options.idempotencyKey);
  const retries = options.retries ?? (safe ? 2 : 0);
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = deps.getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let body: string | undefined;
  if (options.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const url = buildUrl(base, path, options.query);

  for (let attempt = 0; ; attempt++) {
    let error: ApiError;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? 15000);
    const onAbort = () => timeout.abort();
    options.signal?.addEventListener("abort", onAbort);
    try {
      const response = await deps.fetch(url, { method, headers, body, signal: timeout.signal });
      if (response.ok) {
        if (response.status === 204) return undefined as T;
        return (await response.json()) as T;
      }
      error = await toApiError(response);
      if (error.status === 401) deps.onUnauthorized();
    } catch (caught) {
      if (options.signal?.aborted) throw caught;
      error = new ApiError(0, "network_error", null);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (!error.retryable || attempt >= retries) throw error;
    await deps.sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
  }
}
