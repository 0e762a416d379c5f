// Check history. Each tick adds its results to one accumulator row per clock hour (per
// Space: checks, good checks, latency sum, last result), so a tick writes one history row
// whatever its size and no JSON is grouped in SQL. An hour's row stays after the hour (with
// its checks copied in), and once the UTC day has ended its hours are rolled up, in one
// statement, into one `days` row per Space per day: one row write per Space per day. Days
// older than HISTORY_DAYS are dropped. Each day row also carries running totals (cum_up,
// cum_total: every check up to that day), so an uptime window is two index lookups per
// Space, not a scan of 90 days of rows; the last 24 hours are read from the hour rows.
import { HOUR_CHECKS_CTE } from "./check-log.js";
import type { Row, SqlLike } from "./sql.js";
import type { SpaceCheck } from "./types.js";

export const HISTORY_DAYS = 90;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Per region: [at, outcome, status, latency] of its latest check. */
export type RegionLast = [number, string, number | null, number | null];

/**
 * Per Space in an hour: [good checks, checks, latency sum of good checks, their count, last at,
 * last outcome, last status, last latency, latest check per region (with PING_REGIONS)].
 */
type Acc = [number, number, number, number, number, string, number | null, number | null, Record<string, RegionLast>?];

/**
 * Good for uptime: it answered (degraded answers from one region, or without pinging back; the
 * state shows that). Checks inside a maintenance window count for nothing either way.
 */
const answered = (c: SpaceCheck) => c.outcome === "up" || c.outcome === "degraded";

/** Adds one tick's results to its hour's accumulator; returns rows written (1). */
export function accumulate(sql: SqlLike, tickMs: number, checks: SpaceCheck[]): number {
  const hour = Math.floor(tickMs / HOUR_MS);
  const row = sql.exec("SELECT data FROM hour_acc WHERE hour = ?", hour).toArray()[0];
  const acc = (row === undefined ? {} : JSON.parse(row.data as string)) as Record<string, Acc>;
  for (const c of checks) {
    const a = acc[c.id] ?? [0, 0, 0, 0, 0, "", null, null];
    const up = answered(c);
    if (c.maintenance !== true) {
      a[0] += up ? 1 : 0;
      a[1] += 1;
    }
    if (c.regions !== undefined) {
      const regions = (a[8] ??= {});
      for (const r of c.regions) if (r.at >= (regions[r.region]?.[0] ?? 0)) regions[r.region] = [r.at, r.outcome, r.status, r.latency_ms];
    }
    if (up && c.latency_ms !== null) {
      a[2] += c.latency_ms;
      a[3] += 1;
    }
    if (c.at >= a[4]) {
      a[4] = c.at;
      a[5] = c.outcome;
      a[6] = c.status;
      a[7] = c.latency_ms;
    }
    acc[c.id] = a;
  }
  return sql.exec("INSERT OR REPLACE INTO hour_acc (hour, data) VALUES (?, ?)", hour, JSON.stringify(acc)).rowsWritten;
}

/**
 * A closed hour keeps its row: its checks are copied from the tick ring (check-log.ts) into
 * the row's `detail` (one JSON object, Space id to its checks as text), one row written.
 * ?1 the hour; ?4 and ?5 its span in ms (the CTE's parameters).
 */
const FILL_DETAIL = `
WITH ${HOUR_CHECKS_CTE}
UPDATE hour_acc SET detail = COALESCE((SELECT json_group_object(id, list) FROM hour_checks), '{}') WHERE hour = ?1`;

/**
 * A whole UTC day's hour rows into one `days` row per Space, once, after the day ends: ?1 the
 * day, ?2 and ?3 its first and next day's first hour. The last check is the row holding the
 * day's latest (SQLite takes bare columns from the MAX() row); regions carry the previous
 * day's forward, patched with that last check's (the hour rows keep every region's latest
 * for the 24-48 h they are kept, which is what the pages read).
 */
const ROLL_UP_DAY = `
INSERT INTO days (id, day, up, total, lat_sum, lat_n, hours, cum_up, cum_total, last_at, last_outcome, last_status, last_latency, regions, detail)
SELECT a.id, ?1, a.up, a.total, a.lat_sum, a.lat_n, '{}',
  COALESCE((SELECT p.cum_up FROM days p WHERE p.id = a.id AND p.day < ?1 ORDER BY p.day DESC LIMIT 1), 0) + a.up,
  COALESCE((SELECT p.cum_total FROM days p WHERE p.id = a.id AND p.day < ?1 ORDER BY p.day DESC LIMIT 1), 0) + a.total,
  a.last_at, a.last_outcome, a.last_status, a.last_latency,
  CASE WHEN a.regions IS NULL THEN (SELECT p.regions FROM days p WHERE p.id = a.id AND p.day < ?1 ORDER BY p.day DESC LIMIT 1)
    ELSE json_patch(COALESCE((SELECT p.regions FROM days p WHERE p.id = a.id AND p.day < ?1 ORDER BY p.day DESC LIMIT 1), '{}'), a.regions) END,
  NULL
FROM (
  SELECT j.key AS id, SUM(j.value->>0) AS up, SUM(j.value->>1) AS total, SUM(j.value->>2) AS lat_sum, SUM(j.value->>3) AS lat_n,
    MAX(j.value->>4) AS last_at, j.value->>5 AS last_outcome, j.value->>6 AS last_status, j.value->>7 AS last_latency, j.value->8 AS regions
  FROM hour_acc h CROSS JOIN json_each(h.data) j WHERE h.hour >= ?2 AND h.hour < ?3 AND h.rolled = 0 GROUP BY j.key) a
WHERE true
ON CONFLICT (id, day) DO UPDATE SET
  up = up + excluded.up, total = total + excluded.total,
  cum_up = cum_up + excluded.up, cum_total = cum_total + excluded.total,
  lat_sum = lat_sum + excluded.lat_sum, lat_n = lat_n + excluded.lat_n,
  last_at = CASE WHEN excluded.last_at >= COALESCE(last_at, 0) THEN excluded.last_at ELSE last_at END,
  last_outcome = CASE WHEN excluded.last_at >= COALESCE(last_at, 0) THEN excluded.last_outcome ELSE last_outcome END,
  last_status = CASE WHEN excluded.last_at >= COALESCE(last_at, 0) THEN excluded.last_status ELSE last_status END,
  last_latency = CASE WHEN excluded.last_at >= COALESCE(last_at, 0) THEN excluded.last_latency ELSE last_latency END,
  regions = CASE WHEN excluded.regions IS NULL THEN regions ELSE json_patch(COALESCE(regions, '{}'), excluded.regions) END`;

/**
 * Closes what has ended; returns rows written. An hour's row gets its checks (1 row); a day's
 * hour rows are rolled into `days` once, after 00:00 UTC (one row per Space checked that day),
 * and marked rolled (24 rows). Hour rows are kept 24-48 h (the pages' last 24 hours read
 * them), then deleted with the day rows past HISTORY_DAYS. Rolling up once a day, not once an
 * hour, is 24x fewer day rows: at 5,000 Spaces, 5,000 a day instead of 120,000.
 */
export function closeHours(sql: SqlLike, nowMs: number): number {
  const current = Math.floor(nowMs / HOUR_MS);
  const today = Math.floor(nowMs / DAY_MS);
  let written = 0;
  for (const { hour } of sql.exec("SELECT hour FROM hour_acc WHERE hour < ? AND detail IS NULL ORDER BY hour", current).toArray() as { hour: number }[]) {
    written += sql.exec(FILL_DETAIL, hour, null, null, hour * HOUR_MS, (hour + 1) * HOUR_MS).rowsWritten;
  }
  const days = sql.exec("SELECT DISTINCT hour / 24 AS day FROM hour_acc WHERE rolled = 0 AND hour < ? ORDER BY day", today * 24).toArray() as { day: number }[];
  for (const { day } of days) {
    written += sql.exec(ROLL_UP_DAY, day, day * 24, (day + 1) * 24).rowsWritten;
    written += sql.exec("UPDATE hour_acc SET rolled = 1 WHERE hour >= ? AND hour < ? AND rolled = 0", day * 24, (day + 1) * 24).rowsWritten;
  }
  if (days.length > 0) {
    // Yesterday's hours stay (the last 24 hours are read from them); older ones go.
    written += sql.exec("DELETE FROM hour_acc WHERE hour < ? AND rolled = 1", (today - 1) * 24).rowsWritten;
    written += sql.exec("DELETE FROM days WHERE day < ?", today - (HISTORY_DAYS - 1)).rowsWritten;
    // Day rows from before the daily roll-up carried hours and checks; emptied after two days.
    written += sql.exec("UPDATE days SET hours = '{}', detail = NULL WHERE day < ? AND (hours <> '{}' OR detail IS NOT NULL)", today - 1).rowsWritten;
  }
  return written;
}

export interface Window {
  up: number;
  total: number;
}

export interface LastCheck {
  at: number;
  outcome: string;
  status: number | null;
  latency_ms: number | null;
}

export type WindowKey = "24h" | "7d" | "30d" | "90d";

export interface SpaceHistory {
  /** 24h is the last 24 clock hours (this one included); the others whole UTC days (today included). */
  windows: Record<WindowKey, Window>;
  /** Mean response time of good checks today and yesterday (latency is kept per day). */
  latency_24h_ms: number | null;
  last: LastCheck | null;
  /** Oldest first, the current hour last. */
  hours: Window[];
  /** The UTC day of the oldest check kept (what "monitoring since" means), as a day number. */
  first_day: number | null;
  /** With PING_REGIONS: each region's latest check (a region that only confirms failures checks seldom). */
  regions: Record<string, RegionLast>;
}

const empty = (): Window => ({ up: 0, total: 0 });

function add(w: Window, up: number, total: number): void {
  w.up += up;
  w.total += total;
}

/**
 * Every Space's uptime windows, hourly bars for 24 h and last check, from the day rows
 * (summed in SQLite) and the accumulators of hours not rolled up yet; `only`: one Space's.
 */
export function readHistory(sql: SqlLike, nowMs: number, only: string | null = null): Map<string, SpaceHistory> {
  const today = Math.floor(nowMs / DAY_MS);
  const nowHour = Math.floor(nowMs / HOUR_MS);
  const out = new Map<string, SpaceHistory>();
  const latency = new Map<string, [number, number]>();
  const get = (id: string) => {
    let h = out.get(id);
    if (h === undefined) {
      h = { windows: { "24h": empty(), "7d": empty(), "30d": empty(), "90d": empty() }, latency_24h_ms: null, last: null, hours: Array.from({ length: 24 }, empty), first_day: null, regions: {} };
      out.set(id, h);
    }
    return h;
  };
  const seen = (h: SpaceHistory, at: unknown, outcome: unknown, status: unknown, lat: unknown) => {
    if (typeof at === "number" && at > 0 && (h.last === null || at > h.last.at)) h.last = { at, outcome: String(outcome), status: status as number | null, latency_ms: lat as number | null };
  };
  const regionsSeen = (h: SpaceHistory, regions: Record<string, RegionLast> | undefined) => {
    for (const [region, last] of Object.entries(regions ?? {})) if (last[0] >= (h.regions[region]?.[0] ?? 0)) h.regions[region] = last;
  };
  const firstDay = (h: SpaceHistory, day: number) => {
    if (h.first_day === null || day < h.first_day) h.first_day = day;
  };
  const addLatency = (id: string, sum: number, n: number) => {
    const l = latency.get(id) ?? [0, 0];
    latency.set(id, [l[0] + sum, l[1] + n]);
  };

  // Running totals at the latest day row, and at the latest row before each window began:
  // the difference is the window. Point lookups on the (id, day) key, per listed Space
  // (CROSS JOIN keeps SQLite from scanning every day row instead: 130 ms -> 16 ms at 2,000).
  const before = (col: string, cut: number) => `COALESCE((SELECT p.${col} FROM days p WHERE p.id = d.id AND p.day < ${cut} ORDER BY p.day DESC LIMIT 1), 0)`;
  const cols = (name: string, cut: number) => `${before("cum_up", cut)} AS ${name}_up, ${before("cum_total", cut)} AS ${name}_total`;
  const latest = sql
    .exec(
      `SELECT d.id, d.cum_up, d.cum_total, d.last_at, d.last_outcome, d.last_status, d.last_latency, d.regions,
         (SELECT MIN(f.day) FROM days f WHERE f.id = s.id) AS first_day,
         ${cols("w7", today - 6)}, ${cols("w30", today - 29)}, ${cols("w90", today - (HISTORY_DAYS - 1))}
       FROM spaces s CROSS JOIN days d WHERE d.id = s.id AND d.day = (SELECT MAX(m.day) FROM days m WHERE m.id = s.id)${only === null ? "" : " AND s.id = ?"}`,
      ...(only === null ? [] : [only]),
    )
    .toArray() as Row[];
  for (const r of latest) {
    const h = get(r.id as string);
    const upTo = (name: string): [number, number] => [(r.cum_up as number) - (r[`${name}_up`] as number), (r.cum_total as number) - (r[`${name}_total`] as number)];
    add(h.windows["7d"], ...upTo("w7"));
    add(h.windows["30d"], ...upTo("w30"));
    add(h.windows["90d"], ...upTo("w90"));
    seen(h, r.last_at, r.last_outcome, r.last_status, r.last_latency);
    if (r.regions !== null) regionsSeen(h, JSON.parse(r.regions as string) as Record<string, RegionLast>);
    firstDay(h, r.first_day as number);
  }
  const recent = `SELECT d.id, d.hours, d.lat_sum, d.lat_n FROM spaces s CROSS JOIN days d WHERE d.id = s.id AND d.day >= ? AND d.hours <> '{}'${only === null ? "" : " AND s.id = ?"}`;
  // Day rows written before the daily roll-up carry their hours (and latency) themselves.
  for (const r of sql.exec(recent, today - 1, ...(only === null ? [] : [only])).toArray() as Row[]) {
    const h = get(r.id as string);
    for (const [key, [up, total]] of Object.entries(JSON.parse(r.hours as string) as Record<string, [number, number]>)) {
      const age = nowHour - Number(key);
      if (age >= 0 && age < 24) {
        add(h.windows["24h"], up, total);
        add(h.hours[23 - age]!, up, total);
      }
    }
    addLatency(r.id as string, r.lat_sum as number, r.lat_n as number);
  }
  // Hour rows: the last 24-48 hours. Rolled ones are in the day rows' totals already.
  for (const r of sql.exec("SELECT hour, data, rolled FROM hour_acc").toArray() as Row[]) {
    const hour = r.hour as number;
    const age = nowHour - hour;
    const dayAge = today - Math.floor(hour / 24);
    const open = r.rolled === 0;
    for (const [id, a] of Object.entries(JSON.parse(r.data as string) as Record<string, Acc>)) {
      if (only !== null && id !== only) continue;
      const h = get(id);
      if (open && dayAge < 7) add(h.windows["7d"], a[0], a[1]);
      if (open && dayAge < 30) add(h.windows["30d"], a[0], a[1]);
      if (open && dayAge < HISTORY_DAYS) add(h.windows["90d"], a[0], a[1]);
      if (age >= 0 && age < 24) {
        add(h.windows["24h"], a[0], a[1]);
        add(h.hours[23 - age]!, a[0], a[1]);
      }
      addLatency(id, a[2], a[3]);
      seen(h, a[4], a[5], a[6], a[7]);
      regionsSeen(h, a[8]);
      if (open && a[1] > 0) firstDay(h, Math.floor(hour / 24));
    }
  }
  for (const [id, [sum, n]] of latency) if (n > 0) get(id).latency_24h_ms = Math.round(sum / n);
  return out;
}

/**
 * One bar per day for the last HISTORY_DAYS days, oldest first (the status page's 90-day
 * chart), for the Spaces in `ids`: rolled-up days plus the hours not rolled up yet.
 */
export function readDailyBars(sql: SqlLike, nowMs: number, ids: string[]): Map<string, Window[]> {
  const today = Math.floor(nowMs / DAY_MS);
  const first = today - (HISTORY_DAYS - 1);
  const out = new Map<string, Window[]>();
  const bar = (id: string, day: number): Window | undefined => {
    if (day < first || day > today) return undefined;
    let bars = out.get(id);
    if (bars === undefined) {
      bars = Array.from({ length: HISTORY_DAYS }, () => ({ up: 0, total: 0 }));
      out.set(id, bars);
    }
    return bars[day - first];
  };
  // Only the Spaces asked for (a status page draws bars for at most a few dozen): 90 rows each.
  const wanted = new Set(ids);
  const query = "SELECT d.id, d.day, d.up, d.total FROM json_each(?) j CROSS JOIN days d WHERE d.id = j.value AND d.day >= ?";
  for (const r of sql.exec(query, JSON.stringify(ids), first).toArray() as Row[]) {
    const b = bar(r.id as string, r.day as number);
    if (b !== undefined) {
      b.up += r.up as number;
      b.total += r.total as number;
    }
  }
  for (const r of sql.exec("SELECT hour, data FROM hour_acc WHERE rolled = 0").toArray() as Row[]) {
    const day = Math.floor((r.hour as number) / 24);
    for (const [id, a] of Object.entries(JSON.parse(r.data as string) as Record<string, Acc>)) {
      if (!wanted.has(id)) continue;
      const b = bar(id, day);
      if (b !== undefined) {
        b.up += a[0];
        b.total += a[1];
      }
    }
  }
  return out;
}
