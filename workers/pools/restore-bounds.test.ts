// Staleness after the registry is rebuilt from storage stays within its documented bound
// however many times it is rebuilt: exact after an idle eviction (the closing flush), exact
// for senders that were quiet at the last flush, and otherwise at most flush_interval_s +
// 1.5 intervals after the sender's real last heartbeat, three kills in a row included. A live
// sender is never marked stale by any of it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { advance, api, closeBurst, createPool, freezeClock, killPool, poolHeartbeat, runAlarm, snapshot } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

const host = (pool: string, token: string, id: string, leaving = false) =>
  api("POST", `/v2/pools/${pool}/heartbeat`, { token, json: poolHeartbeat(pool, id, [], leaving ? { leaving: true } : {}) });

/** Runs the alarm each `stepMs` until `hostId` is stale; returns when, relative to `from`. */
async function staleAfter(pool: string, token: string, hostId: string, from: number, untilMs: number, keepBusy: string | null = null, stepMs = 500): Promise<number> {
  for (let t = Date.now(); t - from <= untilMs; t += stepMs) {
    vi.setSystemTime(t);
    if (keepBusy !== null) await host(pool, token, keepBusy);
    await runAlarm(pool);
    const h = (await snapshot(pool)).hosts.find((x) => x.host_id === hostId);
    if (h?.state === "stale") return t - from;
    if (keepBusy !== null) expect((await snapshot(pool)).hosts.find((x) => x.host_id === keepBusy)?.state).toBe("fresh");
  }
  throw new Error(`${hostId} not stale within ${untilMs} ms`);
}

describe("restore bounds", () => {
  it("three kills 8 s apart under load: the silent host is stale within window + flush interval + 1.5 intervals, never stretched", async () => {
    freezeClock("2031-06-01T00:00:00Z");
    const token = await createPool("kills", { pool_interval_s: 5, stale_after_missed: 3, flush_interval_s: 5 });
    const busy = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        advance(1);
        await host("kills", token, "busy");
      }
    };
    await busy(3);
    await host("kills", token, "silent");
    const last = Date.now();
    await busy(1);
    for (let k = 0; k < 3; k++) {
      await killPool("kills");
      await busy(8);
    }
    const late = await staleAfter("kills", token, "silent", last, 60_000, "busy");
    expect(late).toBeGreaterThanOrEqual(15_000); // never early: the window is 3 x 5 s
    expect(late).toBeLessThanOrEqual(15_000 + 5_000 + 7_500);
  });

  it("idle eviction with no kill: exact, because the object writes a closing flush once heartbeats pause", async () => {
    freezeClock("2031-06-02T00:00:00Z");
    const token = await createPool("idle");
    const start = Date.now();
    await host("idle", token, "once");
    for (let i = 0; i < 12; i++) {
      vi.setSystemTime(start + 400 * (i + 1));
      for (const h of ["h1", "h2", "h3", "h4", "h5"]) await host("idle", token, h);
    }
    for (const h of ["h1", "h2", "h3", "h4", "h5"]) await host("idle", token, h, true);
    advance(6); // quiet for longer than the hot gap: the timer's closing flush runs...
    expect(await closeBurst("idle")).toBe(true);
    await killPool("idle"); // ...and then Cloudflare drops the idle object
    vi.setSystemTime(start + 44_900);
    await runAlarm("idle");
    expect((await snapshot("idle")).hosts[0]).toMatchObject({ host_id: "once", state: "fresh" });
    vi.setSystemTime(start + 45_000);
    await runAlarm("idle");
    expect((await snapshot("idle")).hosts[0]).toMatchObject({ host_id: "once", state: "stale" });
  });

  it("a kill after a sender was quiet for 1.5 intervals before the last flush leaves it exact", async () => {
    freezeClock("2031-06-03T00:00:00Z");
    const token = await createPool("quiet");
    const start = Date.now();
    await host("quiet", token, "once");
    for (let i = 1; i <= 40; i++) {
      vi.setSystemTime(start + i * 1000);
      await host("quiet", token, "busy");
    }
    await killPool("quiet"); // the last flush (dirty) was 31 s after "once" was heard, past 1.5 x 15 s
    const late = await staleAfter("quiet", token, "once", start, 60_000, "busy", 100);
    expect(late).toBe(45_000);
  });
});
