// The liveness rules both runtimes share, checked at their edges.
import { describe, expect, it } from "vitest";
import { isMassStale, isStale, staleDeadlineAfterRestore, staleWindowMs } from "./liveness.js";

describe("staleDeadlineAfterRestore", () => {
  const w = staleWindowMs(30, 3);

  it("is exact after a clean flush, however late the object wakes", () => {
    expect(staleDeadlineAfterRestore(1_000, w, { flushedAtMs: 1_000, dirty: false, flushIntervalMs: 30_000 }, 500_000)).toBe(91_000);
    expect(staleDeadlineAfterRestore(1_000, w, null, 500_000)).toBe(91_000);
  });

  it("after a dirty flush, is never before a heartbeat that could have gone unwritten", () => {
    const flush = { flushedAtMs: 10_000, dirty: true, flushIntervalMs: 30_000 };
    // An unwritten heartbeat came before min(boot, 40_000): the deadline covers it.
    expect(staleDeadlineAfterRestore(5_000, w, flush, 25_000)).toBe(25_000 + w);
    expect(staleDeadlineAfterRestore(5_000, w, flush, 999_000)).toBe(40_000 + w);
  });

  it("cannot be stretched by waking again and again", () => {
    const flush = { flushedAtMs: 10_000, dirty: true, flushIntervalMs: 30_000 };
    const wakes = [50_000, 100_000, 1_000_000].map((boot) => staleDeadlineAfterRestore(10_000, w, flush, boot));
    expect(new Set(wakes)).toEqual(new Set([40_000 + w]));
  });
});

describe("isStale and isMassStale", () => {
  it("is stale at exactly the window", () => {
    expect(isStale(89_999, 0, 90_000)).toBe(false);
    expect(isStale(90_000, 0, 90_000)).toBe(true);
  });

  it("needs both the fraction and the pool size", () => {
    expect(isMassStale(2, 2, 0.55, 3)).toBe(false);
    expect(isMassStale(2, 4, 0.55, 3)).toBe(false);
    expect(isMassStale(3, 5, 0.55, 3)).toBe(true);
    expect(isMassStale(0, 0, 0.55, 1)).toBe(false);
  });
});
