// The mass-staleness guard: when most of a pool goes silent at once, suspect the network
// and evict nobody (Kubernetes' zone rule), and say so in the snapshot.
import { afterEach, expect, it, vi } from "vitest";
import { ADMIN, advance, api, beat, createPool, events, freezeClock, poolHeartbeat, runAlarm, snapshot } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

async function beatAll(token: string, ids: string[]) {
  for (const id of ids) await beat(token, id);
}

it("evicts nobody while most of the pool is stale, then resumes when it recovers", async () => {
  freezeClock("2031-06-01T00:00:00Z");
  const token = await createPool("mass", { evict_after_s: 300 });
  await beatAll(token, ["w1", "w2", "w3", "w4"]);

  advance(90);
  await runAlarm("mass");
  let snap = await snapshot("mass");
  expect(snap.counts.workers).toEqual({ fresh: 0, stale: 4 });
  expect(snap.eviction.suspended).toBe(true);
  expect(snap.eviction.reason).toMatch(/4 of 4 senders are stale/);

  advance(600); // far past evict_after_s
  await runAlarm("mass");
  snap = await snapshot("mass");
  expect(snap.workers).toHaveLength(4);

  await beatAll(token, ["w1", "w2"]); // half back: under the 55% threshold
  await runAlarm("mass");
  snap = await snapshot("mass");
  expect(snap.eviction).toEqual({ suspended: false, reason: null });
  expect(snap.workers.map((w) => w.id).sort()).toEqual(["w1", "w2"]);
  const kinds = (await events("mass")).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(["eviction_suspended", "eviction_resumed", "evicted"]));
});

it("evicts a lone silent worker in a healthy pool as usual", async () => {
  freezeClock("2031-06-01T00:00:00Z");
  const token = await createPool("mass-minority", { evict_after_s: 300 });
  await beatAll(token, ["w1", "w2", "w3", "w4"]);
  for (let t = 0; t < 300; t += 30) {
    advance(30);
    await beatAll(token, ["w1", "w2", "w3"]);
    await runAlarm("mass-minority");
  }
  const snap = await snapshot("mass-minority");
  expect(snap.workers.map((w) => w.id).sort()).toEqual(["w1", "w2", "w3"]);
  expect(snap.eviction.suspended).toBe(false);
});

it("summarises a storm as one event instead of one row per worker", async () => {
  freezeClock("2031-06-01T00:00:00Z");
  const token = await createPool("storm", { mass_stale_min_senders: 1000 });
  const ids = Array.from({ length: 50 }, (_, i) => `w${i}`);
  await beatAll(token, ids);
  advance(90);
  await runAlarm("storm");
  const stale = (await events("storm")).filter((e) => e.kind === "stale");
  expect(stale).toHaveLength(1);
  expect(stale[0]).toMatchObject({ subject: "pool", detail: { count: 50 } });
});

it("lets the admin evict retired workers by hand while evictions are held, and a host with its workers", async () => {
  freezeClock("2031-06-01T00:00:00Z");
  const token = await createPool("manual", { evict_after_s: 300 });
  await beatAll(token, ["w1", "w2", "w3", "w4"]);
  await api("POST", "/v2/pools/manual/heartbeat", { token, json: poolHeartbeat("manual", "h1", ["r1", "r2"]) });
  advance(90);
  await runAlarm("manual");
  expect((await snapshot("manual")).eviction.suspended).toBe(true);

  for (const id of ["w2", "w3", "w4"]) {
    expect((await api("DELETE", `/v1/admin/pools/manual/workers/${id}`, { token: ADMIN })).body).toEqual({ removed: `worker:${id}` });
  }
  const host = await api("DELETE", "/v1/admin/pools/manual/hosts/h1", { token: ADMIN });
  expect(host.body).toEqual({ removed: "host:h1" });
  const snap = await snapshot("manual");
  expect(snap.workers.map((w) => w.id)).toEqual(["w1"]);
  expect(snap.hosts).toEqual([]);
  expect((await events("manual")).filter((e) => e.kind === "evicted").map((e) => [e.subject, e.detail.by])).toEqual([
    ["worker:w2", "admin"], ["worker:w3", "admin"], ["worker:w4", "admin"], ["host:h1", "admin"], ["worker:r1", "admin"], ["worker:r2", "admin"],
  ]);

  const missing = await api("DELETE", "/v1/admin/pools/manual/workers/nobody", { token: ADMIN });
  expect(missing.status).toBe(404);
  expect(missing.body.error.field).toBe("worker_id");
  expect((await api("DELETE", "/v1/admin/pools/manual/workers/w1", { token })).status).toBe(401);
  expect((await api("DELETE", `/v1/admin/pools/manual/hosts/${"h".repeat(200)}`, { token: ADMIN })).body.error.field).toBe("host_id");
});
