// The status page and /metrics inside workerd: what the public view shows and never shows,
// and the private setting (token, basic auth, ?token=). The page in a real browser and
// /metrics through a Prometheus parser are tested against wrangler dev (test/e2e/).
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { advance, api, createPool, cronTick, freezeClock, poolHeartbeat } from "../../test/helpers.js";
import worker from "../index.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { pool } from "../objects.js";

const BASE = inject("spacesBase");
afterEach(() => void vi.useRealTimers());

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
    await cronTick(Date.now(), { ...DEFAULT_PINGER_SETTINGS, PING_RETRIES: 0 });
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

describe("a long Space list", () => {
  it("gives cards with bars to the Spaces that are not up and one table row to each of the rest", async () => {
    const { SpacesView } = await import("./spaces-view.js");
    const { FULL_CARDS } = await import("./limits.js");
    const { jsx } = await import("hono/jsx/jsx-runtime");
    const now = Date.now();
    const spaces = Array.from({ length: FULL_CARDS + 10 }, (_, i) => ({
      id: `s${i}`, name: `space-${i}`, url: `https://x/${i}`, interval_s: 300, critical: false, state: i % 7 === 0 ? "down" : "up", since: null,
      last_check: null, next_check_at: new Date(now).toISOString(), latency_24h_ms: null,
      uptime: { "24h": 1, "7d": 1, "30d": 1, "90d": 1 }, checks: { "24h": 1, "7d": 1, "30d": 1, "90d": 1 }, monitoring_since: i === 0 ? "2026-11-20" : null, last_error: null, hf: null,
      regions: [], maintenance: null, pingback: { expected: false, last_at: null },
    })) as any[];
    const data = { generated_at: "", list: { valid: 0, invalid: 0, error: null, read_at: null, checked_at: null }, config_errors: [], last_tick: null, spaces, bars: {}, totals: null, maintenance: [] };
    const html = String(jsx(SpacesView, { data, now }));
    const down = spaces.filter((s) => s.state === "down").length;
    expect(html.match(/<article class="card space"/g)).toHaveLength(down);
    expect(html.match(/<tr data-state="up">/g)).toHaveLength(spaces.length - down);
    expect(html.indexOf("space-7<")).toBeLessThan(html.indexOf("space-1<")); // problems first
    // Uptime says what it rests on.
    expect(html).toContain("of 1 checks</small></span><span class=\"since\">monitoring since 2026-11-20</span>");
  });
});

describe("GET /metrics heartbeat counters", () => {
  it("count accepted and refused heartbeats, and survive the registry's restart", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    freezeClock("2026-11-22T15:00:00Z");
    const token = await createPool("count-pool");
    // A quiet pool (heartbeats 15 s apart) flushes at each one, counters included; a busy one
    // can lose up to flush_interval_s of counts to a restart (README).
    for (let i = 0; i < 3; i++) {
      advance(15);
      expect((await api("POST", "/v2/pools/count-pool/heartbeat", { token, json: poolHeartbeat("count-pool", "box", ["w"]) })).status).toBe(200);
    }
    const forged = token.replace(/.{4}$/, "AAAA");
    expect((await api("POST", "/v2/pools/count-pool/heartbeat", { token: forged, json: poolHeartbeat("count-pool", "box", ["w"]) })).status).toBe(401);
    await evictDurableObject(pool(env, "count-pool"));
    const text = await (await get("/metrics")).text();
    expect(text).toContain('edge_pulse_heartbeats_accepted_total{pool="count-pool"} 3\n');
    // The refusal came after the last flush: counted in memory, lost with the restart (documented).
    expect(text).not.toContain('edge_pulse_heartbeats_rejected_total{pool="count-pool",reason="unauthorized"}');
  });
});
