// A Durable Object restart (deploy, crash, idle eviction) loses nothing that matters and
// gives every fresh sender a grace period; steady heartbeats write almost nothing.
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHECKPOINT_MS } from "../../shared/index.js";
import { ADMIN, advance, api, createPool, events, freezeClock, poolHeartbeat, runAlarm, snapshot, stats, workerHeartbeat } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

const T0 = "2031-05-01T00:00:00Z";

/** Evicts the object and wakes it again at the current (frozen) time, as the next request would. */
async function restart(poolId: string): Promise<void> {
  await evictDurableObject(env.POOLS.getByName(poolId));
  await stats(poolId);
}

describe("restart", () => {
  it("keeps hosts, GPUs, workers, settings, tokens and events", async () => {
    freezeClock(T0);
    const token = await createPool("restart-keep", { pool_interval_s: 20, evict_after_s: 900 });
    await api("POST", "/v2/pools/restart-keep/heartbeat", { token, json: poolHeartbeat("restart-keep", "h1", ["r1", "r2"]) });
    await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1", undefined, "degraded") });
    const before = await snapshot("restart-keep");
    const eventsBefore = await events("restart-keep");

    await restart("restart-keep");
    const after = await snapshot("restart-keep", token);
    expect(after.workers).toEqual(before.workers.map((w) => ({ ...w, clock_skew_ms: null })));
    expect(after.gpus).toEqual(before.gpus);
    expect(after.hosts).toEqual(before.hosts.map((h) => ({ ...h, clock_skew_ms: null })));
    expect(after.settings).toEqual(before.settings);
    const eventsAfter = await events("restart-keep");
    expect(eventsAfter.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(eventsAfter.at(-1)).toMatchObject({ kind: "restarted", detail: { workers: 3, hosts: 1 } });
  });

  it("gives fresh senders a full window from the restart, not from their last heartbeat", async () => {
    freezeClock(T0);
    const token = await createPool("restart-grace");
    await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1") });
    advance(80);
    await restart("restart-grace");

    advance(10); // 90 s after the heartbeat: stale without a restart
    await runAlarm("restart-grace");
    expect((await snapshot("restart-grace")).workers[0]!.state).toBe("fresh");

    advance(79); // 169 s: 89 s after the restart
    await runAlarm("restart-grace");
    expect((await snapshot("restart-grace")).workers[0]!.state).toBe("fresh");
    advance(1);
    await runAlarm("restart-grace");
    const w = (await snapshot("restart-grace")).workers[0]!;
    expect(w).toMatchObject({ state: "stale", last_heartbeat_at: "2031-05-01T00:00:00.000Z" });
  });

  it("cannot be postponed forever by repeated restarts", async () => {
    freezeClock(T0);
    const token = await createPool("restart-loop", { evict_after_s: 3600 });
    await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1") });
    // Restart every 80 s, each time just before the grace would run out.
    let staleAt: number | null = null;
    for (let i = 0; i < 20 && staleAt === null; i++) {
      advance(80);
      await evictDurableObject(env.POOLS.getByName("restart-loop"));
      await runAlarm("restart-loop"); // the object's own alarm wakes it
      if ((await snapshot("restart-loop")).workers[0]!.state === "stale") staleAt = Date.now();
    }
    expect(staleAt).not.toBeNull();
    expect(staleAt! - Date.parse(T0)).toBeLessThanOrEqual(CHECKPOINT_MS + 90_000 + 80_000);
  });

  it("keeps a stale worker's eviction on schedule across a restart", async () => {
    freezeClock(T0);
    const token = await createPool("restart-evict", { evict_after_s: 300 });
    await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1") });
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
  it("writes under 0.1 SQLite rows per steady-state heartbeat (20 workers x 40 beats at 30 s)", async () => {
    freezeClock(T0);
    const token = await createPool("rows");
    const ids = Array.from({ length: 20 }, (_, i) => `w${i}`);
    for (const id of ids) await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat(id) });
    const joined = await stats("rows");

    for (let round = 0; round < 40; round++) {
      advance(30);
      for (const id of ids) {
        const res = await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat(id) });
        expect(res.status).toBe(200);
      }
      await runAlarm("rows");
    }
    const after = await stats("rows");
    const beats = after.heartbeats - joined.heartbeats;
    const rows = after.rows_written - joined.rows_written;
    expect(beats).toBe(800);
    // 20 minutes of heartbeats: each worker checkpoints twice (every 10 min) = 40 rows.
    expect(rows).toBe(40);
    expect(rows / beats).toBeLessThan(0.1);
    expect((await snapshot("rows")).counts.workers).toEqual({ fresh: 20, stale: 0 });
  });

  it("writes a changed worker descriptor at once, and nothing for a volatile status flip", async () => {
    freezeClock(T0);
    const token = await createPool("rows-change");
    const hb = poolHeartbeat("rows-change", "h1", ["r1"]);
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    const s0 = await stats("rows-change");

    advance(15);
    hb.timestamp = new Date().toISOString();
    hb.workers[0]!.status = "busy";
    hb.gpus[0]!.free_vram_bytes = 1_000;
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    expect((await stats("rows-change")).rows_written).toBe(s0.rows_written);
    expect((await snapshot("rows-change")).workers[0]!.status).toBe("busy");

    advance(15);
    hb.timestamp = new Date().toISOString();
    hb.workers[0]!.model_ref = "llama-70b";
    await api("POST", "/v2/pools/rows-change/heartbeat", { token, json: hb });
    expect((await stats("rows-change")).rows_written).toBe(s0.rows_written + 1);
    await restart("rows-change");
    expect((await snapshot("rows-change", ADMIN)).workers[0]!.model_ref).toBe("llama-70b");
  });
});
