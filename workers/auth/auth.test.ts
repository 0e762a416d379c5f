// The auth matrix: no token, a wrong one, a revoked one, another pool's, a forged one, and
// the admin's, against every pool and admin endpoint. Refused requests change nothing.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN, api, createPool, events, freezeClock, snapshot, workerHeartbeat, poolHeartbeat } from "../../test/helpers.js";

let tokenA = "";
let tokenB = "";
let revoked = "";

beforeAll(async () => {
  freezeClock("2031-08-01T00:00:00Z");
  tokenA = await createPool("auth-a");
  tokenB = await createPool("auth-b");
  revoked = await createPool("auth-a");
  const list = await api("GET", "/v1/admin/pools/auth-a/tokens", { token: ADMIN });
  const revokedId = revoked.split(".")[2]!;
  expect(list.body.tokens.map((t: { token_id: string }) => t.token_id)).toContain(revokedId);
  expect((await api("DELETE", `/v1/admin/pools/auth-a/tokens/${revokedId}`, { token: ADMIN })).status).toBe(200);
  await api("POST", "/v1/heartbeat", { token: tokenA, json: workerHeartbeat("a-worker") });
  vi.useRealTimers();
});
afterEach(() => vi.useRealTimers());

const wrongSecret = () => tokenA.replace(/\.[^.]+$/, `.${"A".repeat(43)}`);
const forgedForB = () => `ept.auth-b.${"0".repeat(12)}.${"B".repeat(43)}`;

const poolEndpoints = (): [string, string, unknown][] => [
  ["POST", "/v2/pools/auth-a/heartbeat", poolHeartbeat("auth-a", "intruder", ["evil"])],
  ["GET", "/v2/pools/auth-a", undefined],
  ["GET", "/v2/pools/auth-a/events", undefined],
];

describe("pool endpoints", () => {
  it.each([
    ["no token", undefined, 401],
    ["garbage token", "hello", 401],
    ["right pool, wrong secret", "WRONG", 401],
    ["revoked token", "REVOKED", 401],
    ["another pool's valid token", "B", 403],
    ["forged token naming another pool", "FORGED", 401],
  ])("%s -> %s", async (_name, which, status) => {
    freezeClock("2031-08-01T00:00:00Z");
    const token = which === "WRONG" ? wrongSecret() : which === "REVOKED" ? revoked : which === "B" ? tokenB : which === "FORGED" ? forgedForB() : which;
    const before = await snapshot("auth-a");
    const eventsBefore = await events("auth-a");
    for (const [method, path, json] of poolEndpoints()) {
      const res = await api(method, path, { token, json });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.body.error.code).toMatch(status === 401 ? /unauthorized/ : /forbidden/);
    }
    if (token !== undefined) {
      const res = await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("evil") });
      // Another pool's token is valid for its own pool: the worker lands there, not in auth-a.
      expect(res.status).toBe(which === "B" ? 200 : 401);
    }
    expect(await snapshot("auth-a")).toEqual(before);
    expect(await events("auth-a")).toEqual(eventsBefore);
  });

  it("lets the pool's own token and the admin read and write", async () => {
    for (const token of [tokenA, ADMIN]) {
      for (const [method, path, json] of poolEndpoints()) {
        expect((await api(method, path, { token, json })).status, `${method} ${path}`).toBe(200);
      }
    }
  });

  it("stops accepting a token the moment it is revoked, even one just used", async () => {
    const fresh = await createPool("auth-a");
    expect((await api("POST", "/v1/heartbeat", { token: fresh, json: workerHeartbeat("a-worker") })).status).toBe(200);
    expect((await api("DELETE", `/v1/admin/pools/auth-a/tokens/${fresh.split(".")[2]}`, { token: ADMIN })).status).toBe(200);
    const res = await api("POST", "/v1/heartbeat", { token: fresh, json: workerHeartbeat("a-worker") });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });

  it("refuses the admin token on /v1/heartbeat, which needs a pool token to name the pool", async () => {
    const res = await api("POST", "/v1/heartbeat", { token: ADMIN, json: workerHeartbeat("w") });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("pool_token_required");
  });
});

describe("admin endpoints", () => {
  const adminCalls: [string, string, unknown][] = [
    ["POST", "/v1/admin/pools/auth-a/tokens", { label: "x" }],
    ["GET", "/v1/admin/pools/auth-a/tokens", undefined],
    ["GET", "/v1/admin/pools/auth-a/settings", undefined],
    ["PATCH", "/v1/admin/pools/auth-a/settings", { worker_interval_s: 10 }],
    ["GET", "/v1/admin/pools/auth-a/stats", undefined],
    ["DELETE", "/v1/admin/pools/auth-a", undefined],
  ];

  it.each([
    ["no token", undefined],
    ["a pool token", "A"],
    ["a wrong admin token", "not-the-admin-token"],
  ])("refuses %s with 401", async (_name, which) => {
    const token = which === "A" ? tokenA : which;
    for (const [method, path, json] of adminCalls) {
      const res = await api(method, path, { token, json });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    expect((await api("GET", "/v1/admin/pools/auth-a/settings", { token: ADMIN })).body.worker_interval_s).toBe(30);
    expect((await snapshot("auth-a")).pool_id).toBe("auth-a");
  });

  it("shows a token once and never its secret or hash afterwards", async () => {
    const issued = await api("POST", "/v1/admin/pools/auth-a/tokens", { token: ADMIN, json: { label: "ci" } });
    expect(issued.status).toBe(201);
    expect(issued.headers.get("cache-control")).toBe("no-store");
    const secret = issued.body.token.split(".")[3] as string;
    const listed = await api("GET", "/v1/admin/pools/auth-a/tokens", { token: ADMIN });
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("hash");
    expect(listed.body.tokens.find((t: { label: string }) => t.label === "ci")).toMatchObject({ revoked_at: null });
  });

  it("never logs a token, even when a request fails", async () => {
    const lines: string[] = [];
    const spies = (["log", "error", "warn", "info"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))),
    );
    await api("POST", "/v2/pools/auth-a/heartbeat", { token: tokenA, raw: "{broken" });
    await api("POST", "/v2/pools/auth-a/heartbeat", { token: wrongSecret(), json: {} });
    await api("GET", "/v2/pools/auth-a", { token: tokenB });
    for (const s of spies) s.mockRestore();
    const all = lines.join("\n");
    for (const secret of [tokenA, tokenB, ADMIN].map((t) => t.split(".").at(-1)!)) expect(all).not.toContain(secret);
  });
});
