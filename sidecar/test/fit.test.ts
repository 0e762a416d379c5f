// The sidecar never sends what its edge refuses: heartbeats fitted to the shared schema and
// limits, refusals learned from the edge's answers (unit, and once end to end against a
// loopback edge that refuses), the hive's limit and leaves, and slow retries after a 401.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PoolHeartbeatSchema } from "../../shared/heartbeat.js";
import { MAX_BODY_BYTES, MAX_WORKERS_PER_HOST } from "../../shared/limits.js";
import { fitGpu, fitHeartbeat, leavingHeartbeat } from "../src/fit.js";
import { parseNvidiaSmi } from "../src/gpu/nvidia.js";
import { FORGET_MS, Refusals } from "../src/refusals.js";
import { LocalRegistry } from "../src/registry.js";
import { PERMANENT_BACKOFF_MS, retryDelay } from "../src/sender.js";
import { run, until } from "./harness.js";
import { receiver } from "./servers.js";

const base = { pool_id: "p", host_id: "h", timestamp: "2026-11-01T00:00:00Z" };
const gpu = (id: number, extra: Record<string, unknown> = {}) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 1, ...extra });
const worker = (id: string, extra: Record<string, unknown> = {}) => ({ id, status: "idle", model_ref: null, vram_bytes: null, gpu_id: null, uri: null, capabilities: [], protocol: null, ...extra });

describe("fitting a heartbeat to the edge", () => {
  it("turns values out of the edge's range into null with a reason, never dropping the GPU", () => {
    const { gpu: g, notes } = fitGpu(gpu(0, { utilization_pct: 150, temperature_c: 400, power_w: -1, uuid: "GPU-a b", free_vram_bytes: 2 ** 60 }));
    expect(g).toMatchObject({ id: 0, utilization_pct: null, temperature_c: null, power_w: null, free_vram_bytes: null, total_vram_bytes: 85_520_809_984 });
    expect(g?.uuid).toBeUndefined();
    for (const f of ["utilization_pct", "temperature_c", "power_w", "uuid", "free_vram_bytes"]) expect(g?.unknown_reason).toContain(f);
    expect(notes).toHaveLength(5);
    // free above total is the edge's cross-field rule
    expect(fitGpu(gpu(1, { free_vram_bytes: 85_520_809_985 })).gpu).toMatchObject({ free_vram_bytes: null, unknown_reason: "free_vram_bytes exceeds total_vram_bytes" });
    // only an id the edge cannot take drops the GPU
    expect(fitGpu(gpu(5000)).gpu).toBeNull();
  });

  it("merges an index printed twice: agreed values kept, disputed ones unknown, the conflict noted", () => {
    const { gpus, errors } = parseNvidiaSmi(readFileSync(new URL("./fixtures/odd.csv", import.meta.url), "utf8"));
    expect(gpus.filter((g) => g.id === 0)).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ total_vram_bytes: 81559 * 1024 * 1024, used_vram_bytes: null, free_vram_bytes: null, uuid: null, device_name: "NVIDIA H100 80GB HBM3" });
    expect(errors).toContain("index 0 appears 2 times in nvidia-smi output; differing: uuid, used_vram_bytes, free_vram_bytes, utilization_pct, temperature_c, power_w");
  });

  it("keeps the most recently heard workers within the count and the body cap, and always parses", () => {
    const many = Array.from({ length: 1100 }, (_, i) => worker(`w-${i}`));
    const byCount = fitHeartbeat({ base, gpus: [], workers: many, left: [] });
    expect(byCount.heartbeat.workers).toHaveLength(MAX_WORKERS_PER_HOST);
    expect(byCount.heartbeat.workers[0]!.id).toBe("w-0");
    expect(byCount.notes).toEqual([expect.objectContaining({ msg: "workers cut", known: 1100, kept: MAX_WORKERS_PER_HOST })]);

    const big = Array.from({ length: 600 }, (_, i) => worker(`big-${i}`, { model_ref: "m".repeat(500), uri: `http://127.0.0.1:8000/${"u".repeat(1900)}` }));
    const bySize = fitHeartbeat({ base, gpus: [gpu(0)], workers: big, left: ["gone-1"] });
    const bytes = new TextEncoder().encode(JSON.stringify(bySize.heartbeat)).byteLength;
    expect(bytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(bySize.heartbeat.workers.length).toBeGreaterThan(100);
    expect(bySize.heartbeat.workers[0]!.id).toBe("big-0");
    expect(bySize.heartbeat.left_workers).toEqual(["gone-1"]);
    expect(PoolHeartbeatSchema.safeParse(bySize.heartbeat).success).toBe(true);
  });

  it("the leaving heartbeat carries nothing that can be refused", () => {
    expect(leavingHeartbeat(base)).toEqual({ ...base, gpus: [], workers: [], leaving: true });
  });
});

describe("refusals", () => {
  it("learns from the field the edge names, and forgets after FORGET_MS", () => {
    let now = 0;
    const r = new Refusals(() => now);
    const sent = { ...base, gpus: [gpu(3), gpu(7)], workers: [worker("a"), worker("b")] };
    expect(r.learn(400, { code: "invalid_body", field: "gpus.1.temperature_c" }, sent)).toBe("GPU 7 sent without temperature_c");
    expect(r.learn(400, { field: "workers.0.uri" }, sent)).toBe("worker a left out");
    expect(r.learn(413, { code: "body_too_large", field: "(body)" }, sent)).toBe("at most 1 workers");
    expect(r.learn(400, { code: "pool_id_mismatch", field: "pool_id" }, sent)).toBeNull();

    const next = fitHeartbeat({ base, gpus: [gpu(3), gpu(7, { temperature_c: 40 })], workers: [worker("a"), worker("b"), worker("c")], left: [] }, r).heartbeat;
    expect(next.gpus[1]).toMatchObject({ id: 7, temperature_c: null });
    expect(next.workers.map((w) => w.id)).toEqual(["b"]);

    now = FORGET_MS - 1;
    expect(r.expire()).toBe(false);
    now = FORGET_MS;
    expect(r.expire()).toBe(true);
    expect(fitHeartbeat({ base, gpus: [], workers: [worker("a"), worker("b")], left: [] }, r).heartbeat.workers).toHaveLength(2);
  });

  it("end to end: an edge refusing a GPU field gets the next heartbeat without it, and the refusal is logged with the field", async () => {
    const edge = await receiver((n, _req, res) => {
      if (n === 1) res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "invalid_body", message: "gpus.1.power_w: Too big", field: "gpus.1.power_w" } }));
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "accepted", edge_sidecar_version: "9.9.9" }));
    });
    const r = run(["--edge", edge.url, "--pool", "p", "--token", "t", "--interval", "1", "--listen", "127.0.0.1:0"]);
    await until(async () => edge.received.length, (n) => n >= 2, 10_000);
    r.child.kill("SIGTERM");
    await r.exit;
    await edge.close();
    expect(edge.received[0]!.body.gpus[1].power_w).toBe(512.84);
    expect(edge.received[1]!.body.gpus[1]).toMatchObject({ id: 1, power_w: null });
    expect(edge.received[1]!.body.gpus[1].unknown_reason).toContain("power_w=512.84 refused by the edge");
    expect(edge.received[0]!.headers["user-agent"]).toMatch(/^heartbeat-sidecar\/\d+\.\d+\.\d+/);
    expect(r.logs()).toContainEqual(expect.objectContaining({ msg: "the edge refused the heartbeat", status: 400, field: "gpus.1.power_w", next: "GPU 1 sent without power_w" }));
    // An edge serving another version says so in its answer; the sidecar says it once, with the command.
    const skew = r.logs().filter((l) => l.msg === "the edge serves another sidecar version");
    expect(skew).toHaveLength(1);
    expect(skew[0]).toMatchObject({ edge: "9.9.9", install: `npx --yes ${edge.url}/heartbeat-sidecar-9.9.9.tgz` });
  });
});

describe("the hive's registry", () => {
  it("holds at most maxWorkers fresh workers, making room only from stale ones", () => {
    let now = 0;
    const reg = new LocalRegistry(30, 3, 600_000, () => now, 2);
    expect(reg.heartbeat("a", "healthy")).toBe(true);
    expect(reg.heartbeat("b", "healthy")).toBe(true);
    expect(reg.heartbeat("c", "healthy")).toBe(false);
    expect(reg.heartbeat("a", "degraded")).toBe(true);
    now = 60_000;
    reg.heartbeat("b", "healthy");
    now = 95_000; // a is stale (last heard at 0), b is not
    expect(reg.heartbeat("c", "healthy")).toBe(true);
    expect(reg.list().map((w) => w.report.id).sort()).toEqual(["b", "c"]);
    expect(reg.forHeartbeat().map((w) => w.id)).toEqual(["c", "b"]);
  });

  it("reports a removed worker as left until the edge confirms it; a heartbeat brings it back", () => {
    const reg = new LocalRegistry();
    reg.heartbeat("a", "healthy");
    reg.heartbeat("b", "healthy");
    expect(reg.remove("a")).toBe(true);
    expect(reg.remove("a")).toBe(false);
    expect(reg.pendingLeft()).toEqual(["a"]);
    reg.confirmLeft(["a"]);
    expect(reg.pendingLeft()).toEqual([]);
    reg.remove("b");
    reg.heartbeat("b", "healthy");
    expect(reg.pendingLeft()).toEqual([]);
  });
});

describe("retries", () => {
  it("after a permanent refusal (401, 403, 400) back off to minutes, not the interval", () => {
    const mid = () => 0.5;
    expect(retryDelay(0, 200, 15_000, 60_000, mid)).toBe(15_000);
    expect(retryDelay(10, null, 15_000, 60_000, mid)).toBe(45_000); // network error: capped at 60 s
    expect(retryDelay(10, 401, 15_000, 60_000, mid)).toBe(PERMANENT_BACKOFF_MS * 0.75);
    expect(retryDelay(10, 429, 15_000, 60_000, mid)).toBe(45_000);
  });

  it("a revoked token is logged as such, loudly", async () => {
    const edge = await receiver((_n, _req, res) => res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "unauthorized", message: "token has been revoked" } })));
    const r = run(["--edge", edge.url, "--pool", "p", "--token", "t", "--interval", "1", "--listen", "127.0.0.1:0"]);
    await until(async () => r.logs().some((l) => l.msg === "the edge refuses this pool token"), (v) => v, 10_000);
    expect(r.logs().find((l) => l.msg === "the edge refuses this pool token")).toMatchObject({ level: "error", status: 401, error: "token has been revoked" });
    r.child.kill("SIGKILL");
    await edge.close();
  });
});

