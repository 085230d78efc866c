/**
 * Where the APIs are. The SPA server answers /config.json with URLs computed from the stack's
 * settings (so a port offset needs no rebuild); without it (vite dev, tests) the build-time
 * VITE_* variables or the default local ports are used.
 */
export interface AppConfig {
  clientesUrl: string;
  cuentasUrl: string;
  transaccionesUrl: string;
  perfilUrl: string;
  analyticsUrl: string;
  authUrl: string;
  dagsterUrl: string;
  dbtDocsUrl: string;
  /** shown on the login page of a development stack, never in production */
  devLoginHint?: string | null;
}

const env = import.meta.env;

export const defaultConfig: AppConfig = {
  clientesUrl: env.VITE_CLIENTES_URL ?? "http://127.0.0.1:8001",
  cuentasUrl: env.VITE_CUENTAS_URL ?? "http://127.0.0.1:8002",
  transaccionesUrl: env.VITE_TRANSACCIONES_URL ?? "http://127.0.0.1:8004",
  perfilUrl: env.VITE_PERFIL_URL ?? "http://127.0.0.1:6000",
  analyticsUrl: env.VITE_ANALYTICS_URL ?? "http://127.0.0.1:8000",
  authUrl: env.VITE_AUTH_URL ?? env.VITE_PERFIL_URL ?? "http://127.0.0.1:6000",
  dagsterUrl: env.VITE_DAGSTER_URL ?? "http://127.0.0.1:3000",
  dbtDocsUrl: env.VITE_DBT_DOCS_URL ?? "http://127.0.0.1:8000/dbt-docs/",
  devLoginHint: null,
};

let current: AppConfig = defaultConfig;

export function getConfig(): AppConfig {
  return current;
}

export function setConfig(config: AppConfig): void {
  current = config;
}

/** Fetch /config.json once at start-up; fall back to the build-time defaults. */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  try {
    const response = await fetchImpl("/config.json", { cache: "no-store" });
    if (response.ok) {
      const data = (await response.json()) as Partial<AppConfig>;
      current = { ...defaultConfig, ...data };
      return current;
    }
  } catch {
    // no SPA server (dev server or tests): defaults
  }
  current = defaultConfig;
  return current;
}
