import { describe, expect, it, vi } from "vitest";
import { json, installFetch } from "../test/fakeFetch";
import { ApiError } from "./errors";
import { buildUrl, configureHttp, request } from "./http";
import { ActionKey } from "./idempotency";

const BASE = "http://api.test:8002";

describe("request", () => {
  it("sends the bearer token and JSON, and returns the parsed body", async () => {
    const { calls } = installFetch({ "POST /cuentas": () => json(201, { cuenta_id: 7 }) });
    const result = await request<{ cuenta_id: number }>(BASE, "/cuentas", { method: "POST", body: { a: 1 }, idempotencyKey: "key-12345678" });
    expect(result).toEqual({ cuenta_id: 7 });
    expect(calls[0].headers.Authorization).toBe("Bearer test-token");
    expect(calls[0].headers["Content-Type"]).toBe("application/json");
    expect(calls[0].headers["Idempotency-Key"]).toBe("key-12345678");
    expect(calls[0].body).toEqual({ a: 1 });
  });

  it("turns {detail, code} into an ApiError", async () => {
    installFetch({ "GET /cuentas/9": () => json(404, { detail: "cuenta 9 not found", code: "cuenta_not_found" }) });
    const error = await request(BASE, "/cuentas/9").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "cuenta_not_found", detail: "cuenta 9 not found" });
  });

  it("survives a non-JSON error page", async () => {
    installFetch({ "GET /x": () => new Response("<html>bad gateway</html>", { status: 502 }) });
    const error = (await request(BASE, "/x", { retries: 0 }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.code).toBe("error");
  });

  it("calls the 401 handler (the session ends)", async () => {
    installFetch({ "GET /clientes": () => json(401, { detail: "invalid or expired token", code: "invalid_token" }) });
    const onUnauthorized = vi.fn();
    configureHttp({ onUnauthorized });
    await expect(request(BASE, "/clientes")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("retries a write after a network error with the SAME Idempotency-Key", async () => {
    const { calls } = installFetch({
      "PATCH /cuentas/3/saldo": ["network-error", () => json(503, { detail: "busy", code: "unavailable" }), () => json(200, { saldo: "150.00" })],
    });
    const key = new ActionKey(() => "the-one-key-0001").for({ monto: "50.00" });
    const result = await request(BASE, "/cuentas/3/saldo", { method: "PATCH", body: { monto: "50.00" }, idempotencyKey: key });
    expect(result).toEqual({ saldo: "150.00" });
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers["Idempotency-Key"]))).toEqual(new Set(["the-one-key-0001"]));
    expect(new Set(calls.map((c) => JSON.stringify(c.body))).size).toBe(1);
  });

  it("never retries a write without an Idempotency-Key", async () => {
    const { calls } = installFetch({ "POST /clientes": "network-error" });
    await expect(request(BASE, "/clientes", { method: "POST", body: {} })).rejects.toMatchObject({ status: 0, code: "network_error" });
    expect(calls).toHaveLength(1);
  });

  it("does not retry a definitive answer (4xx)", async () => {
    const { calls } = installFetch({
      "POST /transacciones": () => json(422, { detail: [{ loc: ["body", "monto"], msg: "bad", type: "greater_than", ctx: { gt: "0" } }], code: "validation_error" }),
    });
    const error = (await request(BASE, "/transacciones", { method: "POST", body: {}, idempotencyKey: "k-000000001" }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(422);
    expect(error.validation[0].loc).toEqual(["body", "monto"]);
    expect(calls).toHaveLength(1);
  });

  it("gives up after the retry budget and reports the last error", async () => {
    const { calls } = installFetch({ "GET /lento": () => json(503, { detail: "down", code: "unavailable" }) });
    await expect(request(BASE, "/lento", { retries: 2 })).rejects.toMatchObject({ status: 503, detail: "down" });
    expect(calls).toHaveLength(3);
  });

  it("sends the login as a form", async () => {
    const { calls } = installFetch({ "POST /auth/token": () => json(200, { access_token: "t", token_type: "bearer", role: "admin" }) });
    await request(BASE, "/auth/token", { method: "POST", form: { username: "admin", password: "a&b" } });
    expect(calls[0].headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(calls[0].body).toBe("username=admin&password=a%26b");
  });
});

describe("buildUrl", () => {
  it("joins paths and drops empty query values", () => {
    expect(buildUrl("http://h:1", "/a/b", { q: "ana maría", estado: "", x: undefined, n: 0 })).toBe(
      "http://h:1/a/b?q=ana+mar%C3%ADa&n=0",
    );
    expect(buildUrl("http://h:1/prefix/", "c")).toBe("http://h:1/prefix/c");
  });
});

describe("ActionKey: one key per user action", () => {
  it("reuses the key while the operation is unchanged and unfinished", () => {
    let n = 0;
    const keys = new ActionKey(() => `key-${++n}`);
    const op = { cuenta: 1, monto: "10.00" };
    expect(keys.for(op)).toBe("key-1");
    expect(keys.for({ ...op })).toBe("key-1"); // a double click or a retry
    expect(keys.for({ cuenta: 1, monto: "11.00" })).toBe("key-2"); // the user changed it
    keys.done();
    expect(keys.for({ cuenta: 1, monto: "11.00" })).toBe("key-3"); // a new, separate action
  });

  it("makes keys the API accepts (8–100 printable ASCII)", () => {
    const key = new ActionKey().for({});
    expect(key).toMatch(/^[\x21-\x7e]{8,100}$/);
    expect(new ActionKey().for({})).not.toBe(key);
  });
});
