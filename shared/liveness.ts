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
 * A fresh sender's stale deadline after the registry restarts. Two things are true of its
 * real last heartbeat L: it came before the restart (L <= boot), and within CHECKPOINT_MS
 * of the stored one. Both give an upper bound on L + window, so the smaller is the tightest
 * deadline that can never mark a live sender stale. The first term is the Kubernetes-style
 * fresh grace period from boot; the second is fixed, so an object that keeps restarting
 * (idle eviction woken by its own alarm) cannot postpone staleness forever.
 */
export function staleDeadlineAfterRestart(storedLastSeenMs: number, bootMs: number, windowMs: number): number {
  return Math.min(bootMs + windowMs, storedLastSeenMs + CHECKPOINT_MS + windowMs);
}

/** Kubernetes zone rule: when this much of a pool is stale at once, suspect the network. */
export function isMassStale(stale: number, total: number, fraction: number, minSenders: number): boolean {
  return total >= minSenders && total > 0 && stale / total >= fraction;
}
