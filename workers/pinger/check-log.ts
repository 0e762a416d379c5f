// Each check as it was (outcome, status, latency, error, HF stage), for a Space's detail page
// (/spaces/{id}): its last 50 checks and its hourly latency chart (p50 and max, failures).
// The hour accumulator (history.ts) keeps counts only; this log keeps the checks themselves
// without a row per check:
// - each tick writes its checks as one row of a ring of RING_SLOTS minute slots (one upsert a
//   tick whatever its size; a slot is overwritten three hours later, so nothing is deleted);
// - when an hour ends, its checks are copied from the ring into the hour's own accumulator
//   row (`detail`: Space id to its checks as text; history.ts FILL_DETAIL), one row an hour.
//   Hour rows are kept 24-48 h, so the detail page's last 24 hours read from them.
import type { Row, SqlLike } from "./sql.js";
import type { SpaceCheck } from "./types.js";

/** Minute slots: the hour being filled, the one waiting to be rolled up, and room to spare. */
export const RING_SLOTS = 180;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How many checks the detail page lists. */
export const LAST_CHECKS = 50;

export const CHECK_LOG_SCHEMA = `CREATE TABLE IF NOT EXISTS tick_checks (slot INTEGER PRIMARY KEY, at INTEGER NOT NULL, data TEXT NOT NULL);`;

/** One check: [at ms, outcome, HTTP status, latency ms, error, HF stage read then, 1 when inside a maintenance window]. */
export type LoggedCheck = [number, string, number | null, number | null, string | null, string | null, 1?];

/** One hour of one Space's checks as the chart draws it. */
export interface HourLatency {
  /** Start of the hour (ms). */
  hour: number;
  checks: number;
  /** Checks that found it down or waking (degraded answers, so it is not a failure here). */
  failed: number;
  /** Over the checks that answered with a latency; null when none did. */
  p50_ms: number | null;
  max_ms: number | null;
}

function entry(c: SpaceCheck): LoggedCheck {
  const e: LoggedCheck = [c.at, c.outcome, c.status, c.latency_ms, c.error, c.hf?.stage ?? null];
  if (c.maintenance === true) e.push(1);
  return e;
}

/** Writes one tick's checks as its ring slot's row; returns rows written (1, none for no checks). */
export function logChecks(sql: SqlLike, tickMs: number, checks: SpaceCheck[]): number {
  if (checks.length === 0) return 0;
  const minute = Math.floor(tickMs / 60_000);
  const data = JSON.stringify(Object.fromEntries(checks.map((c) => [c.id, entry(c)])));
  // Two ticks in one minute (an alarm tick beside a late cron) share the slot: merged.
  return sql.exec(
    `INSERT INTO tick_checks (slot, at, data) VALUES (?1, ?2, ?3)
     ON CONFLICT (slot) DO UPDATE SET data = CASE WHEN at / 60000 = ?2 / 60000 THEN json_patch(data, ?3) ELSE ?3 END, at = ?2`,
    minute % RING_SLOTS,
    tickMs,
    data,
  ).rowsWritten;
}

/**
 * Each Space's checks of the hour [from, to) as JSON arrays joined by commas, from the ring
 * (a CTE of history.ts's FILL_DETAIL, bound as ?4 and ?5): text copied, not parsed.
 */
export const HOUR_CHECKS_CTE = `hour_checks AS MATERIALIZED (
  SELECT j.key AS id, group_concat(j.value, ',') AS list FROM tick_checks t, json_each(t.data) j
  WHERE t.at >= ?4 AND t.at < ?5 GROUP BY j.key)`;

/** `detail` (checks joined by commas) as a list. */
const parseDetail = (text: string) => JSON.parse(`[${text}]`) as LoggedCheck[];

/**
 * The logged checks of the Spaces in `ids` (today's and yesterday's, and the ring's hours not
 * rolled up yet), newest first: one pass over the ring for all of them.
 */
export function readRecentChecks(sql: SqlLike, nowMs: number, ids: string[]): Map<string, LoggedCheck[]> {
  const out = new Map<string, LoggedCheck[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const today = Math.floor(nowMs / DAY_MS);
  const wanted = JSON.stringify(ids);
  // Day rows from before the daily roll-up kept their checks themselves.
  for (const r of sql.exec("SELECT d.id, d.detail FROM json_each(?) k CROSS JOIN days d WHERE d.id = k.value AND d.day >= ? AND d.detail IS NOT NULL", wanted, today - 1).toArray() as Row[]) {
    out.get(r.id as string)!.push(...parseDetail(r.detail as string));
  }
  // Closed hours: each Space's checks in its hour row (the label after ->> is the Space id).
  const since = (Math.floor(nowMs / HOUR_MS) - 47) * HOUR_MS;
  for (const r of sql.exec("SELECT k.value AS id, h.detail ->> k.value AS list FROM json_each(?) k CROSS JOIN hour_acc h WHERE h.detail IS NOT NULL AND h.hour >= ?", wanted, since / HOUR_MS).toArray() as Row[]) {
    if (typeof r.list === "string" && r.list !== "") out.get(r.id as string)!.push(...parseDetail(r.list));
  }
  // Hours not closed yet are still only in the ring.
  const oldestOpen = (sql.exec("SELECT MIN(hour) AS h FROM hour_acc WHERE detail IS NULL").toArray()[0]?.h as number | null) ?? Math.floor(nowMs / HOUR_MS);
  const ring = sql.exec("SELECT j.key AS id, j.value AS c FROM tick_checks t, json_each(t.data) j WHERE t.at >= ? AND j.key IN (SELECT value FROM json_each(?))", oldestOpen * HOUR_MS, wanted).toArray() as Row[];
  for (const r of ring) out.get(r.id as string)!.push(JSON.parse(r.c as string) as LoggedCheck);
  for (const list of out.values()) list.sort((a, b) => b[0] - a[0]);
  return out;
}

/** The last 24 clock hours (this one included), oldest first. */
export function hourly(checks: LoggedCheck[], nowMs: number): HourLatency[] {
  const first = (Math.floor(nowMs / HOUR_MS) - 23) * HOUR_MS;
  const hours = Array.from({ length: 24 }, (_, i) => ({ hour: first + i * HOUR_MS, latencies: [] as number[], checks: 0, failed: 0 }));
  for (const [at, outcome, , latency] of checks) {
    const h = hours[Math.floor((at - first) / HOUR_MS)];
    if (h === undefined) continue;
    h.checks += 1;
    if (outcome === "down" || outcome === "waking") h.failed += 1;
    else if (latency !== null) h.latencies.push(latency);
  }
  return hours.map(({ hour, latencies, checks, failed }) => {
    latencies.sort((a, b) => a - b);
    return { hour, checks, failed, p50_ms: latencies.length === 0 ? null : latencies[Math.floor((latencies.length - 1) / 2)]!, max_ms: latencies.length === 0 ? null : latencies[latencies.length - 1]! };
  });
}
