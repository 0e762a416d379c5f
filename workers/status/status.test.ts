// The status page and /metrics inside workerd: what the public view shows and never shows,
// and the private setting (token, basic auth, ?token=). The page in a real browser and
// /metrics through a Prometheus parser are tested against wrangler dev (test/e2e/).
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { api, createPool, poolHeartbeat } from "../../test/helpers.js";
import worker from "../index.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { runTick } from "../pinger/tick.js";

const BASE = inject("spacesBase");

async function get(path: string, extraEnv: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://edge.test${path}`, { headers }), { ...env, ...extraEnv } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("GET /", () => {
  it("shows Spaces and pools, and never a worker URI, a Space URL or a pool token", async () => {
    const secretQuery = "key=sk-live-12345";
    await env.SPACES.put("spaces", JSON.stringify([
      { url: `${BASE}/ok/page?${secretQuery}`, name: "page-up", interval_s: 60 },
      { url: `${BASE}/status/500/page`, name: "page-down", interval_s: 60 },
    ]));
    await runTick(env, Date.now(), { ...DEFAULT_PINGER_SETTINGS, PING_RETRIES: 0 });
    const token = await createPool("page-pool");
    const hb = poolHeartbeat("page-pool", "box-7", ["w-a", "w-b"]);
    (hb.workers[0] as { uri: string }).uri = "http://10.1.2.3:8001/private-worker-path";
    expect((await api("POST", "/v2/pools/page-pool/heartbeat", { token, json: hb })).status).toBe(200);

    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    for (const text of ["page-up", "page-down", "page-pool", "box-7", "w-a", "w-b", "NVIDIA H100 80GB HBM3", "1 Space down"]) expect(html).toContain(text);
    for (const secret of ["10.1.2.3", "private-worker-path", secretQuery, token, BASE]) expect(html).not.toContain(secret);
  });
});

describe("STATUS_PAGE = private", () => {
  const priv = { STATUS_PAGE: "private", STATUS_TOKEN: "status-token-abc" };

  it("asks for the token on /, /metrics and /v1/spaces, and accepts it as bearer, basic password or ?token=", async () => {
    for (const path of ["/", "/metrics", "/v1/spaces"]) {
      const res = await get(path, priv);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      expect((await get(path, priv, { authorization: "Bearer wrong" })).status).toBe(401);
      expect((await get(path, priv, { authorization: "Bearer status-token-abc" })).status).toBe(200);
      expect((await get(path, priv, { authorization: `Basic ${btoa("anyone:status-token-abc")}` })).status).toBe(200);
      expect((await get(`${path}?token=status-token-abc`, priv)).status).toBe(200);
    }
    expect((await get("/health", priv)).status).toBe(200); // seeds ping this: never private
  });

  it("refuses a STATUS_PAGE value it does not know, naming the setting", async () => {
    const res = await get("/", { STATUS_PAGE: "secret" });
    expect(res.status).toBe(500);
    expect(((await res.json()) as any).error).toMatchObject({ code: "invalid_setting", field: "STATUS_PAGE" });
  });
});
