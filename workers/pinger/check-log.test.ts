// The check log on a Durable Object's own SQLite (a SpaceStore of its own, driven directly):
// one ring row a tick, a closed hour's checks copied into that hour's own row (one row
// written), the last checks read back in order across both, and hour rows kept 24-48 h,
// after the day's roll-up. The detail page built on it: workers/status/detail-pages.test.ts.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hourly, LAST_CHECKS, readRecentChecks, RING_SLOTS } from "./check-log.js";
import { SpaceLedger } from "./ledger.js";
import { readHistory } from "./history.js";
import { durableSql } from "./sql.js";
import type { SpaceCheck } from "./types.js";
import { spaceStore } from "../objects.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-20T10:00:00Z");
const check = (id: string, at: number, outcome: SpaceCheck["outcome"], latency: number | null, extra: Partial<SpaceCheck> = {}): SpaceCheck => ({
  id, slot_key: `${id}@${at}`, outcome, status: outcome === "up" ? 200 : 502, latency_ms: latency, attempts: 1, error: outcome === "up" ? null : "unexpected status 502", at, ...extra,
});
const draft = (at: number) => ({ at, started_at: at, finished_at: at, plan_ms: 0, shards_ms: 0, source: "cron" as const, due: 0, checked: 0, skipped: 0, lost: 0, shards: 0, confirmations: 0, regions: [], subrequests: 0, max_subrequests_per_shard: 0, max_in_flight: 0 });

function withLedger<T>(name: string, fn: (l: SpaceLedger) => T): Promise<T> {
  return runInDurableObject(spaceStore(env, name), (_o: unknown, state: DurableObjectState) => {
    const l = new SpaceLedger(durableSql(state.storage.sql));
    l.replaceSpaces([{ id: "a", name: "a", url: "https://a.example", interval_s: 300 } as never, { id: "b", name: "b", url: "https://b.example", interval_s: 300 } as never]);
    l.due(T0, T0 - 60_000); // state rows, as a first tick makes them
    return fn(l);
  });
}

describe("the check log", () => {
  it("writes one ring row a tick, and gives the checks back newest first across the roll-up", async () => {
    await withLedger("check-log-1", (l) => {
      const written: number[] = [];
      // 90 minutes of 5-minute checks of two Spaces; every third check of "a" fails.
      for (let m = 5; m <= 90; m += 5) {
        const at = T0 + m * 60_000;
        const before = l.rowsWritten;
        l.record(at, [check("a", at, m % 15 === 0 ? "down" : "up", 100 + m), check("b", at, "up", 50)], draft(at), { down_after: 2, up_after: 1 });
        if (at % HOUR !== 0 && m > 10) written.push(l.rowsWritten - before); // the first two set both states and streaks
      }
      // Each tick (the window is not claimed here): the hour's counts, the log row, the summary,
      // and "a"'s state row (its streak changes: it fails every third check).
      expect(new Set(written)).toEqual(new Set([4]));
      const ring = l.rows<{ n: number }>("SELECT COUNT(*) AS n FROM tick_checks")[0]!.n;
      expect(ring).toBe(18);
      const now = T0 + 90 * 60_000;
      const checks = readRecentChecks(l.sql, now, ["a", "b", "nobody"]);
      expect(checks.get("nobody")).toEqual([]);
      const a = checks.get("a")!;
      expect(a.map((c) => c[0])).toEqual(Array.from({ length: 18 }, (_, i) => T0 + (90 - 5 * i) * 60_000));
      expect(a.filter((c) => c[1] === "down").map((c) => c[4])).toEqual(Array(6).fill("unexpected status 502"));
      // The first hour's checks are in its hour row now (closed at the 11:00 tick), the rest in the ring only.
      const hour = l.rows<{ list: string }>("SELECT detail ->> 'a' AS list FROM hour_acc WHERE hour = ?", T0 / HOUR)[0]!;
      expect(JSON.parse(`[${hour.list}]`)).toHaveLength(11);
      expect(l.rows("SELECT 1 FROM days")).toHaveLength(0); // no day row before the day ends
      // The chart: the 10:00 hour has 11 checks of "a" (10:05..10:55), 3 failed; of the 8 answered
      // (105..155 ms) the median is the lower middle one and the max the slowest.
      const h = hourly(a, now).find((x) => x.hour === T0)!;
      expect(h).toEqual({ hour: T0, checks: 11, failed: 3, p50_ms: 125, max_ms: 155 });
    });
  });

  it("keeps a ring of RING_SLOTS minutes (nothing deleted), the last 50 of two days, and marks maintenance", async () => {
    await withLedger("check-log-2", (l) => {
      // Two days and a bit of 5-minute checks of "a": 600 ticks through the ring.
      const end = T0 + 50 * HOUR;
      for (let at = T0 + 5 * 60_000; at <= end; at += 5 * 60_000) l.record(at, [check("a", at, "up", 100, at === end ? { maintenance: true } : {})], draft(at), { down_after: 2, up_after: 1 });
      expect(l.rows<{ n: number }>("SELECT COUNT(*) AS n FROM tick_checks")[0]!.n).toBe(RING_SLOTS / 5);
      const a = readRecentChecks(l.sql, end, ["a"]).get("a")!;
      expect(a[0]![6]).toBe(1); // inside a maintenance window
      expect(a.length).toBeGreaterThan(LAST_CHECKS);
      // The two whole days are rolled up (one row each, no checks in them); the hour rows kept
      // are yesterday's and today's (24-48 h), each closed one with its checks.
      const days = l.rows<{ day: number; total: number; has: number }>("SELECT day, total, detail IS NOT NULL AS has FROM days WHERE id = 'a' ORDER BY day");
      expect(days.map((d) => [d.total, d.has])).toEqual([[167, 0], [288, 0]]);
      const hours = l.rows<{ hour: number; rolled: number; has: number }>("SELECT hour, rolled, detail IS NOT NULL AS has FROM hour_acc ORDER BY hour");
      expect(hours[0]!.hour).toBe(T0 / HOUR + 14); // 2026-11-21 00:00: yesterday's first hour
      expect(hours).toHaveLength(37); // 24 of yesterday, 13 of today
      expect(hours.filter((h) => h.rolled === 1)).toHaveLength(24);
      expect(hours.filter((h) => h.has === 0).map((h) => h.hour)).toEqual([end / HOUR]); // only the hour being filled
      // Every check counted once across day rows and the hour rows kept beside them.
      const w = readHistory(l.sql, end, "a").get("a")!.windows;
      expect(w["7d"].total).toBe(167 + 288 + 144);
      expect(w["24h"].total).toBe(23 * 12); // the 12:00 check is inside maintenance: it counts for nothing
    });
  });
});
