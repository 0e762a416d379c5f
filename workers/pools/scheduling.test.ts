// Placement, reservations, draining and token scopes, through the HTTP API inside workerd
// (every answer is also checked against the OpenAPI document by api()).
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, advance, api, createPool, events, freezeClock, poolHeartbeat, runAlarm, snapshot } from "../../test/helpers.js";

const GB = 1_000_000_000;

function gpu(id: number, totalGb: number | null, freeGb: number | null) {
  return { id, device_name: "NVIDIA H100", total_vram_bytes: totalGb === null ? null : totalGb * GB, free_vram_bytes: freeGb === null ? null : freeGb * GB };
}

function worker(id: string, extra: Record<string, unknown> = {}) {
  return { id, status: "idle", model_ref: "llama-7b", vram_bytes: 8 * GB, gpu_id: 0, uri: `http://10.0.0.1:8000/${id}`, capabilities: ["text-gen"], protocol: "sse", ...extra };
}

async function host(pool: string, token: string, hostId: string, gpus: object[], workers: object[] = []) {
  const res = await api("POST", `/v2/pools/${pool}/heartbeat`, { token, json: { ...poolHeartbeat(pool, hostId, []), gpus, workers } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function scoped(pool: string, scope: "read" | "schedule" | "write"): Promise<string> {
  const res = await api("POST", `/v1/admin/pools/${pool}/tokens`, { token: ADMIN, json: { label: scope, scope } });
  expect(res.status).toBe(201);
  expect(res.body.scope).toBe(scope);
  return res.body.token;
}

const place = (pool: string, token: string, query: string) => api("GET", `/v2/pools/${pool}/placement?${query}`, { token });
const reserve = (pool: string, token: string, body: object) => api("POST", `/v2/pools/${pool}/reservations`, { token, json: body });

beforeEach(() => freezeClock("2026-11-23T10:00:00Z"));

describe("placement", () => {
  it("ranks workers serving the model (idle before busy), then GPUs by best fit, and counts what it left out", async () => {
    const token = await createPool("place-1");
    await host("place-1", token, "a", [gpu(0, 80, 70), gpu(1, 80, 30), gpu(2, 24, null)], [worker("w-busy", { status: "busy" }), worker("w-idle", { gpu_id: 1 })]);
    await host("place-1", token, "b", [gpu(0, 48, 21), gpu(1, 24, 10)], [worker("w-degraded"), worker("w-other", { model_ref: "mistral" })]);
    await host("place-1", token, "c", [gpu(0, 80, 80)], [worker("w-drained")]);
    expect((await api("PATCH", "/v1/admin/pools/place-1/hosts/c", { token: ADMIN, json: { draining: true } })).status).toBe(200);
    // w-degraded says so itself.
    expect((await api("POST", "/v1/heartbeat", { token, json: { worker_id: "w-degraded", timestamp: new Date().toISOString(), health_status: "degraded" } })).status).toBe(200);

    const res = await place("place-1", token, "vram_bytes=20000000000&model_ref=llama-7b");
    expect(res.status).toBe(200);
    expect(res.body.candidates.map((c: any) => (c.kind === "worker" ? c.worker_id : `${c.host_id}/${c.gpu_id}`))).toEqual(["w-idle", "w-busy", "b/0", "a/1", "a/0"]);
    expect(res.body.candidates[2]).toMatchObject({ kind: "gpu", free_vram_bytes: 21 * GB, reserved_bytes: 0, available_bytes: 21 * GB });
    // Workers: w-other (another model) and w-drained (its host) and w-degraded; GPUs: b/1 too small, a/2 unknown, c/0 drained.
    expect(res.body.excluded).toEqual({ stale: 0, draining: 2, degraded: 1, vram_unknown: 1, too_small: 1, not_matching: 1 });
    // Without a model only GPUs are candidates; `limit` keeps the best.
    const gpus = await place("place-1", token, "vram_bytes=20000000000&limit=1");
    expect(gpus.body.candidates).toEqual([expect.objectContaining({ host_id: "b", gpu_id: 0 })]);
  });

  it("never counts a GPU whose VRAM is unknown, leaves stale hosts out, and names a bad query field", async () => {
    const token = await createPool("place-2", { pool_interval_s: 15 });
    await host("place-2", token, "a", [gpu(0, null, null)]);
    await host("place-2", token, "b", [gpu(0, 80, 80)]);
    advance(10);
    await host("place-2", token, "a", [gpu(0, null, null)]);
    advance(40); // b has been silent for 50 s: stale (45 s); a for 40 s: fresh
    await runAlarm("place-2");
    const res = await place("place-2", token, "vram_bytes=1");
    expect(res.body.candidates).toEqual([]);
    expect(res.body.excluded).toMatchObject({ stale: 1, vram_unknown: 1 });
    const bad = await place("place-2", token, "vram_bytes=-1");
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("vram_bytes");
    expect((await place("place-2", token, "vram_bytes=1&gpu=0")).body.error.field).toBe("gpu");
  });
});

describe("reservations", () => {
  it("50 at once on GPUs that fit 10: exactly 10 granted, 40 refused with 409, never the same bytes twice", async () => {
    const token = await createPool("race");
    // Five GPUs with 45 GB free each: two 20 GB reservations fit on each.
    await host("race", token, "h1", [gpu(0, 48, 45), gpu(1, 48, 45), gpu(2, 48, 45)]);
    await host("race", token, "h2", [gpu(0, 48, 45), gpu(1, 48, 45)]);
    const sched = await scoped("race", "schedule");
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve("race", sched, { vram_bytes: 20 * GB, ttl_s: 60, holder: `job-${i}-private` })));
    const granted = answers.filter((a) => a.status === 201);
    expect(granted).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(40);
    expect(answers.find((a) => a.status === 409)!.body.error).toMatchObject({ code: "does_not_fit", field: "vram_bytes" });
    const perGpu = new Map<string, number>();
    for (const g of granted) perGpu.set(`${g.body.host_id}/${g.body.gpu_id}`, (perGpu.get(`${g.body.host_id}/${g.body.gpu_id}`) ?? 0) + g.body.vram_bytes);
    expect([...perGpu.values()].every((bytes) => bytes <= 45 * GB)).toBe(true);
    expect(perGpu.size).toBe(5);
    const snap = await snapshot("race");
    expect(snap.reservations).toHaveLength(10);
    // The status page says how much is held, never by whom.
    const page = await (await exports.default.fetch("http://edge.test/")).text();
    expect(page).toContain("10 reservations holding 186.3 GiB");
    expect(page).not.toContain("-private");
    // Placement sees them: nothing has 20 GB available now.
    expect((await place("race", sched, "vram_bytes=20000000000")).body.excluded.too_small).toBe(5);
  });

  it("end by TTL, by delete, by a worker appearing on the GPU, by free VRAM dropping, and by the host going stale", async () => {
    const token = await createPool("release", { pool_interval_s: 15 });
    await host("release", token, "h", [gpu(0, 80, 80), gpu(1, 80, 80), gpu(2, 80, 80), gpu(3, 80, 80)], [worker("old", { gpu_id: 2, vram_bytes: 1 })]);
    const sched = await scoped("release", "schedule");
    const on = (gpuId: number, ttl = 300) => reserve("release", sched, { vram_bytes: 30 * GB, ttl_s: ttl, holder: `g${gpuId}`, host_id: "h", gpu_id: gpuId });
    const ttl = (await on(0, 5)).body;
    const deleted = (await on(1)).body;
    const byWorker = (await on(2)).body;
    const byFree = (await on(3)).body;
    expect([ttl, deleted, byWorker, byFree].map((r) => r.gpu_id)).toEqual([0, 1, 2, 3]);

    advance(6);
    expect((await api("DELETE", `/v2/pools/release/reservations/${deleted.reservation_id}`, { token: sched })).status).toBe(200);
    expect((await api("DELETE", `/v2/pools/release/reservations/${deleted.reservation_id}`, { token: sched })).status).toBe(404);
    // The next heartbeat: a new worker on GPU 2 (the one already there does not count), GPU 3's free VRAM down by 30 GB.
    await host("release", token, "h", [gpu(0, 80, 80), gpu(1, 80, 80), gpu(2, 80, 80), gpu(3, 80, 50)], [worker("old", { gpu_id: 2, vram_bytes: 1 }), worker("new", { gpu_id: 2 })]);
    const list = await api("GET", "/v2/pools/release/reservations", { token: sched });
    expect(list.body.reservations).toEqual([]);
    const why = Object.fromEntries((await events("release")).filter((e) => e.kind === "released").map((e) => [e.detail.reservation_id, e.detail.why]));
    expect(why).toEqual({
      [ttl.reservation_id]: "ttl",
      [deleted.reservation_id]: "deleted",
      [byWorker.reservation_id]: "in_use: worker new on the GPU",
      [byFree.reservation_id]: "in_use: free VRAM dropped by the reserved amount",
    });

    // A host going stale releases what it held.
    const held = (await on(0)).body;
    advance(50);
    await runAlarm("release");
    expect((await snapshot("release")).reservations).toEqual([]);
    expect((await events("release")).find((e) => e.kind === "released" && e.detail.reservation_id === held.reservation_id)?.detail.why).toBe("host_stale");
  });

  it("refuses a named GPU that cannot take it, with the reason, and a body naming only one of host and GPU", async () => {
    const token = await createPool("named");
    await host("named", token, "h", [gpu(0, 24, 10), gpu(1, 24, null)]);
    const sched = await scoped("named", "schedule");
    const small = await reserve("named", sched, { vram_bytes: 20 * GB, ttl_s: 60, holder: "x", host_id: "h", gpu_id: 0 });
    expect(small.status).toBe(409);
    expect(small.body.error.message).toMatch(/has 10000000000 bytes available/);
    expect((await reserve("named", sched, { vram_bytes: 1, ttl_s: 60, holder: "x", host_id: "h", gpu_id: 1 })).body.error.message).toMatch(/VRAM unknown/);
    expect((await reserve("named", sched, { vram_bytes: 1, ttl_s: 60, holder: "x", host_id: "nope", gpu_id: 0 })).body.error.field).toBe("host_id");
    const half = await reserve("named", sched, { vram_bytes: 1, ttl_s: 60, holder: "x", host_id: "h" });
    expect(half.status).toBe(400);
    expect(half.body.error.field).toBe("gpu_id");
  });
});

describe("draining", () => {
  it("keeps a drained worker or host in the registry, marked, out of placement, until it is undrained or gone", async () => {
    const token = await createPool("drain");
    await host("drain", token, "h", [gpu(0, 80, 80)], [worker("w")]);
    expect((await api("PATCH", "/v1/admin/pools/drain/workers/w", { token: ADMIN, json: { draining: true } })).body).toEqual({ subject: "worker:w", draining: true });
    let snap = await snapshot("drain");
    expect(snap.workers[0]).toMatchObject({ id: "w", draining: true, state: "fresh" });
    expect((await place("drain", token, "vram_bytes=1&model_ref=llama-7b")).body.candidates.map((c: any) => c.kind)).toEqual(["gpu"]);
    await api("PATCH", "/v1/admin/pools/drain/workers/w", { token: ADMIN, json: { draining: false } });
    expect((await place("drain", token, "vram_bytes=1&model_ref=llama-7b")).body.candidates[0]).toMatchObject({ kind: "worker", worker_id: "w" });

    await api("PATCH", "/v1/admin/pools/drain/hosts/h", { token: ADMIN, json: { draining: true } });
    snap = await snapshot("drain");
    expect(snap.hosts[0]!.draining).toBe(true);
    expect(snap.workers[0]!.draining).toBe(true);
    const page = await (await exports.default.fetch("http://edge.test/")).text();
    expect(page).toContain("<strong> · draining: no new work</strong>");
    expect(page).toContain("idle<strong> · draining</strong>");
    expect((await reserve("drain", await scoped("drain", "schedule"), { vram_bytes: 1, ttl_s: 60, holder: "x" })).status).toBe(409);
    // Gone and back: a new machine under the name starts schedulable.
    await api("DELETE", "/v1/admin/pools/drain/hosts/h", { token: ADMIN });
    await host("drain", token, "h", [gpu(0, 80, 80)]);
    expect((await snapshot("drain")).hosts[0]!.draining).toBe(false);
    // Errors name what is wrong.
    expect((await api("PATCH", "/v1/admin/pools/drain/workers/ghost", { token: ADMIN, json: { draining: true } })).status).toBe(404);
    expect((await api("PATCH", "/v1/admin/pools/drain/hosts/h", { token: ADMIN, json: { draining: "yes" } })).body.error.field).toBe("draining");
    expect((await events("drain")).filter((e) => e.kind === "draining").map((e) => [e.subject, e.detail.draining])).toEqual([["worker:w", true], ["worker:w", false], ["host:h", true]]);
  });
});

describe("token scopes", () => {
  it("read reads, schedule reserves, write sends heartbeats; none does more", async () => {
    const write = await createPool("scopes");
    await host("scopes", write, "h", [gpu(0, 80, 80)]);
    const read = await scoped("scopes", "read");
    const sched = await scoped("scopes", "schedule");
    const hb = () => ({ ...poolHeartbeat("scopes", "h", []), gpus: [gpu(0, 80, 80)] });

    for (const t of [read, sched, write]) {
      expect((await api("GET", "/v2/pools/scopes", { token: t })).status).toBe(200);
      expect((await place("scopes", t, "vram_bytes=1")).status).toBe(200);
      expect((await api("GET", "/v2/pools/scopes/events", { token: t })).status).toBe(200);
    }
    for (const t of [read, sched]) {
      const refused = await api("POST", "/v2/pools/scopes/heartbeat", { token: t, json: hb() });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("insufficient_scope");
      expect((await api("POST", "/v1/heartbeat", { token: t, json: { worker_id: "w", timestamp: new Date().toISOString(), health_status: "healthy" } })).status).toBe(403);
    }
    for (const t of [read, write]) expect((await reserve("scopes", t, { vram_bytes: 1, ttl_s: 60, holder: "x" })).body.error.code).toBe("insufficient_scope");
    expect((await reserve("scopes", sched, { vram_bytes: 1, ttl_s: 60, holder: "x" })).status).toBe(201);
    // No heartbeat went through but the writer's.
    expect((await snapshot("scopes")).hosts).toHaveLength(1);
    const tokens = (await api("GET", "/v1/admin/pools/scopes/tokens", { token: ADMIN })).body.tokens.map((t: any) => t.scope);
    expect(tokens.sort()).toEqual(["read", "schedule", "write"]);
    expect((await api("POST", "/v1/admin/pools/scopes/tokens", { token: ADMIN, json: { scope: "root" } })).body.error.field).toBe("scope");
  });
});
