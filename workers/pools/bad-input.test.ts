// Every kind of bad input gets a 4xx JSON error naming the field, and changes nothing
// stored: the snapshot, the event log and the SQLite rows-written count are compared
// before and after each request.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_BODY_BYTES, MAX_GPUS_PER_HOST, MAX_WORKERS_PER_HOST } from "../../shared/index.js";
import { ADMIN, api, createPool, events, freezeClock, poolHeartbeat, snapshot, stats } from "../../test/helpers.js";

const POOL = "bad-input";
let token = "";

beforeAll(async () => {
  freezeClock("2031-07-01T00:00:00Z");
  token = await createPool(POOL);
  await api("POST", `/v2/pools/${POOL}/heartbeat`, { token, json: poolHeartbeat(POOL, "h1", ["r1"]) });
  vi.useRealTimers();
});
afterEach(() => vi.useRealTimers());

const good = () => poolHeartbeat(POOL, "h1", ["r1"]);
const worker = () => good().workers[0]!;
const gpu = () => good().gpus[0]!;

type Case = [name: string, path: string, body: unknown, status: number, field: string];

const poolPath = `/v2/pools/${POOL}/heartbeat`;
const cases: Case[] = [
  ["wrong type: workers not an array", poolPath, { ...good(), workers: "r1" }, 400, "workers"],
  ["wrong type: total VRAM as string", poolPath, { ...good(), gpus: [{ ...gpu(), total_vram_bytes: "24GB" }] }, 400, "gpus.0.total_vram_bytes"],
  ["missing timestamp", poolPath, (({ timestamp: _t, ...rest }) => rest)(good()), 400, "timestamp"],
  ["missing gpus", poolPath, (({ gpus: _g, ...rest }) => rest)(good()), 400, "gpus"],
  ["missing worker id", poolPath, { ...good(), workers: [(({ id: _i, ...rest }) => rest)(worker())] }, 400, "workers.0.id"],
  ["negative VRAM", poolPath, { ...good(), gpus: [{ ...gpu(), free_vram_bytes: -1 }] }, 400, "gpus.0.free_vram_bytes"],
  ["free above total", poolPath, { ...good(), gpus: [{ ...gpu(), free_vram_bytes: 90_000_000_000 }] }, 400, "gpus.0.free_vram_bytes"],
  ["fractional bytes", poolPath, { ...good(), workers: [{ ...worker(), vram_bytes: 1.5 }] }, 400, "workers.0.vram_bytes"],
  ["non-ISO timestamp", poolPath, { ...good(), timestamp: "yesterday" }, 400, "timestamp"],
  ["timestamp without zone", poolPath, { ...good(), timestamp: "2031-07-01 00:00:00" }, 400, "timestamp"],
  ["pool_id differs from path", poolPath, { ...good(), pool_id: "other-pool" }, 400, "pool_id"],
  ["over-long worker id", poolPath, { ...good(), workers: [{ ...worker(), id: "w".repeat(129) }] }, 400, "workers.0.id"],
  ["over-long host id", poolPath, { ...good(), host_id: "h".repeat(129) }, 400, "host_id"],
  ["worker id with spaces", poolPath, { ...good(), workers: [{ ...worker(), id: "my worker" }] }, 400, "workers.0.id"],
  ["duplicate worker ids", poolPath, { ...good(), workers: [worker(), worker()] }, 400, "workers.1.id"],
  ["duplicate GPU ids", poolPath, { ...good(), gpus: [gpu(), gpu()] }, 400, "gpus.1.id"],
  ["bad worker uri", poolPath, { ...good(), workers: [{ ...worker(), uri: "not a url" }] }, 400, "workers.0.uri"],
  ["body is an array", poolPath, [good()], 400, "(body)"],
  ["body is null", poolPath, null, 400, "(body)"],
  ["too many GPUs", poolPath, { ...good(), gpus: Array.from({ length: MAX_GPUS_PER_HOST + 1 }, (_, id) => ({ ...gpu(), id })) }, 413, "gpus"],
  ["too many workers", poolPath, { ...good(), workers: Array.from({ length: MAX_WORKERS_PER_HOST + 1 }, (_, i) => ({ ...worker(), id: `x${i}` })) }, 413, "workers"],
  ["unknown health_status", "/v1/heartbeat", { worker_id: "w9", timestamp: "2031-07-01T00:00:00Z", health_status: "sleepy" }, 400, "health_status"],
  ["missing worker_id", "/v1/heartbeat", { timestamp: "2031-07-01T00:00:00Z", health_status: "healthy" }, 400, "worker_id"],
  ["worker_id of wrong type", "/v1/heartbeat", { worker_id: 42, timestamp: "2031-07-01T00:00:00Z", health_status: "healthy" }, 400, "worker_id"],
  ["worker timestamp not ISO", "/v1/heartbeat", { worker_id: "w9", timestamp: "1700000000", health_status: "healthy" }, 400, "timestamp"],
];

async function storedState() {
  const snap = await snapshot(POOL);
  const s = await stats(POOL);
  return { snap, events: await events(POOL), rows: s.rows_written, workers: s.workers };
}

describe("bad input changes nothing", () => {
  it.each(cases)("%s", async (_name, path, body, status, field) => {
    freezeClock("2031-07-01T00:00:10Z");
    const before = await storedState();
    const res = await api("POST", path, { token, json: body });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toContain(status === 413 ? field : field === "(body)" ? "" : field);
    expect(await storedState()).toEqual(before);
  });

  it.each([
    ["non-JSON", "{not json", 400, "invalid_json"],
    ["empty body", "", 400, "empty_body"],
    ["whitespace body", "   ", 400, "empty_body"],
    ["oversized body", `{"pad":"${"x".repeat(MAX_BODY_BYTES)}"}`, 413, "body_too_large"],
  ])("%s", async (_name, raw, status, code) => {
    freezeClock("2031-07-01T00:00:10Z");
    const before = await storedState();
    for (const path of [poolPath, "/v1/heartbeat"]) {
      const res = await api("POST", path, { token, raw, headers: { "content-type": "application/json" } });
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({ code, field: "(body)" });
    }
    expect(await storedState()).toEqual(before);
  });

  it("rejects bad pool settings naming the field, keeping the old ones", async () => {
    const before = (await api("GET", `/v1/admin/pools/${POOL}/settings`, { token: ADMIN })).body;
    for (const [json, field] of [
      [{ worker_interval_s: 0 }, "worker_interval_s"],
      [{ worker_interval_s: "30" }, "worker_interval_s"],
      [{ evict_after_s: 60 }, "evict_after_s"], // not longer than 3 x 30 s
      [{ sleep: 1 }, "sleep"],
    ] as const) {
      const res = await api("PATCH", `/v1/admin/pools/${POOL}/settings`, { token: ADMIN, json });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await api("GET", `/v1/admin/pools/${POOL}/settings`, { token: ADMIN })).body).toEqual(before);
  });

  it("rejects a malformed pool id in the path", async () => {
    const res = await api("GET", "/v2/pools/Bad%20Pool", { token: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("pool_id");
  });
});
