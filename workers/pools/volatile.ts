// Volatile state (last-seen times, sender timestamps, worker status, GPU readings) is kept
// in memory and flushed in rows of 1,000 senders, never once per heartbeat. This file packs
// and unpacks those rows, decides when to flush (FlushPolicy) and writes them (Flusher, with
// the closing flush's timer).
import { SENDERS_PER_FLUSH_ROW, type FlushRecord } from "../../shared/index.js";
import type { HostEntry, WorkerEntry } from "./entries.js";
import type { HeartbeatCounters, RegistryStore, VolatileChunk } from "./registry-store.js";

/** What a flush row holds of a pool's registry (pool-state.ts): its senders and counters. */
export interface Senders {
  readonly workers: Map<string, WorkerEntry>;
  readonly hosts: Map<string, HostEntry>;
  counters: HeartbeatCounters;
  /** When volatile state was last written; quiet senders are judged against it. */
  lastFlushAt: number | null;
}

/**
 * Requests closer together than this mean the object is busy and will stay in memory a
 * while (Cloudflare hibernates an idle object after 10 s), so heartbeats until the next
 * flush may stay in memory only. Anything slower is treated as cold: written at once.
 */
export const HOT_GAP_MS = 5_000;

export function packChunks(pool: Senders): VolatileChunk[] {
  const chunks: VolatileChunk[] = [];
  let current: VolatileChunk = { w: {}, h: {}, c: pool.counters };
  let n = 0;
  const next = () => {
    if (++n % SENDERS_PER_FLUSH_ROW === 0) {
      chunks.push(current);
      current = { w: {}, h: {} };
    }
  };
  // A bound past lastSeen (left by a restore) rides along, so the next restore keeps it.
  for (const h of pool.hosts.values()) {
    current.h[h.id] = h.seenBound > h.lastSeen ? [h.lastSeen, h.senderTs, h.gpus, h.gpusReceivedAt, h.seenBound] : [h.lastSeen, h.senderTs, h.gpus, h.gpusReceivedAt];
    next();
  }
  for (const w of pool.workers.values()) {
    current.w[w.id] = w.seenBound > w.lastSeen ? [w.lastSeen, w.senderTs, w.report.status, w.seenBound] : [w.lastSeen, w.senderTs, w.report.status];
    next();
  }
  if (n % SENDERS_PER_FLUSH_ROW !== 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** Overlays flushed volatile state on senders loaded from rows (newer values win). */
export function unpackChunks(pool: Senders, chunks: VolatileChunk[]): void {
  if (chunks[0]?.c !== undefined) pool.counters = chunks[0].c;
  for (const chunk of chunks) {
    for (const [id, [lastSeen, senderTs, status, bound]] of Object.entries(chunk.w)) {
      const w = pool.workers.get(id);
      if (w === undefined || lastSeen < w.lastSeen) continue;
      w.lastSeen = lastSeen;
      w.seenBound = Math.max(lastSeen, bound ?? lastSeen);
      w.senderTs = senderTs;
      w.report = { ...w.report, status };
    }
    for (const [id, [lastSeen, senderTs, gpus, receivedAt, bound]] of Object.entries(chunk.h)) {
      const h = pool.hosts.get(id);
      if (h === undefined || lastSeen < h.lastSeen) continue;
      h.lastSeen = lastSeen;
      h.seenBound = Math.max(lastSeen, bound ?? lastSeen);
      h.senderTs = senderTs;
      h.gpus = gpus;
      h.gpusReceivedAt = receivedAt;
    }
  }
}

/**
 * Decides, after a heartbeat changed volatile state, whether to flush now.
 * - A request after a pause (or the first of a new instance) is on an object that has
 *   probably just been woken and will probably hibernate again: flush, and mark the record
 *   clean, so quiet pools stay exact after hibernation.
 * - A clean last flush (nothing unwritten since) must be followed by a flush, or a restore
 *   would trust old values.
 * - While requests keep coming less than HOT_GAP_MS apart, the object stays in memory: the
 *   record is dirty (more unwritten heartbeats will follow) and the next flush waits for
 *   the interval, which is what keeps busy pools at one row per interval.
 */
export class FlushPolicy {
  private lastRequestAt: number | null = null;
  /** This instance wrote the dirty record now in storage, so it holds what that record left out. */
  private holdsUnwritten = false;

  constructor(public last: FlushRecord | null) {}

  /** A record this instance has just written. */
  wrote(record: FlushRecord): void {
    this.last = record;
    this.holdsUnwritten = record.dirty;
  }

  /**
   * Closing a burst: once requests have paused for HOT_GAP_MS, the clean record to write while
   * this instance still holds every heartbeat (Cloudflare drops an idle object after about
   * 10 s; the next one's deadlines are then exact). `waitMs` while requests still come; null
   * when there is nothing to close (the last record is clean, or was written by an earlier instance).
   */
  closing(now: number): { record: FlushRecord } | { waitMs: number } | null {
    const last = this.last;
    if (last === null || !last.dirty || !this.holdsUnwritten) return null;
    const idle = this.idleFor(now);
    if (idle < HOT_GAP_MS) return { waitMs: HOT_GAP_MS - idle + 1000 };
    return { record: { flushedAtMs: now, dirty: false, flushIntervalMs: last.flushIntervalMs } };
  }

  /** How long since the last heartbeat this instance applied (Infinity: none yet). */
  idleFor(now: number): number {
    return this.lastRequestAt === null ? Infinity : now - this.lastRequestAt;
  }

  /** `force`: a quiet sender was heard (its heartbeat must not stay unwritten). */
  decide(now: number, intervalMs: number, force = false): FlushRecord | null {
    const hot = this.lastRequestAt !== null && now - this.lastRequestAt < HOT_GAP_MS;
    this.lastRequestAt = now;
    const last = this.last;
    const due = force || !hot || last === null || !last.dirty || now - last.flushedAtMs >= Math.min(last.flushIntervalMs, intervalMs);
    return due ? { flushedAtMs: now, dirty: hot, flushIntervalMs: intervalMs } : null;
  }
}

/**
 * Writes the volatile rows when the policy says so, and after each dirty flush closes the
 * burst from a timer (FlushPolicy.closing): a clean record once heartbeats pause, so the next
 * instance's deadlines are exact. Gives up after 30 tries while heartbeats keep coming: the
 * next dirty flush starts it again.
 */
export class Flusher {
  readonly policy: FlushPolicy;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private tries = 0;

  constructor(
    private readonly store: RegistryStore,
    private readonly pool: Senders,
    last: FlushRecord | null,
  ) {
    this.policy = new FlushPolicy(last);
  }

  /** After an accepted heartbeat: flushes if due (`force`: a quiet sender was heard). */
  afterHeartbeat(now: number, intervalMs: number, force: boolean): void {
    const record = this.policy.decide(now, intervalMs, force);
    if (record !== null) this.write(record);
  }

  private write(record: FlushRecord): void {
    this.store.writeVolatile(packChunks(this.pool), record);
    this.policy.wrote(record);
    this.pool.lastFlushAt = record.flushedAtMs;
    if (record.dirty) {
      this.tries = 0;
      this.schedule(HOT_GAP_MS + 1000);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.closeBurst(Date.now());
    }, delayMs);
  }

  /** The closing flush, run by its timer (tests call it directly, their clock being frozen). */
  closeBurst(now: number): boolean {
    const next = this.policy.closing(now);
    if (next === null) return false;
    if ("waitMs" in next) {
      if (++this.tries < 30) this.schedule(next.waitMs);
      return false;
    }
    this.write(next.record);
    return true;
  }

  /** Drops the timer: what a kill does, and what deleting the pool does. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
