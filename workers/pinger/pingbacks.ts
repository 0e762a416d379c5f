// Proof of life from inside a Space: the seed's Spaces call the master back from their own
// process (GET /health?space=<id>, or POST /v1/pingback/<id>). HF's front can answer for a
// Space whose process is throttled or stuck; a ping-back cannot. Each one is kept in this
// object's memory and written with the tick's record, in one row for every Space (no row
// per ping-back). A ping-back that arrives just before the object is evicted is lost; the
// next one makes up for it, and a Space is judged only after two of its intervals.
import { formatDuration } from "../../shared/duration.js";
import type { JudgedSpace, SpaceLedger } from "./ledger.js";
import type { SpaceCheck } from "./types.js";

const KEY = "pingbacks";

interface Stored {
  /** Latest ping-back per Space (ms). */
  last: Record<string, number>;
  /** When a Space that expects ping-backs was first judged, so "never" has a start. */
  since: Record<string, number>;
}

/** The reason the page and the alert give. */
export const NOT_RUNNING = "the app is not running code";

export class PingbackBook {
  private readonly pending = new Map<string, number>();
  private stored: Stored | null = null;
  private dirty = false;

  constructor(private readonly ledger: SpaceLedger) {}

  private load(): Stored {
    this.stored ??= this.ledger.getMeta<Stored>(KEY) ?? { last: {}, since: {} };
    return this.stored;
  }

  /** A ping-back arrived (the caller checked the Space is listed). */
  note(id: string, at: number): void {
    this.pending.set(id, at);
  }

  lastAt(id: string): number | null {
    return this.pending.get(id) ?? this.load().last[id] ?? null;
  }

  /**
   * A Space that expects ping-backs and answers, but whose app has not called back for two of
   * its intervals, is degraded: its front answers, its code does not run.
   */
  judge(check: SpaceCheck, space: JudgedSpace): SpaceCheck {
    if (!space.expect_pingback || check.outcome !== "up") return check;
    const s = this.load();
    const last = this.lastAt(space.id);
    if (last === null && s.since[space.id] === undefined) {
      s.since[space.id] = check.at;
      this.dirty = true;
    }
    const limitMs = 2 * space.interval_s * 1000;
    const quietMs = check.at - (last ?? s.since[space.id]!);
    if (quietMs <= limitMs) return check;
    const quiet = formatDuration(quietMs / 1000);
    const error = `${NOT_RUNNING}: ${last === null ? `no ping-back in the ${quiet} since checks began` : `last ping-back ${quiet} ago`} (expected within ${formatDuration(limitMs / 1000)})`;
    return { ...check, outcome: "degraded", error };
  }

  /** Spaces taken off the list are forgotten. */
  forget(ids: string[]): void {
    const s = this.load();
    for (const id of ids) {
      if (s.last[id] !== undefined || s.since[id] !== undefined) this.dirty = true;
      delete s.last[id];
      delete s.since[id];
      this.pending.delete(id);
    }
  }

  /** Writes what arrived since the last tick: one row, and none when nothing did. */
  flush(): void {
    const s = this.load();
    for (const [id, at] of this.pending) s.last[id] = Math.max(at, s.last[id] ?? 0);
    if (this.pending.size === 0 && !this.dirty) return;
    this.pending.clear();
    this.dirty = false;
    this.ledger.setMeta(KEY, s);
  }
}
