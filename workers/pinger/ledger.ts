// The pinger's memory, in one SQLite-backed Durable Object: the Space list as last read
// well, each Space's state, the tick window already handed out, and check results.
// Writes happen on change: a tick claims its window (1 row), adds its results to the hour's
// one accumulator row (1 row) and stores its summary (1 row); a Space's state row is written
// only when it changes, so a Space that stays up costs no row of its own until its hour is
// rolled up (history.ts).
import { hostOf } from "../../shared/public-url.js";
import type * as z from "zod";
import type { PingTotalsSchema } from "../../shared/api.js";
import { slotOf, offsetSeconds } from "../../shared/schedule.js";
import type { Space, SpaceConfigError } from "../../shared/spaces.js";
import { hfSpaceId } from "./hf.js";
import { CHECK_LOG_SCHEMA, logChecks } from "./check-log.js";
import { accumulate, closeHours } from "./history.js";
import type { Row, SqlLike, SqlValue } from "./sql.js";
import type { PlannedSpace, SpaceCheck } from "./types.js";
import { CHECKED_EVERY_SQL } from "../usage/governor.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spaces (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, off INTEGER NOT NULL, ivl INTEGER NOT NULL, config TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER, streak_of TEXT, streak INTEGER NOT NULL,
  error TEXT, error_status INTEGER, error_at INTEGER,
  hf_stage TEXT, hf_message TEXT, hf_stage_at INTEGER, hf_error TEXT, hf_restart_at INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hour_acc (hour INTEGER PRIMARY KEY, data TEXT NOT NULL, detail TEXT, rolled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS days (
  id TEXT NOT NULL, day INTEGER NOT NULL, up INTEGER NOT NULL, total INTEGER NOT NULL,
  lat_sum INTEGER NOT NULL, lat_n INTEGER NOT NULL, hours TEXT NOT NULL, cum_up INTEGER NOT NULL, cum_total INTEGER NOT NULL,
  last_at INTEGER, last_outcome TEXT, last_status INTEGER, last_latency INTEGER, regions TEXT, detail TEXT,
  PRIMARY KEY (id, day)) WITHOUT ROWID;
${CHECK_LOG_SCHEMA}
`;

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

/** What states() joins from the list: names for alerts, thresholds, what judging a check needs. */
interface SpaceFacts {
  name: string;
  url: string;
  down_after: number | null;
  up_after: number | null;
  interval_s: number;
  /** JSON true reads back as 1. */
  expect_pingback: number | null;
}

const STATE_COLUMNS = ["id", "state", "since", "streak_of", "streak", "error", "error_status", "error_at", "hf_stage", "hf_message", "hf_stage_at", "hf_error", "hf_restart_at"] as const;

export class SpaceLedger {
  rowsWritten = 0;

  constructor(readonly sql: SqlLike) {
    sql.exec(SCHEMA);
    // Stores made before PING_REGIONS (each region's latest check), the check log (detail) and
    // the daily roll-up (hour rows kept, with their checks).
    for (const [table, column] of [["days", "regions TEXT"], ["days", "detail TEXT"], ["hour_acc", "detail TEXT"], ["hour_acc", "rolled INTEGER NOT NULL DEFAULT 0"]]) {
      try {
        sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
      } catch (err) {
        if (!/duplicate column/i.test(String(err))) throw err;
      }
    }
  }

  write(query: string, ...params: SqlValue[]): void {
    this.rowsWritten += this.sql.exec(query, ...params).rowsWritten;
  }

  rows<T>(query: string, ...params: SqlValue[]): T[] {
    return this.sql.exec(query, ...params).toArray() as T[];
  }

  getMeta<T>(key: string): T | null {
    const row = this.rows<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)[0];
    return row === undefined ? null : (JSON.parse(row.value) as T);
  }

  setMeta(key: string, value: unknown): void {
    this.write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /**
   * Puts a newly read list in force: Spaces no longer listed lose their state (not their
   * history). Returns those that were removed, so their open incidents can be closed.
   */
  replaceSpaces(spaces: Space[]): { id: string; name: string; host: string }[] {
    const kept = new Set(spaces.map((s) => s.id));
    const removed = this.rows<{ id: string; name: string; url: string }>("SELECT id, config ->> '$.name' AS name, config ->> '$.url' AS url FROM spaces")
      .filter((r) => !kept.has(r.id))
      .map((r) => ({ id: r.id, name: r.name, host: hostOf(r.url) }));
    this.write("DELETE FROM spaces");
    spaces.forEach((s, pos) => {
      this.write("INSERT INTO spaces (id, pos, off, ivl, config) VALUES (?, ?, ?, ?, ?)", s.id, pos, offsetSeconds(s.id, s.interval_s), s.interval_s, JSON.stringify(s));
    });
    this.write("DELETE FROM state WHERE id NOT IN (SELECT id FROM spaces)");
    return removed;
  }

  /** The list in force, in its order; `only`: that Space alone (none when it is not listed). */
  spaces(only: string | null = null): Space[] {
    const rows = only === null ? this.rows<{ config: string }>("SELECT config FROM spaces ORDER BY pos") : this.rows<{ config: string }>("SELECT config FROM spaces WHERE id = ?", only);
    return rows.map((r) => JSON.parse(r.config) as Space);
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

  /**
   * Spaces whose slot began in the window, in list order, and Spaces never seen before
   * (checked at once, so a new list shows state within a minute). A new Space gets its
   * state row now: a later tick will not take it for new again.
   */
  due(tickMs: number, previousMs: number, stretch = 1): PlannedSpace[] {
    // Numbers are bound as REAL: CAST makes the slot division an integer one. A stretched
    // Space keeps its offset and steps by its stretched interval (workers/usage/governor.ts).
    const t = Math.floor(tickMs / 1000);
    const p = Math.floor(previousMs / 1000);
    const rows = this.rows<{ config: string; known: string | null; hf_stage_at: number | null; hf_restart_at: number | null }>(
      `SELECT s.config, st.id AS known, st.hf_stage_at, st.hf_restart_at FROM spaces s LEFT JOIN state st ON st.id = s.id
       WHERE st.id IS NULL OR CAST((?1 - s.off) / ${CHECKED_EVERY_SQL} AS INTEGER) > CAST((?2 - s.off) / ${CHECKED_EVERY_SQL} AS INTEGER) ORDER BY s.pos`,
      t,
      p,
      stretch,
    );
    return rows.map((r) => {
      const space = JSON.parse(r.config) as Space;
      if (r.known === null) this.write("INSERT INTO state (id, state, streak) VALUES (?, 'unknown', 0)", space.id);
      const hfId = hfSpaceId(space);
      return {
        space,
        slot_key: `${space.id}@${slotOf(space, tickMs)}`,
        hf: hfId === null ? null : { id: hfId, stage_at: r.hf_stage_at, restart_at: r.hf_restart_at },
      };
    });
  }

  /** State rows with each Space's name and own thresholds (null: the defaults). */
  states(ids: string[]): Map<string, StateRow & SpaceFacts> {
    const rows = this.rows<StateRow & SpaceFacts>(
      `SELECT st.*, s.config ->> '$.name' AS name, s.config ->> '$.url' AS url, s.config ->> '$.down_after' AS down_after, s.config ->> '$.up_after' AS up_after,
         s.ivl AS interval_s, s.config ->> '$.expect_pingback' AS expect_pingback
       FROM state st JOIN spaces s ON s.id = st.id WHERE st.id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(ids),
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The share of checks (at unstretched intervals) that are non-critical Spaces': what the governor can slow. */
  nonCriticalShare(): number {
    const r = this.rows<{ every: number | null; nc: number | null }>("SELECT SUM(1.0 / ivl) AS every, SUM(CASE WHEN config ->> '$.critical' = 1 THEN 0 ELSE 1.0 / ivl END) AS nc FROM spaces")[0];
    return r === undefined || r.every === null || r.every === 0 ? 0 : (r.nc ?? 0) / r.every;
  }

  allStates(): Map<string, StateRow> {
    return new Map(this.rows<StateRow>("SELECT * FROM state").map((r) => [r.id, r]));
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
    if (done.length > 0) this.rowsWritten += accumulate(this.sql, tickMs, done) + logChecks(this.sql, tickMs, done);
    const transitions: Transition[] = [];
    for (const check of done) {
      const prev = before.get(check.id);
      if (prev === undefined) continue; // removed from the list while it was being checked
      const next = applyCheck(prev, check, { down_after: prev.down_after ?? defaults.down_after, up_after: prev.up_after ?? defaults.up_after });
      if (next.state !== prev.state) transitions.push({ id: check.id, name: prev.name, host: hostOf(prev.url), from: prev.state, to: next.state, at: check.at, error: check.error });
      if (STATE_COLUMNS.some((k) => next[k] !== prev[k])) {
        this.write(`INSERT OR REPLACE INTO state (${STATE_COLUMNS.join(", ")}) VALUES (${STATE_COLUMNS.map(() => "?").join(", ")})`, ...STATE_COLUMNS.map((k) => next[k]));
      }
    }
    this.rowsWritten += closeHours(this.sql, tickMs);
    const count = (o: string) => judged.filter((c) => c.outcome === o).length;
    const summary: TickSummary = { ...draft, up: count("up"), down: count("down"), waking: count("waking"), degraded: count("degraded") };
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
      attempts: t.attempts + done.reduce((n, c) => n + c.attempts, 0),
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

/** Only the state columns (rows read with joins carry more). */
function pick(row: StateRow): StateRow {
  return Object.fromEntries(STATE_COLUMNS.map((k) => [k, row[k]])) as unknown as StateRow;
}

export type { Row };
