// Usage counted in memory where it is spent (an isolate, a Durable Object), by UTC day, and
// handed to the usage book (book.ts) with a call that happens anyway, or at most every few
// minutes: never a row or a request per counted operation.
//
// A counter's key is "<quota>|<what>": do_requests|PoolRegistry.rpc, rows_written|SpaceStore,
// worker_requests|heartbeat, do_duration_ms|PingShard, subrequests|ping, kv_reads|spaces.

export type UsageCounts = Record<string, number>;
/** Counts by UTC day number (days since 1970-01-01), as object keys. */
export type UsageDelta = Record<string, UsageCounts>;

const DAY_MS = 86_400_000;
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

export class Tally {
  private days = new Map<number, Map<string, number>>();
  /** When counts were last taken (handed on). */
  takenAt: number;

  constructor(now = Date.now()) {
    this.takenAt = now;
  }

  add(key: string, n = 1, now = Date.now()): void {
    if (n === 0) return;
    const day = dayOf(now);
    let counts = this.days.get(day);
    if (counts === undefined) this.days.set(day, (counts = new Map()));
    counts.set(key, (counts.get(key) ?? 0) + n);
  }

  get empty(): boolean {
    return this.days.size === 0;
  }

  /** Everything counted since the last take, and a fresh start; null when nothing was counted. */
  take(now = Date.now()): UsageDelta | null {
    this.takenAt = now;
    if (this.days.size === 0) return null;
    const out: UsageDelta = {};
    for (const [day, counts] of this.days) out[day] = Object.fromEntries(counts);
    this.days = new Map();
    return out;
  }

  /** take(), but only once `everyMs` has passed since the last one. */
  takeIfDue(now: number, everyMs: number): UsageDelta | null {
    return now - this.takenAt >= everyMs ? this.take(now) : null;
  }

  /** Puts back what could not be handed on (the call failed), so it is not lost. */
  restore(delta: UsageDelta): void {
    for (const [day, counts] of Object.entries(delta)) for (const [key, n] of Object.entries(counts)) this.add(key, n, Number(day) * DAY_MS);
  }
}

/** Adds `delta` into `into` (both by day). */
export function mergeDelta(into: UsageDelta, delta: UsageDelta | null | undefined): UsageDelta {
  for (const [day, counts] of Object.entries(delta ?? {})) {
    const target = (into[day] ??= {});
    for (const [key, n] of Object.entries(counts)) target[key] = (target[key] ?? 0) + n;
  }
  return into;
}

/**
 * A Durable Object's own meter: its requests by cause, its rows written (read from the
 * store's running count), its time in memory while awaiting I/O, its external subrequests.
 */
export class ObjectMeter {
  readonly tally = new Tally();
  private rowsSeen = 0;

  constructor(readonly cls: string) {}

  request(cause: string, now = Date.now()): void {
    this.tally.add(`do_requests|${this.cls}.${cause}`, 1, now);
  }

  /** Rows written since the last call, from the store's running total. */
  rows(total: number, now = Date.now()): void {
    if (total > this.rowsSeen) this.tally.add(`rows_written|${this.cls}`, total - this.rowsSeen, now);
    this.rowsSeen = total;
  }

  /** setAlarm(), counted: each call is a row written, by Cloudflare's count. */
  async setAlarm(storage: DurableObjectStorage, at: number): Promise<void> {
    this.tally.add(`rows_written|${this.cls}.setAlarm`, 1);
    await storage.setAlarm(at);
  }

  subrequests(n: number, what = "ping", now = Date.now()): void {
    this.tally.add(`subrequests|${what}`, n, now);
  }

  /** Wall time of an invocation that awaited I/O (workerd's clock moves only across I/O). */
  duration(ms: number, now = Date.now()): void {
    if (ms > 0) this.tally.add(`do_duration_ms|${this.cls}`, ms, now);
  }
}

/**
 * storage.sql with the rows its statements write summed (SQLite's own count): for objects
 * whose SQL is spread over several helpers. A cursor's count is final once it is consumed,
 * so cursors are summed when `written()` is asked, and let go.
 */
export function countingSql(sql: SqlStorage): { sql: SqlStorage; written: () => number } {
  let cursors: { rowsWritten: number }[] = [];
  let total = 0;
  const wrapped = new Proxy(sql, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === "exec") {
        return (...args: unknown[]) => {
          const cursor = (v as (...a: unknown[]) => { rowsWritten: number }).apply(target, args);
          cursors.push(cursor);
          return cursor;
        };
      }
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    sql: wrapped,
    written: () => {
      for (const c of cursors) total += c.rowsWritten;
      cursors = [];
      return total;
    },
  };
}
