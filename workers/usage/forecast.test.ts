// The usage book's forecast, the forecast alerts' lines and the governor's arithmetic, on
// plain numbers (the meter end to end: usage.test.ts).
import { describe, expect, it } from "vitest";
import { UsageBook, type QuotaForecast } from "./book.js";
import { usageSignals } from "./forecast-alerts.js";
import { checkedEvery, govern } from "./governor.js";
import { dayOf, Tally } from "./tally.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const D0 = Date.parse("2026-11-22T00:00:00Z");
const q = (share: number, parts: QuotaForecast["parts"] = [{ what: "PingShard.rpc", used: 1, forecast: share * 100_000, rate: 0 }]): QuotaForecast => ({ quota: "do_requests", used: 1, forecast: share * 100_000, limit: 100_000, parts });

describe("the forecast alerts", () => {
  it("open once at 80% and once at 95%, and close only 5 points under each line", () => {
    let alerted = {};
    const step = (share: number) => {
      const r = usageSignals([q(share)], alerted, "free", null, D0);
      alerted = r.alerted;
      return r.signals.map((s) => `${s.bad ? "open" : "close"} ${s.key}`);
    };
    expect(step(0.5)).toEqual([]);
    expect(step(0.85)).toEqual(["open usage:do_requests:80"]);
    expect(step(0.85)).toEqual([]);
    expect(step(0.97)).toEqual(["open usage:do_requests:95"]);
    expect(step(0.93)).toEqual([]); // under 95, not 5 points under
    expect(step(0.78)).toEqual(["close usage:do_requests:95"]);
    expect(step(0.81)).toEqual([]);
    expect(step(0.5)).toEqual(["close usage:do_requests:80"]);
    expect(step(0.99)).toEqual(["open usage:do_requests:80", "open usage:do_requests:95"]);
    expect(step(0.1)).toEqual(["close usage:do_requests:95", "close usage:do_requests:80"]);
  });
});

describe("the governor", () => {
  it("never stretches a critical Space, nor anything past 12 h, nor shortens a longer interval", () => {
    expect(checkedEvery({ interval_s: 300, critical: false }, 2)).toBe(600);
    expect(checkedEvery({ interval_s: 300, critical: false }, 144)).toBe(43_200);
    expect(checkedEvery({ interval_s: 300, critical: true }, 144)).toBe(300);
    expect(checkedEvery({ interval_s: 86_400, critical: false }, 144)).toBe(86_400);
    expect(checkedEvery({ interval_s: 300, critical: false }, 1)).toBe(300);
  });

  it("stretches just enough to bring the forecast to 90%, and changes at most once an hour", () => {
    const now = D0 + 12 * HOUR;
    const left = DAY - 12 * HOUR;
    // 50,000 used by noon at a pace of 100,000 a day from shards (all non-critical), 20,000 a day from heartbeats.
    const shards = 80_000 / DAY;
    const beats = 20_000 / DAY;
    const f: QuotaForecast = { quota: "do_requests", used: 50_000, forecast: 50_000 + (shards + beats) * left, limit: 100_000, parts: [
      { what: "PingShard.rpc", used: 40_000, forecast: 40_000 + shards * left, rate: shards },
      { what: "PoolRegistry.heartbeat", used: 10_000, forecast: 10_000 + beats * left, rate: beats },
    ] };
    expect(f.forecast / f.limit).toBe(1);
    const g = govern([f], { stretch: 1, since: null, reason: null }, 1, now, D0 + DAY, "free");
    // Room for 40,000 more by midnight, 10,000 of them heartbeats: shards get 30,000 of their 40,000.
    expect(g.stretch).toBe(1.34); // 4/3, rounded up
    expect(g.reason).toMatch(/^Durable Object requests forecast 100% of the free plan's 100,000 a day: non-critical Spaces are checked 1\.34x less often/);
    expect(govern([f], g, 1, now + 30 * 60_000, D0 + DAY, "free")).toBe(g);
    const calm: QuotaForecast = { ...f, forecast: 60_000, parts: f.parts.map((p) => ({ ...p, rate: 0 })) };
    expect(govern([calm], g, 1, now + 2 * HOUR, D0 + DAY, "free").stretch).toBe(1);
  });
});

describe("the usage book", () => {
  it("keeps late counts for yesterday, drops older ones, and forecasts from yesterday's pace until it has an hour mark", () => {
    const book = new UsageBook(null, D0 + 23 * HOUR);
    book.merge({ [dayOf(D0)]: { "do_requests|PingShard.rpc": 48_000 } }, D0 + 23 * HOUR);
    const next = D0 + DAY + 5 * 60_000;
    book.merge({ [dayOf(D0)]: { "do_requests|PingShard.rpc": 2_000 }, [dayOf(D0 - DAY)]: { "do_requests|PingShard.rpc": 9 }, [dayOf(next)]: { "do_requests|PingShard.rpc": 100 } }, next);
    const stored = book.toJSON();
    expect(stored.prev).toEqual({ day: dayOf(D0), counts: { "do_requests|PingShard.rpc": 50_000 } });
    const f = book.forecasts(next, "free");
    const dor = f.quotas.find((x) => x.quota === "do_requests")!;
    // 100 so far, and yesterday's 50,000 a day over the 23 h 55 min left.
    expect(dor.forecast).toBeCloseTo(100 + 50_000 * (DAY - 5 * 60_000) / DAY, 3);
    expect(f.settled).toBe(true);
  });

  it("a tally hands on its counts by day once, and takes back what could not be handed on", () => {
    const t = new Tally(D0);
    t.add("kv_reads|spaces", 1, D0 + HOUR);
    t.add("kv_reads|spaces", 2, D0 + DAY + HOUR);
    expect(t.takeIfDue(D0 + 2 * 60_000, 5 * 60_000)).toBeNull();
    const d = t.take(D0 + DAY + HOUR)!;
    expect(d).toEqual({ [dayOf(D0)]: { "kv_reads|spaces": 1 }, [dayOf(D0 + DAY)]: { "kv_reads|spaces": 2 } });
    expect(t.take()).toBeNull();
    t.restore(d);
    expect(t.take()).toEqual(d);
  });
});
