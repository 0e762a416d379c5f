// Scheduling: stable offsets, an even spread over ticks, one ping per slot, and shards.
import { describe, expect, it } from "vitest";
import { dueSpaces, offsetSeconds, planShards, slotOf } from "./schedule.js";
import { parseSpaceList, type Space } from "./spaces.js";

const spaces = (n: number, extra: Record<string, unknown> = {}): Space[] =>
  parseSpaceList(Array.from({ length: n }, (_, i) => ({ url: `https://owner-space${i}.hf.space`, ...extra }))).spaces;
const T = Date.parse("2026-11-22T18:00:00Z");
const MIN = 60_000;

describe("schedule", () => {
  it("gives each Space the same offset every time, inside its interval", () => {
    expect(offsetSeconds("https://a.hf.space", 300)).toBe(offsetSeconds("https://a.hf.space", 300));
    for (const s of spaces(200)) {
      const o = offsetSeconds(s.id, s.interval_s);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(s.interval_s);
    }
  });

  it("pings every Space exactly once per interval, spread evenly over the ticks", () => {
    const list = spaces(2000); // 300 s each: 5 ticks per interval
    const perTick: number[] = [];
    const seen = new Map<string, number>();
    for (let tick = 1; tick <= 15; tick++) {
      const due = dueSpaces(list, T + tick * MIN, T + (tick - 1) * MIN);
      perTick.push(due.length);
      for (const d of due) seen.set(d.space.id, (seen.get(d.space.id) ?? 0) + 1);
    }
    expect([...seen.values()].every((n) => n === 3)).toBe(true); // 15 minutes = 3 intervals
    expect(seen.size).toBe(2000);
    // 400 a tick on average; the hash keeps every tick within 15% of that.
    for (const n of perTick) expect(Math.abs(n - 400)).toBeLessThan(60);
  });

  it("does not ping twice for a repeated tick, and once (not once per slot) after a gap", () => {
    const list = spaces(50, { interval_s: 60 });
    expect(dueSpaces(list, T + MIN, T + MIN)).toEqual([]);
    const afterGap = dueSpaces(list, T + 10 * MIN, T + MIN);
    expect(afterGap).toHaveLength(50);
    expect(new Set(afterGap.map((d) => d.slotKey)).size).toBe(50);
    expect(afterGap[0]!.slotKey).toBe(`${afterGap[0]!.space.id}@${slotOf(afterGap[0]!.space, T + 10 * MIN)}`);
  });

  it("dates each due Space inside the tick's window, for staggering within the minute", () => {
    for (const d of dueSpaces(spaces(300), T + MIN, T)) {
      expect(d.dueAtMs).toBeGreaterThan(T);
      expect(d.dueAtMs).toBeLessThanOrEqual(T + MIN);
    }
  });

  it("splits due Spaces into shards of a fixed size", () => {
    expect(planShards([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(planShards([], 20)).toEqual([]);
    expect(() => planShards([1], 0)).toThrow(RangeError);
  });
});
