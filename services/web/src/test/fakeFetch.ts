/** A scripted fetch for tests: routes by method + path, records every call. */
import { vi } from "vitest";
import { configureHttp } from "../api/http";

export interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = ((call: Call) => Response | Promise<Response> | "network-error") | "network-error";

export function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function installFetch(routes: Record<string, Handler | Handler[]>) {
  const calls: Call[] = [];
  const counters = new Map<string, number>();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const headers = (init?.headers ?? {}) as Record<string, string>;
    let body: unknown = init?.body;
    if (typeof body === "string" && headers["Content-Type"] === "application/json") body = JSON.parse(body);
    const call = { method, url, headers, body };
    calls.push(call);
    const key = `${method} ${url.pathname}`;
    const match = routes[key] ?? Object.entries(routes).find(([pattern]) => new RegExp(`^${pattern}$`).test(key))?.[1];
    if (!match) return json(404, { detail: `no route for ${key}`, code: "not_found" });
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    const handler = Array.isArray(match) ? match[Math.min(n, match.length - 1)] : match;
    const result = handler === "network-error" ? handler : await handler(call);
    if (result === "network-error") throw new TypeError("Failed to fetch");
    return result;
  });
  configureHttp({ fetch: fetchMock as unknown as typeof fetch, sleep: async () => {}, getToken: () => "test-token" });
  return { calls, fetchMock };
}
