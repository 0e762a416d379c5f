// Each check as it was (outcome, status, latency, error, HF stage), for a Space's page: its
// last 50 checks and the hourly latency chart's medians. Kept without a row per check:
// - each tick writes its checks as one row of a ring of RING_SLOTS minute slots (binary
//   records sorted by Space slot, errors and stages beside them as JSON; a slot is overwritten
//   three hours later, so nothing is deleted);
// - when an hour ends its checks move, in slices of CHUNK Spaces, into `hour_log` rows (one
//   row per 128 Spaces per hour), and each Space's median latency of the hour goes into the
//   hour's block (series.ts). Rows are kept 48 hours.
// A Space's checks are found by binary search in each row, never by parsing other Spaces'.
import { outcomeCode, outcomeName, answered, HOUR_MS, type CheckFacts } from "./series.js";
import type { Row, SqlLike } from "./sql.js";

/** Minute slots: the hour being filled, the one being closed, and room to spare. */
export const RING_SLOTS = 180;
/** Spaces per hour_log row. */
export const CHUNK = 128;
/** How many checks the detail page lists. */
export const LAST_CHECKS = 50;

export const CHECK_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS ticks (slot INTEGER PRIMARY KEY, at INTEGER NOT NULL, data BLOB NOT NULL, notes TEXT);
CREATE TABLE IF NOT EXISTS hour_log (chunk INTEGER NOT NULL, hour INTEGER NOT NULL, data BLOB NOT NULL, notes TEXT, PRIMARY KEY (chunk, hour)) WITHOUT ROWID;`;

/** One check as the page lists it: [at ms, outcome, HTTP status, latency ms, error, HF stage read then, 1 when inside a maintenance window]. */
export type LoggedCheck = [number, string, number | null, number | null, string | null, string | null, 1?];

/** A check as a tick logs it: its Space's slot and what the page shows. */
export interface LogEntry extends CheckFacts {
  slot: number;
  error: string | null;
  stage: string | null;
}

// Record layout (12 bytes): slot u16, outcome u8, flags u8 (1: maintenance), at u32 (ms after the row's base), status u16, latency u16.
const SIZE = 12;
const NONE = 0xffff;

/** Encodes entries (sorted here by slot, then time) against `base` ms; notes by record index. */
function encode(entries: LogEntry[], base: number): { data: Uint8Array; notes: string | null } {
  const sorted = [...entries].sort((a, b) => a.slot - b.slot || a.at - b.at);
  const data = new Uint8Array(sorted.length * SIZE);
  const v = new DataView(data.buffer);
  const notes: Record<number, [string | null, string | null]> = {};
  sorted.forEach((e, i) => {
    const o = i * SIZE;
    v.setUint16(o, e.slot, true);
    v.setUint8(o + 2, outcomeCode(e.outcome));
    v.setUint8(o + 3, e.maintenance === true ? 1 : 0);
    v.setUint32(o + 4, Math.max(0, e.at - base), true);
    v.setUint16(o + 8, e.status ?? 0, true);
    v.setUint16(o + 10, e.latency_ms === null ? NONE : Math.min(NONE - 1, Math.round(e.latency_ms)), true);
    if (e.error !== null || e.stage !== null) notes[i] = [e.error, e.stage];
  });
  return { data, notes: Object.keys(notes).length === 0 ? null : JSON.stringify(notes) };
}

/** A stored row of records: a tick's, or one chunk of an hour's. */
export class LogRow {
  private readonly view: DataView;
  private parsedNotes: Record<string, [string | null, string | null]> | null = null;

  constructor(
    readonly base: number,
    readonly data: Uint8Array,
    private readonly notesText: string | null,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  static of(row: Row, base: number): LogRow {
    const d = row.data as unknown as ArrayBuffer | Uint8Array;
    return new LogRow(base, d instanceof Uint8Array ? d : new Uint8Array(d), (row.notes as string | null) ?? null);
  }

  get length(): number {
    return this.data.byteLength / SIZE;
  }

  slotAt(i: number): number {
    return this.view.getUint16(i * SIZE, true);
  }

  /** The index of the first record of `slot` (binary search), and how many it has. */
  find(slot: number): [number, number] {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.slotAt(mid) < slot) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.length && this.slotAt(end) === slot) end++;
    return [lo, end - lo];
  }

  entry(i: number): LogEntry {
    const o = i * SIZE;
    const v = this.view;
    const status = v.getUint16(o + 8, true);
    const latency = v.getUint16(o + 10, true);
    if (this.parsedNotes === null && this.notesText !== null) this.parsedNotes = JSON.parse(this.notesText) as Record<string, [string | null, string | null]>;
    const note = this.parsedNotes?.[i];
    return {
      slot: v.getUint16(o, true),
      outcome: outcomeName(v.getUint8(o + 2)),
      maintenance: (v.getUint8(o + 3) & 1) === 1,
      at: this.base + v.getUint32(o + 4, true),
      status: status === 0 ? null : status,
      latency_ms: latency === NONE ? null : latency,
      error: note?.[0] ?? null,
      stage: note?.[1] ?? null,
    };
  }

  /** Every entry of `slot`. */
  entriesOf(slot: number): LogEntry[] {
    const [i, n] = this.find(slot);
    return Array.from({ length: n }, (_, k) => this.entry(i + k));
  }

  all(): LogEntry[] {
    return Array.from({ length: this.length }, (_, i) => this.entry(i));
  }
}

export const asLogged = (e: LogEntry): LoggedCheck => {
  const c: LoggedCheck = [e.at, e.outcome, e.status, e.latency_ms, e.error, e.stage];
  if (e.maintenance === true) c.push(1);
  return c;
};

/**
 * Writes one tick's checks as its ring slot's row; returns rows written (1, none for no
 * checks). Two ticks in one minute (an alarm tick beside a late cron) share the slot: merged.
 */
export function logTick(sql: SqlLike, tickMs: number, entries: LogEntry[], ring: Map<number, LogRow>): number {
  if (entries.length === 0) return 0;
  const minute = Math.floor(tickMs / 60_000);
  const slot = minute % RING_SLOTS;
  const before = ring.get(slot) ?? readRing(sql, slot);
  const merged = before !== null && Math.floor(before.base / 60_000) === minute ? [...before.all(), ...entries] : entries;
  const base = minute * 60_000;
  const { data, notes } = encode(merged, base);
  ring.set(slot, new LogRow(base, data, notes));
  return sql.exec("INSERT OR REPLACE INTO ticks (slot, at, data, notes) VALUES (?, ?, ?, ?)", slot, base, data, notes).rowsWritten;
}

function readRing(sql: SqlLike, slot: number): LogRow | null {
  const row = sql.exec("SELECT at, data, notes FROM ticks WHERE slot = ?", slot).toArray()[0];
  return row === undefined ? null : LogRow.of(row, row.at as number);
}

/** The ring's rows from `fromMs` on, oldest first, kept in `ring` (a row never changes but for its own minute). */
export function ringSince(sql: SqlLike, fromMs: number, ring: Map<number, LogRow>): LogRow[] {
  // The rows' times tell which are current; memory holds what was read or written before.
  const rows = sql.exec("SELECT slot, at FROM ticks WHERE at >= ? ORDER BY at", fromMs).toArray();
  return rows.map((r) => {
    const slot = r.slot as number;
    const known = ring.get(slot);
    if (known !== undefined && known.base === r.at) return known;
    const read = readRing(sql, slot)!;
    ring.set(slot, read);
    return read;
  });
}

/**
 * Closes part of an hour: from chunk `from` on, until `budget` checks are moved or the hour's
 * `chunks` are done, each chunk's checks move from the ring into an `hour_log` row and
 * `median(slot, p50)` is told each Space's median latency of the hour. An empty chunk costs a
 * binary search per ring row. Returns rows written and the next chunk to close.
 */
export function closeChunks(sql: SqlLike, hour: number, rows: LogRow[], from: number, chunks: number, budget: number, median: (slot: number, p50: number | null) => void): { written: number; next: number } {
  const start = hour * HOUR_MS;
  const end = start + HOUR_MS;
  const mine = rows.filter((r) => r.base >= start && r.base < end);
  let written = 0;
  let chunk = from;
  for (; chunk < chunks && budget > 0; chunk++) {
    const lo = chunk * CHUNK;
    const hi = lo + CHUNK;
    const bySlot = new Map<number, LogEntry[]>();
    for (const row of mine) {
      for (let [i] = row.find(lo); i < row.length && row.slotAt(i) < hi; i++) {
        const e = row.entry(i);
        const list = bySlot.get(e.slot);
        if (list === undefined) bySlot.set(e.slot, [e]);
        else list.push(e);
      }
    }
    const entries: LogEntry[] = [];
    for (const [slot, list] of bySlot) {
      entries.push(...list);
      const lat = list.filter((e) => answered(e.outcome) && e.latency_ms !== null).map((e) => e.latency_ms!).sort((a, b) => a - b);
      median(slot, lat.length === 0 ? null : lat[Math.floor((lat.length - 1) / 2)]!);
    }
    budget -= entries.length;
    if (entries.length === 0) continue;
    const { data, notes } = encode(entries, start);
    written += sql.exec("INSERT OR REPLACE INTO hour_log (hour, chunk, data, notes) VALUES (?, ?, ?, ?)", hour, chunk, data, notes).rowsWritten;
  }
  return { written, next: chunk };
}

/**
 * A Space's logged checks, newest first, at most `limit`: the ring's (hours not closed yet,
 * from `openFromMs`), then closed hours' hour_log rows back to `sinceMs`.
 */
export function recentChecks(sql: SqlLike, slot: number, openRows: LogRow[], openFromMs: number, sinceMs: number, limit = LAST_CHECKS): LoggedCheck[] {
  const out: LogEntry[] = [];
  for (let k = openRows.length - 1; k >= 0; k--) {
    const row = openRows[k]!;
    if (row.base < openFromMs) continue;
    out.push(...row.entriesOf(slot).reverse());
  }
  if (out.length < limit) {
    const chunk = Math.floor(slot / CHUNK);
    const rows = sql.exec("SELECT hour, data, notes FROM hour_log WHERE chunk = ? AND hour >= ? AND hour < ? ORDER BY hour DESC", chunk, Math.floor(sinceMs / HOUR_MS), Math.floor(openFromMs / HOUR_MS)).toArray();
    for (const r of rows) {
      out.push(...LogRow.of(r, (r.hour as number) * HOUR_MS).entriesOf(slot).reverse());
      if (out.length >= limit) break;
    }
  }
  return out.sort((a, b) => b.at - a.at).slice(0, limit).map(asLogged);
}

/** The median latency of a Space's answered checks in `rows` within [from, to); null when none. */
export function medianIn(rows: LogRow[], slot: number, from: number, to: number): number | null {
  const lat: number[] = [];
  for (const row of rows) {
    if (row.base < from || row.base >= to) continue;
    for (const e of row.entriesOf(slot)) if (answered(e.outcome) && e.latency_ms !== null) lat.push(e.latency_ms);
  }
  lat.sort((a, b) => a - b);
  return lat.length === 0 ? null : lat[Math.floor((lat.length - 1) / 2)]!;
}

/**
 * The latency chart's definition from the checks themselves: the last 24 clock hours, oldest
 * first, each with its checks, failures, and the median and slowest of the answered ones. The
 * store draws the same from its hour blocks (history.ts chart()); tests hold one to the other.
 */
export function hourly(checks: LoggedCheck[], nowMs: number): { hour: number; checks: number; failed: number; p50_ms: number | null; max_ms: number | null }[] {
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
