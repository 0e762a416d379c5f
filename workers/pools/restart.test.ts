// Durable Objects are hibernated after 10 s idle and restarted on deploys, so the registry
// is rebuilt from storage often. Nothing that matters may be lost, no live sender may be
// marked stale because of it, and dead ones must still go stale on time.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, advance, api, beat, closeBurst, createPool, events, freezeClock, killPool, poolHeartbeat, runAlarm, snapshot, stats, workerHeartbeat } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

const T0 = "2031-05-01T00:00:00Z";

/** Evicts the object from memory and wakes it again at the current (frozen) time. */
async function restart(poolId: string): Promise<void> {
  await killPool(poolId);
  await stats(poolId);
}

/**
 * Hibernation: idle, the object writes its closing flush (its timer; called here because the
 * clock is frozen), leaves memory and stays out until its next request or alarm.
 */
async function hibernate(poolId: string): Promise<void> {
  await closeBurst(poolId);
  await killPool(poolId);
}

/** Busy: three workers heartbeating a second apart, so only some heartbeats are written (every 30 s). Returns the last one's time. */
async function busyTraffic(token: string): Promise<number> {
  for (let i = 0; i < 3; i++) {
    for (const id of ["w1", "w2", "w3"]) {
      await beat(token, id);
      advance(1);
    }
    advance(17);
  }
  return Date.now() - 18_000;
}

describe("restart and hibernation", () => {
  it("keeps hosts, the latest GPU readings, workers, status, settings, tokens and events", async () => {
    freezeClock(T0);
    const token = await createPool("restart-keep", { pool_interval_s: 20, evict_after_s: 900 });
    const hb = poolHeartbeat("restart-keep", "h1", ["r1", "r2"]);
    await api("POST", "/v2/pools/restart-keep/heartbeat", { token, json: hb });
    advance(20);
    hb.timestamp = new Date().toISOString();
    hb.gpus[0]!.free_vram_bytes = 1_234_567_890;
    hb.workers[1]!.status = "busy";
    await api("POST", "/v2/pools/restart-keep/heartbeat", { token, json: hb });
    await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1", undefined, "degraded") });
    const before = await snapshot("restart-keep");
    const eventsBefore = await events("restart-keep");

    await restart("restart-keep");
    const after = await snapshot("restart-keep", token);
    expect(after.workers).toEqual(before.workers.map((w) => ({ ...w, clock_skew_ms: null })));
    expect(after.gpus).toEqual(before.gpus);
    expect(after.gpus[0]!.free_vram_bytes).toBe(1_234_567_890);
    expect(after.workers.find((w) => w.id === "r2")!.status).toBe("busy");
    expect(after.hosts).toEqual(before.hosts.map((h) => ({ ...h, clock_skew_ms: null })));
    expect(after.settings).toEqual(before.settings);
    expect(await events("restart-keep")).toEqual(eventsBefore);
  });

  it("goes stale exactly 90 s after the last heartbeat when the object hibernates between heartbeats", async () => {
    freezeClock(T0);
    const token = await createPool("hibernate-exact");
    for (let i = 0; i < 3; i++) {
      if (i > 0) advance(30);
      await beat(token, "w1");
      await hibernate("hibernate-exact"); // idle for > 10 s: Cloudflare hibernates it
    }
    advance(89);
    await runAlarm("hibernate-exact"); // its own alarm wakes it 89 s after the last heartbeat
    expect((await snapshot("hibernate-exact")).workers[0]!.state).toBe("fresh");
    advance(1);
    await runAlarm("hibernate-exact");
    expect((await snapshot("hibernate-exact")).workers[0]).toMatchObject({ state: "stale", age_s: 90 });
  });

  it("stays exact when a short burst is followed by quiet heartbeats and hibernation", async () => {
    freezeClock(T0);
    const token = await createPool("burst-then-quiet");
    await beat(token, "w1"); // two heartbeats 0 ms apart look busy...
    await beat(token, "w2");
    advance(6); // ...but the next one comes after a pause, on an object that slept in between
    await hibernate("burst-then-quiet");
    await beat(token, "w3");
    await hibernate("burst-then-quiet");
    vi.setSystemTime(Date.parse(T0) + 90_000); // w1 and w2 are silent for exactly their window
    await runAlarm("burst-then-quiet");
    const states = Object.fromEntries((await snapshot("burst-then-quiet")).workers.map((w) => [w.id, w.state]));
    expect(states).toEqual({ w1: "stale", w2: "stale", w3: "fresh" });
  });

  it("never marks a live sender stale after a restart mid-traffic, and is at most one flush interval late", async () => {
    freezeClock(T0);
    const token = await createPool("restart-busy");
    const last = await busyTraffic(token);
    await restart("restart-busy");
    vi.setSystemTime(last + 89_000);
    await runAlarm("restart-busy");
    expect((await snapshot("restart-busy")).counts.workers.fresh).toBe(3);
    vi.setSystemTime(last + 90_000 + 30_000);
    await runAlarm("restart-busy");
    expect((await snapshot("restart-busy")).counts.workers).toEqual({ fresh: 0, stale: 3 });
  });

  it("keeps the post-restart bound when the pool's settings change right after", async () => {
    freezeClock(T0);
    const token = await createPool("restart-settings");
    const last = await busyTraffic(token);
    await restart("restart-settings");
    const res = await api("PATCH", "/v1/admin/pools/restart-settings/settings", { token: ADMIN, json: { evict_after_s: 1200 } });
    expect(res.status).toBe(200);
    vi.setSystemTime(last + 89_000);
    await runAlarm("restart-settings");
    expect((await snapshot("restart-settings")).counts.workers).toEqual({ fresh: 3, stale: 0 });
  });

  it("keeps a stale worker's eviction on schedule across a restart", async () => {
    freezeClock(T0);
    const token = await createPool("restart-evict", { evict_after_s: 300 });
    await beat(token, "w1");
    advance(90);
    await runAlarm("restart-evict");
    advance(200);
    await restart("restart-evict");
    expect((await snapshot("restart-evict")).workers[0]!.state).toBe("stale");
    advance(10);
    await runAlarm("restart-evict");
    expect((await snapshot("restart-evict")).workers).toHaveLength(0);
  });
});

describe("writes", () => {
  it("writes under 0.1 SQLite rows per steady-state heartbeat (20 workers at 30 s, for 20 minutes)", async () => {
    freezeClock(T0);
    const token = await createPool("rows");
    const ids = Array.from({ length: 20 }, (_, i) => `w${i}`);
    for (const id of ids) await beat(token, id);
    const joined = await stats("rows");

    // Each worker every 30 s, spread evenly: one request every 1.5 s.
    for (let round = 0; round < 40; round++) {
      for (const id of ids) {
        advance(1.5);
        await beat(token, id);
      }
      await runAlarm("rows");
    }
    const after = await stats("rows");
    const beats = after.heartbeats - joined.heartbeats;
    const rows = after.rows_written - joined.rows_written;
    expect(beats).toBe(800);
    // One volatile row per 30 s flush: 20 minutes = 40 rows.
    expect(rows).toBe(40);
    expect(rows / beats).toBeLessThan(0.1);
    expect((await snapshot("rows")).counts.workers).toEqual({ fresh: 20, stale: 0 });
  });

  it("writes a changed worker descriptor at once into its own row", async () => {
    freezeClock(T0);
    const token = await createPool("rows-change");
    const hb = poolHeartbeat("rows-change", "h1", ["r1"]);
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    advance(1);
    hb.timestamp = new Date().toISOString();
    hb.workers[0]!.status = "busy"; // volatile: goes with the next flush, not its own row
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    const s0 = await stats("rows-change");

    advance(1);
    hb.timestamp = new Date().toISOString();
    hb.workers[0]!.model_ref = "llama-70b";
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    expect((await stats("rows-change")).rows_written).toBe(s0.rows_written + 1);
    await restart("rows-change");
    expect((await snapshot("rows-change", ADMIN)).workers[0]).toMatchObject({ model_ref: "llama-70b", status: "busy" });
  });
});
