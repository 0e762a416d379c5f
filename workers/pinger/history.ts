// Check history: a tick's results wait in one `ticks` row until their hour has ended; then
// the hour is rolled up, in SQL, into one `days` row per Space per day (counts for the day
// and, in `hours`, per hour). That is one row write per Space per hour at most, and none
// for a Space not checked that hour. Days older than HISTORY_DAYS are dropped.
import type { Row, SqlLike } from "./sql.js";

export const HISTORY_DAYS = 90;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One row per checked Space for the given hour, merged into that Space's day row. */
const ROLL_UP = `
INSERT INTO days (id, day, up, total, lat_sum, lat_n, hours, last_at, last_outcome, last_status, last_latency)
SELECT id, ?2, up, total, lat_sum, lat_n, json_object(?3, json_array(up, total)), last_at, last_outcome, last_status, last_latency
FROM (
  SELECT j.value->>0 AS id,
    SUM(j.value->>1 = 'up') AS up, COUNT(*) AS total,
    COALESCE(SUM(CASE WHEN j.value->>1 = 'up' THEN j.value->>3 END), 0) AS lat_sum,
    COUNT(CASE WHEN j.value->>1 = 'up' THEN j.value->>3 END) AS lat_n,
    MAX(j.value->>4) AS last_at, j.value->>1 AS last_outcome, j.value->>2 AS last_status, j.value->>3 AS last_latency
  FROM ticks t, json_each(t.data) j WHERE t.hour = ?1 GROUP BY 1
) WHERE true
ON CONFLICT (id, day) DO UPDATE SET
  up = up + excluded.up, total = total + excluded.total,
  lat_sum = lat_sum + excluded.lat_sum, lat_n = lat_n + excluded.lat_n,
  hours = json_patch(hours, excluded.hours),
  last_at = excluded.last_at, last_outcome = excluded.last_outcome,
  last_status = excluded.last_status, last_latency = excluded.last_latency`;

/** Rolls up every hour before the one `nowMs` falls in; returns rows written. */
export function closeHours(sql: SqlLike, nowMs: number): number {
  const current = Math.floor(nowMs / HOUR_MS);
  const hours = sql.exec("SELECT DISTINCT hour FROM ticks WHERE hour < ? ORDER BY hour", current).toArray() as { hour: number }[];
  let written = 0;
  for (const { hour } of hours) {
    written += sql.exec(ROLL_UP, hour, Math.floor(hour / 24), String(hour)).rowsWritten;
    written += sql.exec("DELETE FROM ticks WHERE hour = ?", hour).rowsWritten;
  }
  if (hours.length > 0) {
    written += sql.exec("DELETE FROM days WHERE day < ?", Math.floor(nowMs / DAY_MS) - (HISTORY_DAYS - 1)).rowsWritten;
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

export interface SpaceHistory {
  /** Keys: 24h, 7d, 30d, 90d. 24h is the last 24 clock hours (this one included); the others are whole UTC days (today included). */
  windows: Record<"24h" | "7d" | "30d" | "90d", Window>;
  /** Mean response time of good checks over the last 24 hours. */
  latency_24h_ms: number | null;
  last: LastCheck | null;
  /** Oldest first: the last 24 clock hours and the last 90 days, with this one included. */
  hours: Window[];
  days: Window[];
}

const empty = (): Window => ({ up: 0, total: 0 });

function newHistory(): SpaceHistory {
  return {
    windows: { "24h": empty(), "7d": empty(), "30d": empty(), "90d": empty() },
    latency_24h_ms: null,
    last: null,
    hours: Array.from({ length: 24 }, empty),
    days: Array.from({ length: HISTORY_DAYS }, empty),
  };
}

function add(w: Window, up: number, total: number): void {
  w.up += up;
  w.total += total;
}

/**
 * Every Space's history, from the rolled-up days plus the results still waiting in `ticks`.
 * Sums run in SQLite; JavaScript only walks one row per Space per day.
 */
export function readHistory(sql: SqlLike, nowMs: number): Map<string, SpaceHistory> {
  const today = Math.floor(nowMs / DAY_MS);
  const nowHour = Math.floor(nowMs / HOUR_MS);
  const out = new Map<string, SpaceHistory>();
  const get = (id: string) => {
    let h = out.get(id);
    if (h === undefined) out.set(id, (h = newHistory()));
    return h;
  };
  const latency = new Map<string, { sum: number; n: number }>();
  const addLatency = (id: string, sum: number, n: number) => {
    const l = latency.get(id) ?? { sum: 0, n: 0 };
    l.sum += sum;
    l.n += n;
    latency.set(id, l);
  };

  const days = sql.exec("SELECT id, day, up, total, lat_sum, lat_n, hours, last_at, last_outcome, last_status, last_latency FROM days WHERE day > ? ORDER BY day", today - HISTORY_DAYS).toArray() as Row[];
  for (const r of days) {
    const id = r.id as string;
    const day = r.day as number;
    const up = r.up as number;
    const total = r.total as number;
    const h = get(id);
    const age = today - day;
    if (age < 90) add(h.windows["90d"], up, total);
    if (age < 30) add(h.windows["30d"], up, total);
    if (age < 7) add(h.windows["7d"], up, total);
    const slot = h.days[HISTORY_DAYS - 1 - age];
    if (slot !== undefined) add(slot, up, total);
    if (age <= 1) {
      for (const [key, [hu, ht]] of Object.entries(JSON.parse(r.hours as string) as Record<string, [number, number]>)) {
        const hourAge = nowHour - Number(key);
        if (hourAge >= 0 && hourAge < 24) {
          add(h.windows["24h"], hu, ht);
          add(h.hours[23 - hourAge]!, hu, ht);
        }
      }
      // Latency is kept per day, not per hour: today's and yesterday's stand in for 24 h.
      addLatency(id, r.lat_sum as number, r.lat_n as number);
    }
    if (r.last_at !== null && (h.last === null || (r.last_at as number) > h.last.at)) {
      h.last = { at: r.last_at as number, outcome: r.last_outcome as string, status: r.last_status as number | null, latency_ms: r.last_latency as number | null };
    }
  }

  // Results not rolled up yet, by Space and hour.
  const pending = sql.exec(
    `SELECT j.value->>0 AS id, t.hour AS hour, SUM(j.value->>1 = 'up') AS up, COUNT(*) AS total,
       COALESCE(SUM(CASE WHEN j.value->>1 = 'up' THEN j.value->>3 END), 0) AS lat_sum,
       COUNT(CASE WHEN j.value->>1 = 'up' THEN j.value->>3 END) AS lat_n,
       MAX(j.value->>4) AS last_at, j.value->>1 AS last_outcome, j.value->>2 AS last_status, j.value->>3 AS last_latency
     FROM ticks t, json_each(t.data) j GROUP BY 1, 2`,
  ).toArray() as Row[];
  for (const r of pending) {
    const id = r.id as string;
    const up = r.up as number;
    const total = r.total as number;
    const h = get(id);
    const hourAge = nowHour - (r.hour as number);
    const dayAge = today - Math.floor((r.hour as number) / 24);
    if (dayAge < 90) add(h.windows["90d"], up, total);
    if (dayAge < 30) add(h.windows["30d"], up, total);
    if (dayAge < 7) add(h.windows["7d"], up, total);
    const day = h.days[HISTORY_DAYS - 1 - dayAge];
    if (day !== undefined) add(day, up, total);
    if (hourAge >= 0 && hourAge < 24) {
      add(h.windows["24h"], up, total);
      add(h.hours[23 - hourAge]!, up, total);
    }
    addLatency(id, r.lat_sum as number, r.lat_n as number);
    if (h.last === null || (r.last_at as number) > h.last.at) {
      h.last = { at: r.last_at as number, outcome: r.last_outcome as string, status: r.last_status as number | null, latency_ms: r.last_latency as number | null };
    }
  }
  for (const [id, l] of latency) if (l.n > 0) get(id).latency_24h_ms = Math.round(l.sum / l.n);
  return out;
}
