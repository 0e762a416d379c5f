// The check log and the history's blocks on a Durable Object's own SQLite (a SpaceStore of its
// own, driven directly): one ring row and one hour block a tick, an ended hour's checks moved
// into hour_log rows with each Space's median in the block, the last checks read back in order
// across both, a day block once the day's hours are closed, and what is kept for how long.
// The detail page built on it: workers/status/detail-pages.test.ts.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hourly, LAST_CHECKS, RING_SLOTS } from "./check-log.js";
import { SpaceLedger } from "./ledger.js";
import { durableSql } from "./sql.js";
import type { SpaceCheck } from "./types.js";
import { spaceStore } from "../objects.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-20T10:00:00Z");
const check = (id: string, at: number, outcome: SpaceCheck["outcome"], latency: number | null, extra: Partial<SpaceCheck> = {}): SpaceCheck => ({
  id, slot_key: `${id}@${at}`, outcome, status: outcome === "up" ? 200 : 502, latency_ms: latency, attempts: 1, error: outcome === "up" ? null : "unexpected status 502", at, ...extra,
});
const draft = (at: number) => ({ at, started_at: at, finished_at: at, plan_ms: 0, shards_ms: 0, source: "cron" as const, due: 0, checked: 0, skipped: 0, lost: 0, shards: 0, confirmations: 0, regions: [], subrequests: 0, max_subrequests_per_shard: 0, max_in_flight: 0 });
const count = (l: SpaceLedger, table: string) => l.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;

function withLedger<T>(name: string, fn: (l: SpaceLedger) => T): Promise<T> {
  return runInDurableObject(spaceStore(env, name), (_o: unknown, state: DurableObjectState) => {
    const l = new SpaceLedger(durableSql(state.storage.sql));
    l.replaceSpaces([{ id: "a", name: "a", url: "https://a.example", interval_s: 300 } as never, { id: "b", name: "b", url: "https://b.example", interval_s: 300 } as never], T0);
    l.due(T0, T0 - 60_000); // state rows, as a first tick makes them
    return fn(l);
  });
}

describe("the check log", () => {
  it("writes one ring row and one hour block a tick, and gives the checks back newest first across the hour's close", async () => {
    await withLedger("check-log-1", (l) => {
      const written: number[] = [];
      const afterClose: number[] = [];
      // 90 minutes of 5-minute checks of two Spaces; every third check of "a" fails.
      for (let m = 5; m <= 90; m += 5) {
        const at = T0 + m * 60_000;
        const before = l.rowsWritten;
        l.record(at, [check("a", at, m % 15 === 0 ? "down" : "up", 100 + m), check("b", at, "up", 50)], draft(at), { down_after: 2, up_after: 1 });
        l.maintain(at); // the upkeep step the Cron entry asks for after each tick
        if (m === 65 || m === 70) afterClose.push(l.rowsWritten - before);
        else if (at % HOUR !== 0 && m > 10) written.push(l.rowsWritten - before); // the first two set both states and streaks
      }
      // Each tick (the window is not claimed here): the hour's block, the log row, the summary,
      // and "a"'s state row (its streak changes: it fails every third check). The 11:00 tick
      // also closed 10:00 (its log row, the block again, and the closing's progress); one kind
      // of work a tick, the 11:05 tick built the recent block (and its two marks), the 11:10
      // tick found no day to roll up and cleared its mark.
      expect(new Set(written)).toEqual(new Set([4]));
      expect(afterClose).toEqual([4 + 3, 4 + 1]);
      expect(count(l, "ticks")).toBe(18);
      const now = T0 + 90 * 60_000;
      const slotA = l.space("a")!.slot;
      const a = l.history.recentChecks(slotA, now);
      expect(a.map((c) => c[0])).toEqual(Array.from({ length: 18 }, (_, i) => T0 + (90 - 5 * i) * 60_000));
      expect(a.filter((c) => c[1] === "down").map((c) => c[4])).toEqual(Array(6).fill("unexpected status 502"));
      // The 10:00 hour is closed: its checks are in hour_log (one row for both Spaces), the 11:00 ones in the ring only.
      expect(l.rows<{ hour: number; closed: number }>("SELECT hour, closed FROM hours ORDER BY hour")).toEqual([{ hour: T0 / HOUR, closed: 1 }, { hour: T0 / HOUR + 1, closed: 0 }]);
      expect(count(l, "hour_log")).toBe(1);
      expect(count(l, "day_blocks")).toBe(0); // no day block before the day ends
      // The chart: the 10:00 hour has 11 checks of "a" (10:05..10:55), 3 failed; of the 8 answered
      // (105..155 ms) the median is the lower middle one and the max the slowest. The store's
      // chart (the closed hour's median from its block, the open one's from the ring) equals
      // the chart the checks themselves make.
      const chart = l.history.chart(slotA, now);
      expect(chart.find((x) => x.hour === T0)).toEqual({ hour: T0, checks: 11, failed: 3, p50_ms: 125, max_ms: 155 });
      expect(chart).toEqual(hourly(a, now));
      expect(l.history.recentChecks(l.space("b")!.slot, now)).toHaveLength(18);
    });
  });

  it("rolls a day up a slice of Spaces a step: the day block is written whole, with its last slice", async () => {
    await runInDurableObject(spaceStore(env, "check-log-3"), (_o: unknown, state: DurableObjectState) => {
      const l = new SpaceLedger(durableSql(state.storage.sql));
      l.replaceSpaces(Array.from({ length: 2_500 }, (_, i) => ({ id: `s${i}`, name: `s${i}`, url: `https://s${i}.example`, interval_s: 300 })) as never, T0);
      l.due(T0, T0 - 60_000);
      const at = T0 + 5 * 60_000;
      l.record(at, [check("s0", at, "up", 100), check("s2499", at, "down", null)], draft(at), { down_after: 2, up_after: 1 });
      // The next day: the 10:00 hour closes, its recent block, then the roll-up in two steps of 2,000 Spaces.
      const next = T0 + 14 * HOUR + 5 * 60_000;
      l.record(next, [], draft(next), { down_after: 2, up_after: 1 });
      const days = () => count(l, "day_blocks");
      l.maintain(next); // closes 10:00 (and the hours after it hold no checks)
      l.maintain(next); // the recent block
      expect(l.maintain(next)).toBe(true); // the first 2,000 Spaces of the day
      expect(days()).toBe(0);
      l.maintain(next); // the last 500: the block is written
      expect(days()).toBe(1);
      while (l.maintain(next));
      const last = l.history.spaceHistory(l.space("s2499")!.slot, next).windows["7d"];
      const first = l.history.spaceHistory(l.space("s0")!.slot, next).windows["7d"];
      expect({ first, last }).toEqual({ first: { up: 1, total: 1 }, last: { up: 0, total: 1 } });
    });
  });

  it("keeps a ring of RING_SLOTS minutes (nothing deleted), the last 50 of two days, and marks maintenance", async () => {
    await withLedger("check-log-2", (l) => {
      // Two days and a bit of 5-minute checks of "a": 600 ticks through the ring.
      const end = T0 + 50 * HOUR;
      for (let at = T0 + 5 * 60_000; at <= end; at += 5 * 60_000) {
        l.record(at, [check("a", at, "up", 100, at === end ? { maintenance: true } : {})], draft(at), { down_after: 2, up_after: 1 });
        l.maintain(at);
      }
      expect(count(l, "ticks")).toBe(RING_SLOTS / 5);
      const slot = l.space("a")!.slot;
      const a = l.history.recentChecks(slot, end);
      expect(a[0]![6]).toBe(1); // inside a maintenance window
      expect(a).toHaveLength(LAST_CHECKS);
      // The two whole days are rolled up, one block each; the hour blocks kept are the last 48
      // hours' (older ones were rolled up and dropped), every ended one closed.
      expect(l.rows<{ day: number }>("SELECT day FROM day_blocks ORDER BY day").map((r) => r.day)).toEqual([T0 / 86_400_000, T0 / 86_400_000 + 1].map(Math.floor));
      const hours = l.rows<{ hour: number; closed: number }>("SELECT hour, closed FROM hours ORDER BY hour");
      // (The hour past keeping goes two ticks after the close that ends an hour: one kind of work a tick.)
      expect(hours[0]!.hour).toBeGreaterThanOrEqual(end / HOUR - 49);
      expect(hours.filter((h) => h.closed === 0).map((h) => h.hour)).toEqual([end / HOUR]); // only the hour being filled
      // Every check counted once across day blocks and the hour blocks kept beside them.
      const w = l.history.spaceHistory(slot, end).windows;
      expect(w["7d"].total).toBe(167 + 288 + 144);
      expect(w["24h"].total).toBe(23 * 12); // the 12:00 check is inside maintenance: it counts for nothing
      expect(w["90d"]).toEqual(w["7d"]);
    });
  });
});
