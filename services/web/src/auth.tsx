/**
 * The session: the token lives in memory only (no storage, so closing the tab logs out).
 * What the user may see and do comes from the token's scopes, which the role decides.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { configureHttp } from "./api/http";
import { authApi } from "./api/services";
import type { Role } from "./api/types";

export type Scope =
  | "clientes:read"
  | "clientes:write"
  | "cuentas:read"
  | "cuentas:write"
  | "transacciones:read"
  | "transacciones:write"
  | "perfil:read"
  | "analytics:read";

export interface Session {
  token: string;
  user: string;
  role: Role;
  scopes: ReadonlySet<string>;
  expiresAt: number | null;
}

export interface AuthState {
  session: Session | null;
  /** why the last session ended, if it did not end by a logout */
  notice: string | null;
  login: (username: string, password: string) => Promise<Session>;
  logout: (notice?: string) => void;
  can: (scope: Scope) => boolean;
}

/** The JWT's claims (not verified here: the APIs verify every call). */
export function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
    );
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function sessionFromToken(token: string, role: Role, fallbackUser: string): Session {
  const claims = decodeClaims(token);
  const scope = typeof claims.scope === "string" ? claims.scope : "";
  return {
    token,
    role,
    user: typeof claims.sub === "string" ? claims.sub : fallbackUser,
    scopes: new Set(scope.split(" ").filter(Boolean)),
    expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : null,
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;

const AuthContext = createContext<AuthState | null>(null);

// the token for the HTTP layer; module state, never persisted
let currentToken: string | null = null;

export function AuthProvider({ children, initial = null }: { children: ReactNode; initial?: Session | null }) {
  const [session, setSession] = useState<Session | null>(initial);
  const [notice, setNotice] = useState<string | null>(null);
  currentToken = session?.token ?? null;

  const logout = useCallback((why?: string) => {
    currentToken = null;
    setSession(null);
    setNotice(why ?? null);
  }, []);

  useEffect(() => {
    configureHttp({
      getToken: () => currentToken,
      onUnauthorized: () => {
        if (currentToken) logout("Su sesión expiró. Inicie sesión otra vez.");
      },
    });
  }, [logout]);

  useEffect(() => {
    if (!session?.expiresAt) return;
    const ms = session.expiresAt - Date.now();
    if (ms > MAX_TIMER_MS) return; // setTimeout would overflow and fire at once
    const timer = setTimeout(() => logout("Su sesión expiró. Inicie sesión otra vez."), Math.max(ms, 0));
    return () => clearTimeout(timer);
  }, [session, logout]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await authApi.login(username, password);
    const next = sessionFromToken(answer.access_token, answer.role, username);
    currentToken = next.token;
    setNotice(null);
    setSession(next);
    return next;
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      session,
      notice,
      login,
      logout,
      can: (scope) => Boolean(session?.scopes.has(scope)),
    }),
    [session, notice, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrador",
  cajero: "Cajero",
  analista: "Analista",
};
