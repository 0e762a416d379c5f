// The mass-staleness guard: when most of a pool goes silent at once, suspect the network
// and evict nobody (Kubernetes' zone rule), and say so in the snapshot.
import { afterEach, expect, it, vi } from "vitest";
import { advance, api, createPool, events, freezeClock, runAlarm, snapshot, workerHeartbeat } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

async function beatAll(token: string, ids: string[]) {
  for (const id of ids) expect((await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat(id) })).status).toBe(200);
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
