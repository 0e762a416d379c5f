// Staleness on the edge's clock: deadlines, the alarm that enforces them, eviction,
// recovery, ordering and skew. The clock is frozen and moved by hand; alarms are run by
// the test exactly as the runtime would run them.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, advance, api, beat, createPool, events, freezeClock, poolHeartbeat, runAlarm, snapshot, stats } from "../../test/helpers.js";
import { pool } from "../objects.js";

afterEach(() => vi.useRealTimers());

const T0 = "2031-04-01T00:00:00Z";

describe("worker staleness", () => {
  it("goes stale exactly 3 intervals (90 s) after the last heartbeat, by the alarm alone", async () => {
    freezeClock(T0);
    const token = await createPool("stale-90");
    await beat(token, "w1");
    const armed = await runInDurableObject(pool(env, "stale-90"), (_, state) => state.storage.getAlarm());
    expect(armed).not.toBeNull();
    expect(armed!).toBeLessThanOrEqual(Date.parse(T0) + 90_000);

    advance(89);
    expect(await runAlarm("stale-90")).toBe(true);
    expect((await snapshot("stale-90")).workers[0]!.state).toBe("fresh");

    advance(1);
    expect(await runAlarm("stale-90")).toBe(true);
    const snap = await snapshot("stale-90");
    expect(snap.workers[0]).toMatchObject({ id: "w1", state: "stale", age_s: 90, last_heartbeat_at: "2031-04-01T00:00:00.000Z" });
    expect(snap.counts.workers).toEqual({ fresh: 0, stale: 1 });
    expect(await events("stale-90")).toContainEqual(expect.objectContaining({ kind: "stale", subject: "worker:w1", detail: { silent_s: 90 } }));
  });

  it("recovers on the next heartbeat and logs it", async () => {
    freezeClock(T0);
    const token = await createPool("recover");
    await beat(token, "w1");
    advance(90);
    await runAlarm("recover");
    advance(5);
    await beat(token, "w1");
    const snap = await snapshot("recover");
    expect(snap.workers[0]).toMatchObject({ state: "fresh", age_s: 0 });
    expect((await events("recover")).map((e) => e.kind)).toEqual(["joined", "stale", "recovered"]);
  });

  it("evicts after evict_after_s of silence and forgets the worker", async () => {
    freezeClock(T0);
    const token = await createPool("evict", { evict_after_s: 300 });
    await beat(token, "w1");
    advance(90);
    await runAlarm("evict");
    advance(209); // 299 s of silence
    await runAlarm("evict");
    expect((await snapshot("evict")).workers).toHaveLength(1);
    advance(1);
    await runAlarm("evict");
    expect((await snapshot("evict")).workers).toHaveLength(0);
    expect(await events("evict")).toContainEqual(expect.objectContaining({ kind: "evicted", subject: "worker:w1" }));
    expect((await stats("evict")).workers).toBe(0);
  });

  it("follows the pool's own timing", async () => {
    freezeClock(T0);
    const token = await createPool("timing", { worker_interval_s: 10, stale_after_missed: 2, evict_after_s: 60 });
    await beat(token, "w1");
    advance(19);
    await runAlarm("timing");
    expect((await snapshot("timing")).workers[0]!.state).toBe("fresh");
    advance(1);
    await runAlarm("timing");
    expect((await snapshot("timing")).workers[0]!.state).toBe("stale");
  });

  it("ignores a heartbeat older than the last accepted one: it never moves a worker back", async () => {
    freezeClock(T0);
    const token = await createPool("ordering");
    await beat(token, "w1", "2031-04-01T00:00:00Z");
    advance(90);
    await runAlarm("ordering");
    const late = await beat(token, "w1", "2031-03-31T23:59:50Z");
    expect(late).toMatchObject({ status: "ignored" });
    const snap = await snapshot("ordering");
    expect(snap.workers[0]).toMatchObject({ state: "stale", last_heartbeat_at: "2031-04-01T00:00:00.000Z" });
  });

  it("reports clock skew without using the sender's clock for liveness", async () => {
    freezeClock(T0);
    const token = await createPool("skew");
    await beat(token, "w1", "2031-04-01T00:02:00Z"); // sender two minutes ahead
    expect((await snapshot("skew")).workers[0]!.clock_skew_ms).toBe(120_000);
    expect(await events("skew")).toContainEqual(expect.objectContaining({ kind: "skew", subject: "worker:w1", detail: { skew_ms: 120_000 } }));
    advance(90);
    await runAlarm("skew");
    expect((await snapshot("skew")).workers[0]!.state).toBe("stale");
  });
});

describe("host staleness", () => {
  it("marks a silent host's GPUs stale, drops them from free VRAM, and takes its relayed workers with it", async () => {
    freezeClock(T0);
    const token = await createPool("host-stale");
    const hb = poolHeartbeat("host-stale", "gpu-box-1", ["r1", "r2"]);
    expect((await api("POST", "/v2/pools/host-stale/heartbeat", { token, json: hb })).status).toBe(200);
    expect((await snapshot("host-stale")).vram.free_bytes).toBe(80_000_000_000);

    advance(45); // 3 x 15 s
    await runAlarm("host-stale");
    const snap = await snapshot("host-stale");
    expect(snap.hosts[0]).toMatchObject({ host_id: "gpu-box-1", state: "stale", gpu_count: 1, worker_count: 2 });
    expect(snap.gpus[0]).toMatchObject({ host_id: "gpu-box-1", state: "stale" });
    expect(snap.vram).toEqual({ total_bytes: 0, free_bytes: 0, unknown_gpus: 0 });
    expect(snap.workers.map((w) => w.state)).toEqual(["stale", "stale"]);
    expect(await events("host-stale")).toContainEqual(expect.objectContaining({ kind: "stale", subject: "worker:r1", detail: { silent_s: 45, cause: "host_stale" } }));
  });

  it("steady heartbeats move the alarm on before it fires, so it runs only for a host that went silent, still on time", async () => {
    freezeClock(T0);
    const token = await createPool("steady");
    const send = async (host: string) => expect((await api("POST", "/v2/pools/steady/heartbeat", { token, json: poolHeartbeat("steady", host, [`${host}-w`]) })).status).toBe(200);
    await send("h1");
    advance(7);
    await send("h2");
    const first = Date.parse((await stats("steady")).alarm_at!);
    expect(first).toBe(Date.parse(T0) + 45_000);
    let moved = 0;
    let last = first;
    // 10 minutes of heartbeats every 15 s from both hosts, the alarm never run.
    for (let k = 1; k <= 40; k++) {
      advance(8);
      await send("h1");
      advance(7);
      await send("h2");
      const at = Date.parse((await stats("steady")).alarm_at!);
      expect(at, `beat ${k}`).toBeGreaterThan(Date.now()); // never left to fire
      if (at !== last) moved += 1;
      last = at;
    }
    // Moved about once per 15-30 s, not at every heartbeat (each move is a row written).
    expect(moved).toBeGreaterThanOrEqual(20);
    expect(moved).toBeLessThanOrEqual(40);
    expect((await snapshot("steady")).counts.hosts).toEqual({ fresh: 2, stale: 0 });
    // h2 goes silent: the alarm fires at its deadline, 45 s after its last heartbeat.
    const h2Last = Date.now();
    advance(8);
    await send("h1");
    advance(15);
    await send("h1");
    advance(15);
    await send("h1");
    expect(Date.parse((await stats("steady")).alarm_at!)).toBe(h2Last + 45_000);
    advance(7);
    expect(await runAlarm("steady")).toBe(true);
    const snap = await snapshot("steady");
    expect(snap.hosts.map((h) => [h.host_id, h.state])).toEqual(expect.arrayContaining([["h1", "fresh"], ["h2", "stale"]]));
    expect(await events("steady")).toContainEqual(expect.objectContaining({ kind: "stale", subject: "host:h2", detail: expect.objectContaining({ silent_s: 45 }) }));
  });

  it("dates a relayed worker by its hive's heartbeat age, so it goes stale 90 s after its own last heartbeat", async () => {
    freezeClock(T0);
    const token = await createPool("relay-age");
    const hb = poolHeartbeat("relay-age", "h1", ["quiet", "lost", "ok"]);
    (hb.workers[0] as Record<string, unknown>).heartbeat_age_ms = 60_000;
    (hb.workers[1] as Record<string, unknown>).heartbeat_age_ms = 90_000; // already past the window: not added
    (hb.workers[2] as Record<string, unknown>).heartbeat_age_ms = 1_000;
    expect((await api("POST", "/v2/pools/relay-age/heartbeat", { token, json: hb })).status).toBe(200);
    let snap = await snapshot("relay-age");
    expect(snap.workers.map((w) => [w.id, w.last_heartbeat_at])).toEqual([
      ["quiet", "2031-03-31T23:59:00.000Z"],
      ["ok", "2031-03-31T23:59:59.000Z"],
    ]);
    expect(JSON.stringify(snap.workers)).not.toContain("heartbeat_age_ms");

    advance(15); // the host keeps reporting; "quiet" has still not heartbeated locally
    hb.timestamp = new Date().toISOString();
    (hb.workers[0] as Record<string, unknown>).heartbeat_age_ms = 75_000;
    (hb.workers[2] as Record<string, unknown>).heartbeat_age_ms = 500;
    await api("POST", "/v2/pools/relay-age/heartbeat", { token, json: hb });
    advance(15); // 90 s after quiet's own last heartbeat
    await runAlarm("relay-age");
    snap = await snapshot("relay-age");
    expect(snap.workers.find((w) => w.id === "quiet")!.state).toBe("stale");
    expect(snap.workers.find((w) => w.id === "ok")!.state).toBe("fresh");
  });

  it("removes a leaving host and its workers at once", async () => {
    freezeClock(T0);
    const token = await createPool("leaving");
    await api("POST", "/v2/pools/leaving/heartbeat", { token, json: poolHeartbeat("leaving", "h1", ["r1"]) });
    await api("POST", "/v2/pools/leaving/heartbeat", { token, json: poolHeartbeat("leaving", "h2", ["r2"]) });
    advance(1);
    const res = await api("POST", "/v2/pools/leaving/heartbeat", { token, json: poolHeartbeat("leaving", "h1", [], { leaving: true }) });
    expect(res.body).toMatchObject({ status: "left" });
    const snap = await snapshot("leaving");
    expect(snap.hosts.map((h) => h.host_id)).toEqual(["h2"]);
    expect(snap.workers.map((w) => w.id)).toEqual(["r2"]);
    expect((await events("leaving")).filter((e) => e.kind === "left").map((e) => e.subject).sort()).toEqual(["host:h1", "worker:r1"]);
  });

  it("reports unreadable GPUs as unknown instead of inventing VRAM", async () => {
    freezeClock(T0);
    const token = await createPool("unknown-gpu");
    const hb = poolHeartbeat("unknown-gpu", "h1", []);
    hb.gpus.push({ id: 1, device_name: "NVIDIA A100", total_vram_bytes: null as unknown as number, free_vram_bytes: null as unknown as number });
    expect((await api("POST", "/v2/pools/unknown-gpu/heartbeat", { token, json: hb })).status).toBe(200);
    const snap = await snapshot("unknown-gpu");
    expect(snap.gpus[1]).toMatchObject({ id: 1, total_vram_bytes: null, free_vram_bytes: null });
    expect(snap.vram).toEqual({ total_bytes: 85_520_809_984, free_bytes: 80_000_000_000, unknown_gpus: 1 });
  });
});

it("filters the snapshot by state and host", async () => {
  freezeClock(T0);
  const token = await createPool("filter");
  await api("POST", "/v2/pools/filter/heartbeat", { token, json: poolHeartbeat("filter", "h1", ["a"]) });
  advance(40);
  await api("POST", "/v2/pools/filter/heartbeat", { token, json: poolHeartbeat("filter", "h2", ["b"]) });
  advance(10);
  await runAlarm("filter");
  const fresh = await api("GET", "/v2/pools/filter?state=fresh", { token: ADMIN });
  expect(fresh.body.workers.map((w: { id: string }) => w.id)).toEqual(["b"]);
  const h1 = await api("GET", "/v2/pools/filter?host_id=h1", { token: ADMIN });
  expect(h1.body.hosts.map((h: { host_id: string }) => h.host_id)).toEqual(["h1"]);
  expect((await api("GET", "/v2/pools/filter?state=dead", { token: ADMIN })).body.error.field).toBe("state");
});
