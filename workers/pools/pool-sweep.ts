// The alarm's work: mark senders stale when their deadline passes, evict the long-silent,
// and hold evictions while most of the pool is stale (Kubernetes' zone rule: a mass
// silence is more likely our network than every worker dying at once).
import { isMassStale } from "../../shared/index.js";
import { hostRow, subjectOf, workerRow, type Entry, type WorkerEntry } from "./entries.js";
import { EventBatch } from "./event-batch.js";
import type { PoolState } from "./pool-state.js";

export function sweep(pool: PoolState, now: number): void {
  const events = new EventBatch();
  for (const host of pool.hosts.values()) {
    if (host.state !== "fresh" || now < host.deadline) continue;
    // Workers known only through this host go stale with it: nobody vouches for them now.
    const relayed = [...pool.workers.values()].filter((w) => w.hostId === host.id && w.state === "fresh" && w.lastSeen <= host.lastSeen);
    markStale(pool, host, now, events, undefined, relayed.length);
    for (const w of relayed) markStale(pool, w, now, events, "host_stale");
  }
  for (const w of pool.workers.values()) {
    if (w.state === "fresh" && now >= w.deadline) markStale(pool, w, now, events);
  }

  const hold = evictionHoldReason(pool);
  if ((hold !== null) !== (pool.evictionHold !== null)) {
    events.add(hold !== null ? "eviction_suspended" : "eviction_resumed", "pool", { reason: hold });
  }
  pool.evictionHold = hold;
  if (hold === null) {
    for (const host of [...pool.hosts.values()]) {
      if (host.state === "stale" && now >= host.deadline) pool.removeHost(host.id, "evicted", events);
    }
    for (const w of [...pool.workers.values()]) {
      if (w.state === "stale" && now >= w.deadline) pool.removeWorker(w, "evicted", events);
    }
  }
  events.flush(pool.store, now);
}

function markStale(pool: PoolState, e: Entry, now: number, events: EventBatch, cause?: string, workers?: number): void {
  e.state = "stale";
  e.deadline = e.lastSeen + pool.windows.evictMs;
  // Written with the exact last-seen time, so eviction deadlines survive a restart exactly.
  if (e.kind === "worker") pool.store.putWorker(workerRow(e as WorkerEntry));
  else pool.store.putHost(hostRow(e));
  const detail: Record<string, unknown> = { silent_s: Math.round((now - e.lastSeen) / 1000) };
  if (cause !== undefined) detail.cause = cause;
  if (workers !== undefined) detail.workers = workers;
  events.add("stale", subjectOf(e), detail);
}

/**
 * Why evictions should be held now, in words, or null when they should not: most of a
 * pool stale at once is more likely the network than every sender dying.
 */
export function evictionHoldReason(pool: PoolState): string | null {
  const c = pool.counts();
  const stale = c.workers.stale + c.hosts.stale;
  const total = stale + c.workers.fresh + c.hosts.fresh;
  if (!isMassStale(stale, total, pool.settings.mass_stale_fraction, pool.settings.mass_stale_min_senders)) return null;
  const pct = Math.round(pool.settings.mass_stale_fraction * 100);
  return `${stale} of ${total} senders are stale (at least ${pct}%): suspecting the network, evicting nobody`;
}

/**
 * When the alarm should next fire: the earliest deadline, or null when there is nothing to
 * watch. While evictions are held, stale senders wait for a recovery (which arms its own
 * deadline) instead of waking the object for nothing.
 */
export function nextWakeAt(pool: PoolState, now: number): number | null {
  let next: number | null = null;
  for (const e of pool.entries()) {
    if (e.state === "stale" && pool.evictionHold !== null) continue;
    if (next === null || e.deadline < next) next = e.deadline;
  }
  return next === null ? null : Math.max(next, now);
}
