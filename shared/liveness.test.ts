// The liveness rules both runtimes share, checked at their edges.
import { describe, expect, it } from "vitest";
import { isMassStale, isQuietAtFlush, isStale, seenBoundAfterRestore } from "./liveness.js";

describe("seenBoundAfterRestore", () => {
  const p = 15_000; // the sender's interval
  const dirty = (flushedAtMs: number) => ({ flushedAtMs, dirty: true, flushIntervalMs: 30_000 });

  it("stands after a clean flush, however late the object wakes", () => {
    expect(seenBoundAfterRestore(1_000, 1_000, p, { flushedAtMs: 1_000, dirty: false, flushIntervalMs: 30_000 }, 500_000)).toBe(1_000);
    expect(seenBoundAfterRestore(1_000, 1_000, p, null, 500_000)).toBe(1_000);
    // an earlier restore's uncertainty is kept
    expect(seenBoundAfterRestore(1_000, 9_000, p, null, 500_000)).toBe(9_000);
  });

  it("after a dirty flush, covers a heartbeat a recently heard sender could have left unwritten", () => {
    // heard 5 s before the flush: an unwritten heartbeat came before min(boot, flush + 30 s)
    expect(seenBoundAfterRestore(5_000, 5_000, p, dirty(10_000), 25_000)).toBe(25_000);
    expect(seenBoundAfterRestore(5_000, 5_000, p, dirty(10_000), 999_000)).toBe(40_000);
  });

  it("is exact for a sender quiet for 1.5 intervals before the flush (its next heartbeat would have flushed)", () => {
    expect(isQuietAtFlush(0, p, 22_501)).toBe(true);
    expect(isQuietAtFlush(0, p, 22_500)).toBe(false);
    expect(seenBoundAfterRestore(0, 0, p, dirty(30_000), 100_000)).toBe(0);
  });

  it("cannot be stretched by restarts: once a sender is quiet, later dirty flushes leave its bound alone", () => {
    let bound = seenBoundAfterRestore(10_000, 10_000, p, dirty(10_000), 12_000); // restart 1
    expect(bound).toBe(12_000);
    // restarts 2 and 3, each after dirty flushes written by the instance before (the sender silent since 10 s)
    for (const [flushAt, boot] of [[34_000, 40_000], [60_000, 70_000]] as const) bound = seenBoundAfterRestore(10_000, bound, p, dirty(flushAt), boot);
    expect(bound).toBe(12_000);
    // within flush interval + 1.5 intervals of the real last heartbeat, whatever happens
    expect(bound - 10_000).toBeLessThanOrEqual(30_000 + 1.5 * p);
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
