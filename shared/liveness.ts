// Liveness rules on the receiver's clock, shared by the edge registry and the sidecar's
// local hive. Pure functions over milliseconds so both runtimes and tests agree exactly.

export type LivenessState = "fresh" | "stale";

/**
 * How often a fresh sender's last-seen time is written to storage. A sender's true last
 * heartbeat is always less than this after its stored one, which bounds what a restart
 * can lose. At 30 s heartbeats this is one row per 20 heartbeats.
 */
export const CHECKPOINT_MS = 10 * 60_000;

/** Silence after which a sender is stale: `missed` intervals. */
export function staleWindowMs(intervalS: number, missed: number): number {
  return intervalS * missed * 1000;
}

export function isStale(nowMs: number, lastSeenMs: number, windowMs: number): boolean {
  return nowMs >= lastSeenMs + windowMs;
}

/**
 * A deadline to use after the registry restarts (Kubernetes-style grace). `knownMs` is
 * the latest deadline storage can prove; the sender gets a fresh `graceMs` from boot, but
 * never more than one extra grace past what storage proves, so an object that keeps being
 * restarted (idle eviction woken by its own alarm) cannot postpone staleness forever.
 */
export function deadlineAfterRestart(knownMs: number, bootMs: number, graceMs: number): number {
  return Math.min(Math.max(knownMs, bootMs + graceMs), knownMs + graceMs);
}

/**
 * The latest a fresh sender's stale deadline can be, given only its stored last-seen
 * time: its true last heartbeat is within CHECKPOINT_MS of the stored one.
 */
export function provableStaleDeadline(storedLastSeenMs: number, windowMs: number): number {
  return storedLastSeenMs + CHECKPOINT_MS + windowMs;
}

/** Kubernetes zone rule: when this much of a pool is stale at once, suspect the network. */
export function isMassStale(stale: number, total: number, fraction: number, minSenders: number): boolean {
  return total >= minSenders && total > 0 && stale / total >= fraction;
}
