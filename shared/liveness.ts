// Liveness rules on the receiver's clock, shared by the edge registry and the sidecar's
// local hive. Pure functions over milliseconds so both runtimes and tests agree exactly.

export type LivenessState = "fresh" | "stale";

/** Silence after which a sender is stale: `missed` intervals. */
export function staleWindowMs(intervalS: number, missed: number): number {
  return intervalS * missed * 1000;
}

export function isStale(nowMs: number, lastSeenMs: number, windowMs: number): boolean {
  return nowMs >= lastSeenMs + windowMs;
}

/** What storage says about the last flush of volatile state (last-seen times and readings). */
export interface FlushRecord {
  flushedAtMs: number;
  /** True when heartbeats may have been applied after the flush without being written. */
  dirty: boolean;
  /** The flush interval in force then: a dirty record is never more than this behind. */
  flushIntervalMs: number;
}

/**
 * A fresh sender's stale deadline when the registry is rebuilt from storage (after
 * hibernation, which Cloudflare does after 10 s idle, or a restart). A clean flush holds
 * every heartbeat, so the deadline is exact. After a dirty one, an unwritten heartbeat can
 * only have come before min(boot, flushed_at + interval), since a later one would have
 * flushed; that bound is never early (no false stale, no alert storm after a restart),
 * is at most one flush interval late, and repeated restarts cannot stretch it.
 */
export function staleDeadlineAfterRestore(lastSeenMs: number, windowMs: number, flush: FlushRecord | null, bootMs: number): number {
  const exact = lastSeenMs + windowMs;
  if (flush === null || !flush.dirty) return exact;
  return Math.max(exact, Math.min(bootMs, flush.flushedAtMs + flush.flushIntervalMs) + windowMs);
}

/** Kubernetes zone rule: when this much of a pool is stale at once, suspect the network. */
export function isMassStale(stale: number, total: number, fraction: number, minSenders: number): boolean {
  return total >= minSenders && total > 0 && stale / total >= fraction;
}
