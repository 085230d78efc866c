/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_CLIENTES_URL?: string;
  readonly VITE_CUENTAS_URL?: string;
  readonly VITE_TRANSACCIONES_URL?: string;
  readonly VITE_PERFIL_URL?: string;
  readonly VITE_ANALYTICS_URL?: string;
  readonly VITE_AUTH_URL?: string;
  readonly VITE_DAGSTER_URL?: string;
  readonly VITE_DBT_DOCS_URL?: string;
}
