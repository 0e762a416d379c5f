// A typo in a pool id never creates a pool: settings, stats, deletion, eviction and token
// listing of a pool that does not exist are 404s that store nothing; only issuing a token or
// PUT /v1/admin/pools/{id} creates one. A path served under other methods answers 405 + Allow.
import { describe, expect, it } from "vitest";
import { ADMIN, api, createPool } from "../../test/helpers.js";

const listed = async () => (await api("GET", "/v2/pools", { token: ADMIN })).body.pools.map((p: { pool_id: string }) => p.pool_id);

describe("a pool that does not exist", () => {
  it("is a 404 for every admin call but creation, and stays absent", async () => {
    for (const [method, path, json] of [
      ["PATCH", "/v1/admin/pools/typo-pool/settings", { evict_after_s: 900 }],
      ["GET", "/v1/admin/pools/typo-pool/settings", undefined],
      ["GET", "/v1/admin/pools/typo-pool/stats", undefined],
      ["GET", "/v1/admin/pools/typo-pool/tokens", undefined],
      ["DELETE", "/v1/admin/pools/typo-pool/workers/w1", undefined],
      ["DELETE", "/v1/admin/pools/typo-pool", undefined],
    ] as const) {
      const res = await api(method, path, { token: ADMIN, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code, `${method} ${path}`).toBe("not_found");
    }
    expect(await listed()).not.toContain("typo-pool");
    expect((await api("GET", "/v2/pools/typo-pool", { token: ADMIN })).status).toBe(404);
  });

  it("is created by PUT (201, then 200) or by issuing a token, and deleted once", async () => {
    expect((await api("PUT", "/v1/admin/pools/made", { token: ADMIN })).status).toBe(201);
    const again = await api("PUT", "/v1/admin/pools/made", { token: ADMIN });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ pool_id: "made", created: false });
    expect(await listed()).toContain("made");
    expect((await api("PATCH", "/v1/admin/pools/made/settings", { token: ADMIN, json: { evict_after_s: 900 } })).body.evict_after_s).toBe(900);
    await createPool("by-token");
    expect(await listed()).toContain("by-token");
    expect((await api("DELETE", "/v1/admin/pools/made", { token: ADMIN })).body).toEqual({ pool_id: "made", deleted: true });
    expect((await api("DELETE", "/v1/admin/pools/made", { token: ADMIN })).status).toBe(404);
  });
});

describe("a wrong method", () => {
  it("is a 405 with Allow, on public and admin paths; an unknown path stays 404", async () => {
    for (const [method, path, allow] of [
      ["DELETE", "/health", "GET, HEAD"],
      ["POST", "/v2/pools/p1", "GET, HEAD"],
      ["GET", "/v1/heartbeat", "POST"],
      ["POST", "/v1/admin/pools/p1/settings", "GET, HEAD, PATCH"],
    ] as const) {
      const res = await api(method, path, { token: ADMIN });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(res.body.error.code).toBe("method_not_allowed");
    }
    expect((await api("GET", "/nothing/here", { token: ADMIN })).status).toBe(404);
  });
});
