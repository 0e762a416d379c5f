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
 * A sender silent this many of its intervals before the last flush is "quiet": its next
 * heartbeat is written at once (isQuietAtFlush), so a restore can trust its stored time.
 * 1.5 covers the sidecar's ±10% jitter and a relayed worker's age.
 */
export const QUIET_AFTER_INTERVALS = 1.5;

export function isQuietAtFlush(lastSeenMs: number, intervalMs: number, lastFlushAtMs: number | null): boolean {
  return lastFlushAtMs !== null && lastSeenMs < lastFlushAtMs - QUIET_AFTER_INTERVALS * intervalMs;
}

/**
 * The latest time a sender may have been heard, when the registry is rebuilt from storage
 * (after Cloudflare drops the idle object, or a restart). `boundMs` is what was written
 * (>= lastSeen: an earlier restore's uncertainty, carried across restarts so none widens it).
 * A clean flush holds every heartbeat: the bound stands. After a dirty one, an unwritten
 * heartbeat can only have come from a sender heard within QUIET_AFTER_INTERVALS before the
 * flush (a quieter one's heartbeat forces a flush) and before min(boot, flushed_at + flush
 * interval) (a later one would have flushed). So the result is never early (no false stale,
 * no alert storm), is exact for quiet senders, and is at most flush interval + 1.5 intervals
 * after the sender's real last heartbeat, however many restarts follow.
 */
export function seenBoundAfterRestore(lastSeenMs: number, boundMs: number, intervalMs: number, flush: FlushRecord | null, bootMs: number): number {
  if (flush === null || !flush.dirty || isQuietAtFlush(lastSeenMs, intervalMs, flush.flushedAtMs)) return boundMs;
  return Math.max(boundMs, Math.min(bootMs, flush.flushedAtMs + flush.flushIntervalMs));
}

/** Kubernetes zone rule: when this much of a pool is stale at once, suspect the network. */
export function isMassStale(stale: number, total: number, fraction: number, minSenders: number): boolean {
  return total >= minSenders && total > 0 && stale / total >= fraction;
}
