// Pushed changes inside workerd: the long-poll wakes on a heartbeat, the pool's SSE stream
// carries events with ids (and resumes after Last-Event-ID), and /v1/heartbeats/stream speaks
// the shape rbee's queen serves its web UI. (A real EventSource in Chromium reads it in
// test/e2e/streams.test.mjs.)
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, api, createPool, freezeClock, poolHeartbeat } from "../../test/helpers.js";

beforeEach(() => freezeClock("2026-11-23T11:00:00Z"));

async function scoped(pool: string, scope: string): Promise<string> {
  return (await api("POST", `/v1/admin/pools/${pool}/tokens`, { token: ADMIN, json: { scope } })).body.token;
}

/** Reads SSE frames from a streaming response until `until` says stop (or 5 s pass). */
async function frames(res: Response, until: (seen: { event: string; id?: string; data: any }[]) => boolean) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const seen: { event: string; id?: string; data: any }[] = [];
  let buffer = "";
  const deadline = Date.now() + 5_000;
  try {
    while (!until(seen)) {
      const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
      if (next === null || next.done) throw new Error(`stream ended or stalled; seen: ${JSON.stringify(seen.map((s) => s.event))}`);
      buffer += decoder.decode(next.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
        if (fields.event !== undefined) seen.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? "null") });
      }
      if (Date.now() > deadline) break;
    }
  } finally {
    await reader.cancel();
  }
  return seen;
}

const stream = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`http://edge.test${path}`, { headers });

describe("GET /v2/pools/{id}/events?wait=", () => {
  it("wakes when a heartbeat writes an event, answers at once when there is one, and answers empty when the wait ends", async () => {
    const token = await createPool("poll");
    // Nothing yet: the wait runs out (1 s) and the answer is empty.
    expect((await api("GET", "/v2/pools/poll/events?after=0&wait=1", { token })).body.events).toEqual([]);
    // Waiting up to 30 s; a host joining wakes it (the test's 5 s limit fails it otherwise).
    const waiting = api("GET", "/v2/pools/poll/events?after=0&wait=30", { token });
    await new Promise((r) => setTimeout(r, 100));
    expect((await api("POST", "/v2/pools/poll/heartbeat", { token, json: poolHeartbeat("poll", "box", ["w1"]) })).status).toBe(200);
    const woke = await waiting;
    expect(woke.body.events.map((e: any) => `${e.kind} ${e.subject}`)).toEqual(["joined host:box", "joined worker:w1"]);
    // Events after `after` exist: no wait at all.
    expect((await api("GET", "/v2/pools/poll/events?after=1&wait=30", { token })).body.events).toHaveLength(1);
    expect((await api("GET", "/v2/pools/poll/events?wait=31", { token })).body.error.field).toBe("wait");
  });
});

describe("GET /v2/pools/{id}/stream", () => {
  it("sends a summary, then each event with its seq as id, and resumes after Last-Event-ID", async () => {
    const token = await createPool("sse");
    const res = await stream("/v2/pools/sse/stream", { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reading = frames(res, (seen) => seen.filter((s) => s.event === "pool_event").length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    await api("POST", "/v2/pools/sse/heartbeat", { token, json: poolHeartbeat("sse", "box", ["w1"]) });
    const seen = await reading;
    expect(seen[0]).toMatchObject({ event: "summary", data: { pool_id: "sse", counts: { hosts: { fresh: 0, stale: 0 } } } });
    expect(seen.filter((s) => s.event === "pool_event").map((s) => [s.id, s.data.kind, s.data.subject])).toEqual([["1", "joined", "host:box"], ["2", "joined", "worker:w1"]]);
    // A reconnecting EventSource sends Last-Event-ID: what came after it is sent first.
    const resumed = await frames(await stream("/v2/pools/sse/stream", { authorization: `Bearer ${token}`, "last-event-id": "1" }), (s) => s.some((f) => f.event === "pool_event"));
    expect(resumed.filter((s) => s.event === "pool_event").map((s) => s.id)).toEqual(["2"]);
    // Worker URIs never ride in the summary.
    expect(JSON.stringify(seen)).not.toContain("127.0.0.1:8001");
  });
});

describe("GET /v1/heartbeats/stream (rbee's queen stream)", () => {
  it("sends queen heartbeats and a hive_telemetry per host heartbeat, to a read token in the URL, across origins", async () => {
    const write = await createPool("queen");
    await api("POST", "/v2/pools/queen/heartbeat", { token: write, json: poolHeartbeat("queen", "hive-a", ["w1", "w2"]) });
    const read = await scoped("queen", "read");
    const res = await stream(`/v1/heartbeats/stream?token=${read}`, { origin: "http://ui.example" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const reading = frames(res, (seen) => seen.some((s) => s.data.type === "hive_telemetry"));
    await new Promise((r) => setTimeout(r, 100));
    await api("POST", "/v2/pools/queen/heartbeat", { token: write, json: poolHeartbeat("queen", "hive-a", ["w1", "w2"]) });
    const seen = await reading;
    expect(seen.every((s) => s.event === "heartbeat")).toBe(true);
    expect(seen[0]!.data).toEqual({
      type: "queen", workers_online: 2, workers_available: 2, hives_online: 1, hives_available: 1,
      worker_ids: ["w1", "w2"], hive_ids: ["hive-a"], timestamp: "2026-11-23T11:00:00.000Z",
    });
    const telemetry = seen.find((s) => s.data.type === "hive_telemetry")!.data;
    expect(telemetry).toMatchObject({ hive_id: "hive-a", timestamp: "2026-11-23T11:00:00.000Z" });
    expect(telemetry.workers[0]).toMatchObject({ pid: null, instance: "w1", model: "llama-7b", vram_mb: 0, total_vram_mb: 81559, gpu_util_pct: null, worker_id: "w1", status: "idle" });
  });

  it("takes only a read token in the URL, asks the admin which pool, and answers CORS preflights and /v1/info", async () => {
    const write = await createPool("queen-2");
    const inUrl = await api("GET", `/v1/heartbeats/stream?token=${write}`);
    expect(inUrl.status).toBe(403);
    expect(inUrl.body.error).toMatchObject({ code: "insufficient_scope", field: "token" });
    expect((await api("GET", "/v1/heartbeats/stream", { token: ADMIN })).body.error.field).toBe("pool");
    expect((await api("GET", "/v1/heartbeats/stream?token=ept.x.y.z")).status).toBe(401);
    const preflight = await exports.default.fetch("http://edge.test/v1/heartbeats/stream", { method: "OPTIONS", headers: { origin: "http://ui.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const info = await api("GET", "/v1/info");
    expect(info.body).toEqual({ base_url: "http://edge.test", port: 80, version: "0.1.0", features: expect.arrayContaining(["heartbeat-stream"]), build_timestamp: "unknown" });
  });
});
