// Bodies built to slip past the checks: chunked or truncated bodies, `__proto__` and unknown
// keys, deep nesting, header values with CR/LF. Each is a 4xx naming where, and nothing
// stored changes.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createPool, poolHeartbeat, snapshot } from "../../test/helpers.js";

/** A request whose body streams with no Content-Length (Transfer-Encoding: chunked on the wire). */
async function chunked(method: string, path: string, parts: string[]) {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
      controller.close();
    },
  });
  const res = await exports.default.fetch(`http://edge.test${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: stream });
  return { status: res.status, body: (await res.json()) as any, sentLength: res.headers.get("content-length") };
}

describe("chunked bodies", () => {
  it("are judged like any other: a bad label or a truncated body is a 400 and issues no token", async () => {
    await createPool("chunky");
    const before = (await api("GET", "/v1/admin/pools/chunky/tokens", { token: ADMIN })).body.tokens.length;
    const bad = await chunked("POST", "/v1/admin/pools/chunky/tokens", ['{"la', 'bel":12345}']);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("label");
    const cut = await chunked("POST", "/v1/admin/pools/chunky/tokens", ['{"label":"a']);
    expect(cut.status).toBe(400);
    expect(cut.body.error.code).toBe("invalid_json");
    expect((await api("GET", "/v1/admin/pools/chunky/tokens", { token: ADMIN })).body.tokens).toHaveLength(before);
    // A chunked good body, and a truly empty one, still issue a token.
    expect((await chunked("POST", "/v1/admin/pools/chunky/tokens", ['{"label":', '"ok"}'])).status).toBe(201);
    expect((await chunked("POST", "/v1/admin/pools/chunky/tokens", [])).status).toBe(201);
  });
});

describe("__proto__ and unknown keys", () => {
  it("PUT /v1/admin/alerts with __proto__ is a 400 naming it and keeps the targets", async () => {
    const settings = { targets: [{ type: "webhook", url: "https://hooks.example/a" }] };
    expect((await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: settings })).status).toBe(200);
    const res = await api("PUT", "/v1/admin/alerts", { token: ADMIN, raw: '{"__proto__":{"remind_every_s":-5}}', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("__proto__");
    expect((await api("GET", "/v1/admin/alerts", { token: ADMIN })).body.config.targets).toHaveLength(1);
  });

  it("is refused wherever it hides: settings, heartbeats, Space headers", async () => {
    const token = await createPool("protos");
    for (const [method, path, raw, field] of [
      ["PATCH", "/v1/admin/pools/protos/settings", '{"__proto__":{"evict_after_s":1}}', "__proto__"],
      ["POST", "/v2/pools/protos/heartbeat", JSON.stringify(poolHeartbeat("protos", "h", ["w"])).replace('"status":"idle"', '"status":"idle","__proto__":{"x":1}'), "workers.0.__proto__"],
      ["PUT", "/v1/admin/spaces", '[{"url":"https://a.example","headers":{"__proto__":"x"}}]', "0.headers.__proto__"],
    ] as const) {
      const res = await api(method, path, { token: path.startsWith("/v2") ? token : ADMIN, raw, headers: { "content-type": "application/json" } });
      expect(res.status, path).toBe(400);
      expect(res.body.error.field, path).toBe(field);
    }
    expect((await snapshot("protos")).workers).toEqual([]);
  });

  it("every heartbeat object is strict: an unknown field is a 400 naming it", async () => {
    const token = await createPool("strict");
    const hb = poolHeartbeat("strict", "h", ["w"]);
    for (const [body, field] of [
      [{ ...hb, extra: 1 }, "extra"],
      [{ ...hb, gpus: [{ ...hb.gpus[0], vram: 1 }] }, "gpus.0.vram"],
      [{ ...hb, workers: [{ ...hb.workers[0], model: "x" }] }, "workers.0.model"],
    ] as const) {
      const res = await api("POST", "/v2/pools/strict/heartbeat", { token, json: body });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const worker = await api("POST", "/v1/heartbeat", { token, json: { worker_id: "w", timestamp: new Date().toISOString(), health_status: "healthy", extra: true } });
    expect(worker.body.error.field).toBe("extra");
    expect((await snapshot("strict")).workers).toEqual([]);
  });
});

describe("nesting", () => {
  it("10,000 levels deep is a 400 before parsing, on the Space list and on heartbeats", async () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    const spaces = await api("PUT", "/v1/admin/spaces", { token: ADMIN, raw: `[{"url":"https://a.example","headers":${deep}}]`, headers: { "content-type": "application/json" } });
    expect(spaces.status).toBe(400);
    expect(spaces.body.error.code).toBe("too_deep");
    const token = await createPool("deep");
    const hb = await api("POST", "/v2/pools/deep/heartbeat", { token, raw: `{"pool_id":"deep","x":${deep}}`, headers: { "content-type": "application/json" } });
    expect(hb.status).toBe(400);
    expect(hb.body.error.code).toBe("too_deep");
    // Brackets inside strings do not count.
    const named = await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: [{ url: "https://a.example/x", name: "[".repeat(60) }] });
    expect(named.status).toBe(200);
  });
});

describe("header values", () => {
  it("CR, LF and NUL in a header value or a bad header name are 400s naming the header; nothing is stored", async () => {
    await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: ["https://kept.example"] });
    for (const [headers, field] of [
      [{ "x-a": "v\r\nx-evil: 1" }, "0.headers.x-a"],
      [{ "x-a": "v\u0000" }, "0.headers.x-a"],
      [{ "bad name": "v" }, "0.headers.bad name"],
    ] as const) {
      const res = await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: [{ url: "https://a.example", headers }] });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect(JSON.parse((await env.SPACES.get("spaces"))!)).toEqual(["https://kept.example"]);
    const alerts = await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { targets: [{ type: "webhook", url: "https://hooks.example/b", headers: { "x-team": "gpu\nx-evil: 1" } }] } });
    expect(alerts.status).toBe(400);
    expect(alerts.body.error.field).toBe("targets.0.headers.x-team");
  });
});
