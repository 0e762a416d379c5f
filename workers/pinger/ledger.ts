// The pinger's memory, in one SQLite-backed Durable Object: the Space list as last read
// well (each Space with a stable slot, its place in the history's blocks, and a rank that puts
// problems first), each Space's state, the tick window already handed out, and check results.
// Writes happen on change: a tick claims its window (1 row), adds its results to the hour's
// block and the check log (history.ts: 2 rows) and stores its summary (1 row); a Space's state
// row is written only when it changes, so a Space that stays up costs no row of its own.
import { hostOf } from "../../shared/public-url.js";
import type * as z from "zod";
import type { PingTotalsSchema } from "../../shared/api.js";
import { slotOf, offsetSeconds } from "../../shared/schedule.js";
import type { Space, SpaceConfigError } from "../../shared/spaces.js";
import { hfSpaceId } from "./hf.js";
import { History } from "./history.js";
import { legacyLeft, migrateSlice } from "./legacy.js";
import type { SqlLike, SqlValue } from "./sql.js";
import type { PlannedSpace, SpaceCheck } from "./types.js";
import { checkedEvery } from "../usage/governor.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spaces (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, off INTEGER NOT NULL, ivl INTEGER NOT NULL, config TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER, streak_of TEXT, streak INTEGER NOT NULL,
  error TEXT, error_status INTEGER, error_at INTEGER,
  hf_stage TEXT, hf_message TEXT, hf_stage_at INTEGER, hf_error TEXT, hf_restart_at INTEGER) WITHOUT ROWID;
`;

/** Problems first: the order the page, /v1/spaces and /metrics list Spaces in (then the list's own). */
export const RANKS: Record<string, number> = { down: 0, degraded: 1, waking: 2, unknown: 3, up: 4 };
const rankOf = (state: string) => RANKS[state] ?? 3;

export type SpaceState = "unknown" | "up" | "down" | "waking" | "degraded";

/** What started a tick: the Cron Trigger, or the SpaceStore's alarm while the cron is late. */
export type TickSource = "cron" | "alarm";

/** Consecutive failed (or good) checks before the state changes: the list-wide defaults. */
export interface Thresholds {
  down_after: number;
  up_after: number;
}

export interface ListStatus {
  /** SHA-256 of the KV text last looked at, good or bad (so bad text is not re-parsed each tick). */
  hash: string | null;
  /** Why the last text could not be used; the last good list stays in force meanwhile. */
  error: string | null;
  errors: SpaceConfigError[];
  valid: number;
  invalid: number;
  /** When the list in force was read. */
  good_at: number | null;
  checked_at: number;
}

export interface TickSummary {
  at: number;
  started_at: number;
  finished_at: number;
  /** Time to plan (list read, window claimed, due Spaces) and to run every shard. */
  plan_ms: number;
  shards_ms: number;
  source: TickSource;
  due: number;
  checked: number;
  up: number;
  down: number;
  waking: number;
  /** Answered from one region only, or answering without pinging back. */
  degraded: number;
  /** Not checked: the shard's budget ran out first. */
  skipped: number;
  /** Not checked: the shard's invocation failed (e.g. the object was reset). */
  lost: number;
  /** Shard invocations, confirmation shards included. */
  shards: number;
  /** Spaces found down at home and checked again from another region. */
  confirmations: number;
  /** PING_REGIONS this tick ran with (empty: none). */
  regions: string[];
  subrequests: number;
  max_subrequests_per_shard: number;
  max_in_flight: number;
  /** Running totals since the store was created (for /metrics counters); set by record(). */
  totals?: PingTotals;
}

/** Checks by outcome (one Space in one tick, retries included), HTTP requests sent, subrequests, ticks. */
export type PingTotals = z.infer<typeof PingTotalsSchema>;

export interface StateRow {
  id: string;
  state: SpaceState;
  since: number | null;
  streak_of: string | null;
  streak: number;
  error: string | null;
  error_status: number | null;
  error_at: number | null;
  hf_stage: string | null;
  hf_message: string | null;
  hf_stage_at: number | null;
  hf_error: string | null;
  hf_restart_at: number | null;
}

/** A tick's summary before the store has judged its checks: the counts by outcome are the store's. */
export type TickDraft = Omit<TickSummary, "up" | "down" | "waking" | "degraded" | "totals">;

/** What recording a tick gives back: the state changes, and the summary as stored. */
export interface Recorded {
  transitions: Transition[];
  summary: TickSummary;
}

/** A listed Space as the store judges its checks: its interval and whether it pings back. */
export interface JudgedSpace {
  id: string;
  interval_s: number;
  expect_pingback: boolean;
}

/** The store's last word on a check (ping-backs, maintenance) before it is recorded. */
export type CheckJudge = (check: SpaceCheck, space: JudgedSpace) => SpaceCheck;

export interface Transition {
  id: string;
  name: string;
  /** The Space's host (never its path or query): alerts name the Space and where it runs. */
  host: string;
  from: SpaceState;
  to: SpaceState;
  at: number;
  error: string | null;
}

/** A listed Space as a tick needs it (kept in memory: SpaceLedger.known). */
interface Known {
  space: Space;
  /** The config as stored (a shard's order is written from it). */
  text: string;
  slot: number;
  pos: number;
  off: number;
}

/** What states() joins from the list: names for alerts, thresholds, what judging a check needs. */
interface SpaceFacts {
  slot: number;
  name: string;
  url: string;
  down_after: number | null;
  up_after: number | null;
  interval_s: number;
  /** JSON true reads back as 1. */
  expect_pingback: number | null;
}

const STATE_COLUMNS = ["id", "state", "since", "streak_of", "streak", "error", "error_status", "error_at", "hf_stage", "hf_message", "hf_stage_at", "hf_error", "hf_restart_at"] as const;

/** A listed Space as the page and /v1/spaces read it: where it ranks, its slot, its state. */
export interface ListedSpace {
  config: Space;
  slot: number;
  rank: number;
  pos: number;
  state: StateRow | null;
}

/** Slots a removed Space held are given again only after its history is gone (90 days). */
const SLOT_REST_DAYS = 92;
const MAX_SLOT = 0xffff;

export class SpaceLedger {
  private ownRows = 0;
  readonly history: History;
  /** An older store's history tables are still there (legacy.ts). */
  private legacy: boolean;
  /**
   * Listed Spaces and their state rows as last read or written, so a tick reads from SQLite
   * only the Spaces it has not met since this object started (this object is their only writer).
   */
  private readonly known = new Map<string, Known>();
  private readonly stateRows = new Map<string, StateRow | null>();
  /** The (interval, critical) pairs of the list, and the share of non-critical checks: until the list changes. */
  private groups: { ivl: number; crit: number }[] | null = null;
  private share: number | null = null;
  private readonly meta = new Map<string, unknown>();

  constructor(readonly sql: SqlLike) {
    sql.exec(SCHEMA);
    // Stores made before slots and ranks (the history's blocks and the problems-first order).
    for (const column of ["slot INTEGER", "added INTEGER", "rank INTEGER NOT NULL DEFAULT 3", "crit INTEGER NOT NULL DEFAULT 0"]) {
      try {
        sql.exec(`ALTER TABLE spaces ADD COLUMN ${column}`);
      } catch (err) {
        if (!/duplicate column/i.test(String(err))) throw err;
      }
    }
    sql.exec("CREATE INDEX IF NOT EXISTS spaces_order ON spaces (rank, pos)");
    sql.exec("CREATE INDEX IF NOT EXISTS spaces_pos ON spaces (pos)");
    // Which Spaces a tick finds due: a range of offsets per interval (due()).
    sql.exec("CREATE INDEX IF NOT EXISTS spaces_due ON spaces (ivl, crit, off)");
    if (sql.exec("SELECT 1 FROM spaces WHERE slot IS NULL LIMIT 1").toArray().length > 0) {
      // The list of an older store: each Space keeps its place as its slot, and ranks by its state.
      sql.exec("UPDATE spaces SET slot = pos, added = 0, crit = COALESCE(config ->> '$.critical', 0) WHERE slot IS NULL");
      sql.exec(`UPDATE spaces SET rank = COALESCE((SELECT CASE st.state ${Object.entries(RANKS).map(([k, v]) => `WHEN '${k}' THEN ${v}`).join(" ")} ELSE 3 END FROM state st WHERE st.id = spaces.id), 3)`);
    }
    this.history = new History(sql, { get: <T>(key: string) => this.getMeta<T>(key), set: (key, value) => this.setMeta(key, value), delete: (key) => this.deleteMeta(key) });
    this.legacy = legacyLeft(sql);
  }

  private migrate(): void {
    const slots = new Map(this.rows<{ id: string; slot: number }>("SELECT id, slot FROM spaces").map((r) => [r.id, r.slot]));
    this.ownRows += migrateSlice(this.sql, slots, (day, block) => this.history.adopt(day, block), (hour, block) => this.history.adoptHour(hour, block), (day) => this.history.setRolled(day));
    this.legacy = legacyLeft(this.sql);
  }

  /**
   * One step of the history's upkeep as of `nowMs` (history.ts: ended hours closed a slice at a
   * time, the recent block, a day's roll-up, the expiry; first an older store's history carried
   * over, legacy.ts). Not part of the tick: the SpaceStore runs it in a request of its own
   * (SpaceStore.maintain), because a tick at 5,000 Spaces uses most of its 10 ms on its checks.
   * Returns whether more is left.
   */
  maintain(nowMs: number): boolean {
    if (this.legacy) this.migrate();
    this.history.settle(nowMs, !this.legacy);
    return this.upkeepDue(nowMs);
  }

  /** Whether the history has upkeep waiting (maintain). */
  upkeepDue(nowMs: number): boolean {
    return this.legacy || this.history.due(nowMs);
  }

  /** Rows written by this store's own statements and its history's. */
  get rowsWritten(): number {
    return this.ownRows + this.history.rowsWritten;
  }

  write(query: string, ...params: SqlValue[]): void {
    this.ownRows += this.sql.exec(query, ...params).rowsWritten;
  }

  rows<T>(query: string, ...params: SqlValue[]): T[] {
    return this.sql.exec(query, ...params).toArray() as T[];
  }

  /** A meta value, read once and kept (this object is the only writer: set and delete go through here). */
  getMeta<T>(key: string): T | null {
    if (!this.meta.has(key)) {
      const row = this.rows<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)[0];
      this.meta.set(key, row === undefined ? null : JSON.parse(row.value));
    }
    return this.meta.get(key) as T | null;
  }

  setMeta(key: string, value: unknown): void {
    this.write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
    this.meta.set(key, value);
  }

  deleteMeta(key: string): void {
    this.write("DELETE FROM meta WHERE key = ?", key);
    this.meta.set(key, null);
  }

  /**
   * Puts a newly read list in force at once, writing only what changed (list.ts does the
   * same a slice a tick: upsertSpaces, then removeSpacesBut). Returns the removed ones, so their
   * open incidents can be closed.
   */
  replaceSpaces(spaces: Space[], nowMs = Date.now()): { id: string; name: string; host: string }[] {
    this.upsertSpaces(spaces.map((s, pos) => [pos, s]), nowMs);
    return this.removeSpacesBut(new Set(spaces.map((s) => s.id)), Infinity, nowMs).removed;
  }

  private slots(): { next: number; resting: [number, number][] } {
    return this.getMeta<{ next: number; resting: [number, number][] }>("slots") ?? { next: this.rows<{ n: number | null }>("SELECT MAX(slot) + 1 AS n FROM spaces")[0]?.n ?? 0, resting: [] };
  }

  /**
   * Spaces added, changed or removed: what memory holds of them goes (only theirs: a list coming
   * in 200 entries a tick must not make every tick read every due Space again), and the list's
   * groups and critical share.
   */
  private forget(ids: Iterable<string>): void {
    for (const id of ids) {
      this.known.delete(id);
      this.stateRows.delete(id);
    }
    this.groups = null;
    this.share = null;
  }

  /**
   * Writes Spaces at their places in the list, only what changed: a new Space gets a slot (one
   * whose history is gone, or the next), a changed one its new config or place.
   */
  upsertSpaces(entries: [number, Space][], nowMs: number): void {
    if (entries.length === 0) return;
    const existing = new Map(this.rows<{ id: string; pos: number; config: string }>("SELECT s.id, s.pos, s.config FROM json_each(?) j JOIN spaces s ON s.id = j.value", JSON.stringify(entries.map(([, s]) => s.id))).map((r) => [r.id, r]));
    const slots = this.slots();
    const today = Math.floor(nowMs / 86_400_000);
    const take = (): number => {
      const i = slots.resting.findIndex(([, day]) => today - day >= SLOT_REST_DAYS);
      if (i !== -1) return slots.resting.splice(i, 1)[0]![0];
      if (slots.next <= MAX_SLOT) return slots.next++;
      // Past 65,536 slots (churn, never the list itself): the longest-resting one.
      slots.resting.sort((a, b) => a[1] - b[1]);
      return slots.resting.shift()![0];
    };
    // New and changed Spaces in one statement (a statement each was most of a tick that brings
    // a list in: bench:limits); a changed one keeps its slot, added time and rank.
    const rows: [string, number, number, number, string, number, number, number][] = [];
    for (const [pos, s] of entries) {
      const text = JSON.stringify(s);
      const old = existing.get(s.id);
      if (old !== undefined && old.pos === pos && old.config === text) continue;
      rows.push([s.id, pos, offsetSeconds(s.id, s.interval_s), s.interval_s, text, old === undefined ? take() : -1, nowMs, s.critical ? 1 : 0]);
    }
    if (rows.length === 0) return;
    this.write(
      `INSERT INTO spaces (id, pos, off, ivl, config, slot, added, rank, crit)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, 3, value ->> 7 FROM json_each(?) WHERE true
       ON CONFLICT (id) DO UPDATE SET pos = excluded.pos, off = excluded.off, ivl = excluded.ivl, config = excluded.config, crit = excluded.crit`,
      JSON.stringify(rows),
    );
    this.setMeta("slots", slots);
    this.forget(rows.map((r) => r[0]));
  }

  /**
   * Removes up to `limit` listed Spaces whose ids are not in `keep` (their rows and state; the
   * slot rests until its history is gone). `done`: none is left to remove.
   */
  removeSpacesBut(keep: Set<string>, limit: number, nowMs: number): { removed: { id: string; name: string; host: string }[]; done: boolean } {
    // One more than asked: whether any is left after these.
    const gone = this.rows<{ id: string; name: string; url: string; slot: number }>(
      "SELECT id, config ->> '$.name' AS name, config ->> '$.url' AS url, slot FROM spaces WHERE id NOT IN (SELECT value FROM json_each(?)) LIMIT ?",
      JSON.stringify([...keep]),
      Number.isFinite(limit) ? limit + 1 : -1,
    );
    const now = gone.slice(0, limit);
    if (now.length === 0) return { removed: [], done: true };
    const slots = this.slots();
    const today = Math.floor(nowMs / 86_400_000);
    const ids = JSON.stringify(now.map((r) => r.id));
    // Two statements for the lot, not two a Space.
    this.write("DELETE FROM spaces WHERE id IN (SELECT value FROM json_each(?))", ids);
    this.write("DELETE FROM state WHERE id IN (SELECT value FROM json_each(?))", ids);
    for (const r of now) slots.resting.push([r.slot, today]);
    this.setMeta("slots", slots);
    this.forget(now.map((r) => r.id));
    return { removed: now.map((r) => ({ id: r.id, name: r.name, host: hostOf(r.url) })), done: gone.length <= limit };
  }

  /** One listed Space (null when it is not listed). */
  space(id: string): ListedSpace | null {
    return this.listed(this.rows<ListedRow>("SELECT s.id AS sid, s.slot, s.rank, s.pos FROM spaces s WHERE s.id = ?", id))[0] ?? null;
  }

  /** Rows of `spaces` as ListedSpaces, their configs and states from memory (or one query each for those not met yet). */
  private listed(rows: ListedRow[]): ListedSpace[] {
    const ids = rows.map((r) => r.sid);
    const known = this.knownOf(ids);
    const states = this.stateOf(ids);
    return rows.flatMap((r) => {
      const k = known.get(r.sid);
      return k === undefined ? [] : [{ config: k.space, slot: r.slot, rank: r.rank, pos: r.pos, state: states.get(r.sid) ?? null }];
    });
  }

  /**
   * A page of the list, problems first then in the list's order, after `after` ([rank, pos] of
   * the previous page's last Space): a walk of the (rank, pos) index, never a sort of the list.
   */
  page(limit: number, after: [number, number] | null = null): ListedSpace[] {
    const rows = this.rows<ListedRow>(
      `SELECT s.id AS sid, s.slot, s.rank, s.pos FROM spaces s ${after === null ? "" : "WHERE (s.rank, s.pos) > (?2, ?3)"} ORDER BY s.rank, s.pos LIMIT ?1`,
      limit,
      ...(after === null ? [] : after),
    );
    return this.listed(rows);
  }

  /** `limit` Spaces from the list's `offset`-th on, in the list's order (/metrics' parts: a Space stays in its part whatever its state). */
  byPos(offset: number, limit: number): ListedSpace[] {
    return this.listed(this.rows<ListedRow>("SELECT s.id AS sid, s.slot, s.rank, s.pos FROM spaces s WHERE s.pos >= ? ORDER BY s.pos LIMIT ?", offset, limit));
  }

  /** Listed Spaces by state (an index walk). */
  counts(): Record<string, number> {
    const out: Record<string, number> = { down: 0, degraded: 0, waking: 0, unknown: 0, up: 0 };
    const names = Object.fromEntries(Object.entries(RANKS).map(([k, v]) => [v, k]));
    for (const r of this.rows<{ rank: number; n: number }>("SELECT rank, COUNT(*) AS n FROM spaces GROUP BY rank")) out[names[r.rank] ?? "unknown"] = r.n;
    return out;
  }

  /**
   * Hands out the window (previous tick, this tick] once: a repeated or overlapping tick
   * whose window was already handed out gets null, so no slot is pinged twice. Synchronous
   * from read to write, so two requests to this object cannot both claim it.
   */
  claimWindow(tickMs: number, intervalMs: number): { previousMs: number } | null {
    const end = this.getMeta<number>("window_end");
    if (end !== null && tickMs <= end) return null;
    this.setMeta("window_end", tickMs);
    return { previousMs: end ?? tickMs - intervalMs };
  }

  /** Listed Spaces' facts, from memory or (those not met yet) one query; unlisted ids are left out. */
  private knownOf(ids: string[]): Map<string, Known> {
    const missing = ids.filter((id) => !this.known.has(id));
    if (missing.length > 0) {
      for (const r of this.rows<{ id: string; config: string; slot: number; pos: number; off: number }>("SELECT s.id, s.config, s.slot, s.pos, s.off FROM json_each(?) j JOIN spaces s ON s.id = j.value", JSON.stringify(missing))) {
        this.known.set(r.id, { space: JSON.parse(r.config) as Space, text: r.config, slot: r.slot, pos: r.pos, off: r.off });
      }
    }
    const out = new Map<string, Known>();
    for (const id of ids) {
      const k = this.known.get(id);
      if (k !== undefined) out.set(id, k);
    }
    return out;
  }

  /** State rows (null: none yet), from memory or one query for those not met yet. */
  private stateOf(ids: string[]): Map<string, StateRow | null> {
    const missing = ids.filter((id) => !this.stateRows.has(id));
    if (missing.length > 0) {
      for (const id of missing) this.stateRows.set(id, null);
      for (const r of this.rows<StateRow>("SELECT st.* FROM json_each(?) j JOIN state st ON st.id = j.value", JSON.stringify(missing))) this.stateRows.set(r.id, pick(r));
    }
    return new Map(ids.map((id) => [id, this.stateRows.get(id) ?? null]));
  }

  /**
   * The ids of Spaces whose slot began in the window (previous, this tick]: per (interval,
   * critical) group, a range of offsets on the spaces_due index, so the tick reads the Spaces
   * it pings and no others. A stretched Space keeps its offset and steps by its stretched
   * interval (workers/usage/governor.ts). Plus Spaces never seen (checked at once).
   */
  private dueIds(t: number, p: number, stretch: number): string[] {
    this.groups ??= this.rows<{ ivl: number; crit: number }>("SELECT DISTINCT ivl, crit FROM spaces");
    const ids: string[] = [];
    for (const g of this.groups) {
      const every = checkedEvery({ interval_s: g.ivl, critical: g.crit === 1 }, stretch);
      const q = "SELECT id FROM spaces WHERE ivl = ? AND crit = ? AND off > ? AND off <= ?";
      if (t - p >= every) {
        for (const r of this.rows<{ id: string }>(q, g.ivl, g.crit, -1, every)) ids.push(r.id);
        continue;
      }
      const from = ((p % every) + every) % every;
      const to = ((t % every) + every) % every;
      const ranges = from < to ? [[from, to]] : [[from, every], [-1, to]];
      for (const [a, b] of ranges) for (const r of this.rows<{ id: string }>(q, g.ivl, g.crit, a!, b!)) ids.push(r.id);
    }
    // Never checked yet (rank 3 is unknown; those with no state row are new).
    for (const r of this.rows<{ id: string }>("SELECT s.id FROM spaces s WHERE s.rank = 3 AND NOT EXISTS (SELECT 1 FROM state st WHERE st.id = s.id)")) ids.push(r.id);
    return [...new Set(ids)];
  }

  /**
   * Spaces whose slot began in the window, in list order, and Spaces never seen before
   * (checked at once, so a new list shows state within a minute). A new Space gets its
   * state row now: a later tick will not take it for new again.
   */
  due(tickMs: number, previousMs: number, stretch = 1): PlannedSpace[] {
    const ids = this.dueIds(Math.floor(tickMs / 1000), Math.floor(previousMs / 1000), stretch);
    const known = this.knownOf(ids);
    const states = this.stateOf([...known.keys()]);
    const fresh: string[] = [];
    const planned = [...known.values()]
      .sort((a, b) => a.pos - b.pos)
      .map(({ space, text }) => {
        const st = states.get(space.id) ?? null;
        if (st === null) {
          fresh.push(space.id);
          this.stateRows.set(space.id, { id: space.id, state: "unknown", since: null, streak_of: null, streak: 0, error: null, error_status: null, error_at: null, hf_stage: null, hf_message: null, hf_stage_at: null, hf_error: null, hf_restart_at: null });
        }
        const hfId = hfSpaceId(space);
        return {
          space,
          slot_key: `${space.id}@${slotOf(space, tickMs)}`,
          hf: hfId === null ? null : { id: hfId, stage_at: st?.hf_stage_at ?? null, restart_at: st?.hf_restart_at ?? null },
          text,
        };
      });
    // One statement for all the new ones (100 a tick while a list comes in).
    if (fresh.length > 0) this.write("INSERT INTO state (id, state, streak) SELECT value, 'unknown', 0 FROM json_each(?)", JSON.stringify(fresh));
    return planned;
  }

  /** State rows with each Space's name, slot and own thresholds (null: the defaults); Spaces with no state row are left out. */
  states(ids: string[]): Map<string, StateRow & SpaceFacts> {
    const known = this.knownOf(ids);
    const states = this.stateOf([...known.keys()]);
    const out = new Map<string, StateRow & SpaceFacts>();
    for (const [id, k] of known) {
      const st = states.get(id);
      if (st === null || st === undefined) continue;
      const s = k.space;
      out.set(id, { ...st, slot: k.slot, name: s.name, url: s.url, down_after: s.down_after ?? null, up_after: s.up_after ?? null, interval_s: s.interval_s, expect_pingback: s.expect_pingback ? 1 : 0 });
    }
    return out;
  }

  /** The share of checks (at unstretched intervals) that are non-critical Spaces': what the governor can slow. */
  nonCriticalShare(): number {
    if (this.share === null) {
      const r = this.rows<{ every: number | null; nc: number | null }>("SELECT SUM(1.0 / ivl) AS every, SUM(CASE WHEN crit = 1 THEN 0 ELSE 1.0 / ivl END) AS nc FROM spaces")[0];
      this.share = r === undefined || r.every === null || r.every === 0 ? 0 : (r.nc ?? 0) / r.every;
    }
    return this.share;
  }

  /**
   * Stores one tick's results: each check judged by the store (`judge`), added to the hour's
   * accumulator row, state rows only where something changed, hours that have ended rolled up
   * (history.ts), and the tick's summary with its counts taken from the judged checks.
   */
  record(tickMs: number, checks: SpaceCheck[], draft: TickDraft, defaults: Thresholds, judge: CheckJudge = (c) => c, carry: Record<string, unknown> = {}): Recorded {
    const before = this.states(checks.filter((c) => c.outcome !== "skipped").map((c) => c.id));
    const judged = checks.map((c) => {
      const row = before.get(c.id);
      return c.outcome === "skipped" || row === undefined ? c : judge(c, { id: c.id, interval_s: row.interval_s, expect_pingback: row.expect_pingback === 1 });
    });
    const done = judged.filter((c) => c.outcome !== "skipped");
    this.history.record(tickMs, done, (c) => before.get(c.id)?.slot);
    const transitions: Transition[] = [];
    // Changed state rows and ranks, each kind in one statement (a new list's first checks
    // change hundreds a tick).
    const changed: (string | number | null)[][] = [];
    const ranks: [string, number][] = [];
    for (const check of done) {
      const prev = before.get(check.id);
      if (prev === undefined) continue; // removed from the list while it was being checked
      const next = applyCheck(prev, check, { down_after: prev.down_after ?? defaults.down_after, up_after: prev.up_after ?? defaults.up_after });
      if (next.state !== prev.state) transitions.push({ id: check.id, name: prev.name, host: hostOf(prev.url), from: prev.state, to: next.state, at: check.at, error: check.error });
      if (STATE_COLUMNS.some((k) => next[k] !== prev[k])) {
        changed.push(STATE_COLUMNS.map((k) => next[k]));
        this.stateRows.set(check.id, next);
      }
      if (rankOf(next.state) !== rankOf(prev.state)) ranks.push([check.id, rankOf(next.state)]);
    }
    if (changed.length > 0) {
      this.write(`INSERT OR REPLACE INTO state (${STATE_COLUMNS.join(", ")}) SELECT ${STATE_COLUMNS.map((_, i) => `value ->> ${i}`).join(", ")} FROM json_each(?)`, JSON.stringify(changed));
    }
    if (ranks.length > 0) this.write("UPDATE spaces SET rank = j.value ->> 1 FROM json_each(?) AS j WHERE spaces.id = j.value ->> 0", JSON.stringify(ranks));
    const by: Record<string, number> = { up: 0, down: 0, waking: 0, degraded: 0 };
    let attempts = 0;
    for (const c of judged) {
      if (c.outcome in by) by[c.outcome]! += 1;
      if (c.outcome !== "skipped") attempts += c.attempts;
    }
    const summary: TickSummary = { ...draft, up: by.up!, down: by.down!, waking: by.waking!, degraded: by.degraded! };
    // Kept in the summary's own row: counters cost no extra write per tick.
    const t = this.getMeta<TickSummary>("last_tick")?.totals ?? { checks: { up: 0, down: 0, waking: 0, degraded: 0, skipped: 0, lost: 0 }, attempts: 0, subrequests: 0, ticks: 0 };
    const totals: PingTotals = {
      checks: {
        up: t.checks.up + summary.up,
        down: t.checks.down + summary.down,
        waking: t.checks.waking + summary.waking,
        // Totals stored before `degraded` existed have none.
        degraded: (t.checks.degraded ?? 0) + summary.degraded,
        skipped: t.checks.skipped + summary.skipped,
        lost: t.checks.lost + summary.lost,
      },
      attempts: t.attempts + attempts,
      subrequests: t.subrequests + summary.subrequests,
      ticks: t.ticks + 1,
    };
    // `carry` rides in the same row (the usage book): written every tick anyway.
    this.setMeta("last_tick", { ...summary, totals, ...carry });
    return { transitions, summary: { ...summary, totals } };
  }
}

/**
 * A Space's state after one check. Only what changed differs from `prev`. A Space's first
 * check sets its state at once (there is nothing to flap against); after that it changes
 * only after `down_after` failed or `up_after` good checks in a row.
 */
export function applyCheck(prev: StateRow, check: SpaceCheck, t: Thresholds): StateRow {
  const next: StateRow = pick(prev);
  // Degraded is a failure for the streak (it takes down_after in a row to show), like waking.
  const kind = check.outcome === "up" ? "up" : "fail";
  const threshold = prev.state === "unknown" ? 1 : kind === "up" ? t.up_after : t.down_after;
  // Capped, so a Space that stays as it is writes nothing.
  next.streak = prev.streak_of === kind ? Math.min(prev.streak + 1, Math.max(t.up_after, t.down_after)) : 1;
  next.streak_of = kind;
  if (next.streak >= threshold && check.outcome !== prev.state) {
    next.state = check.outcome as SpaceState;
    next.since = check.at;
  }
  if (kind === "fail" && check.error !== prev.error) {
    next.error = check.error;
    next.error_status = check.status;
    next.error_at = check.at;
  }
  if (check.hf !== undefined) {
    const hf = check.hf;
    if (hf.stage !== null) {
      next.hf_stage = hf.stage;
      next.hf_message = hf.message;
      next.hf_stage_at = hf.read_at;
    }
    next.hf_error = hf.error;
    if (hf.restarted_at !== null) next.hf_restart_at = hf.restarted_at;
  }
  if (next.state === "up" && prev.state !== "up") {
    // The stage was read because the Space failed; once it answers again that reading is
    // history, and the next incident reads a fresh one. The restart cooldown stays.
    next.hf_stage = null;
    next.hf_message = null;
    next.hf_stage_at = null;
    next.hf_error = null;
  }
  return next;
}

type ListedRow = { sid: string; slot: number; rank: number; pos: number } & Partial<StateRow>;

/** Only the state columns (rows read with joins carry more). */
function pick(r: StateRow): StateRow {
  return {
    id: r.id, state: r.state, since: r.since, streak_of: r.streak_of, streak: r.streak, error: r.error, error_status: r.error_status, error_at: r.error_at,
    hf_stage: r.hf_stage, hf_message: r.hf_message, hf_stage_at: r.hf_stage_at, hf_error: r.hf_error, hf_restart_at: r.hf_restart_at,
  };
}

