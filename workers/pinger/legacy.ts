// Stores made before the history's blocks (series.ts) kept a row per Space per day (`days`),
// one JSON row per hour (`hour_acc`) and a JSON check ring (`tick_checks`). Their history is
// carried over a slice a tick, oldest day first (one day's rows, or one hour, per tick, so no
// tick spends much past its own work); until it is done the uptime windows rest on the hours
// already in blocks. The old check ring is not carried over: a Space's page lists checks from
// the upgrade on.
import { DayBlock, HourBlock, shiftSeen, type DayRecord } from "./series.js";
import type { Row, SqlLike } from "./sql.js";

/** A legacy hour accumulator: [up, total, lat_sum, lat_n, last at, last outcome, last status, last latency, regions]. */
type Acc = [number, number, number, number, number, string, number | null, number | null, Record<string, [number, string, number | null, number | null]>?];

const exists = (sql: SqlLike, table: string) => sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length > 0;

/** Whether a legacy table is still there (cheap: the schema, not the rows). */
export function legacyLeft(sql: SqlLike): boolean {
  return exists(sql, "days") || exists(sql, "hour_acc") || exists(sql, "tick_checks");
}

/**
 * Carries one slice over; returns rows written. `slots`: each listed Space's slot (a Space no
 * longer listed has no slot: its old rows are dropped). Days first, oldest first, then hours;
 * then the old tables go, and `rolled_through` says which days the blocks hold.
 */
export function migrateSlice(sql: SqlLike, slots: Map<string, number>, onDayBlock: (day: number, block: DayBlock) => void, onHourBlock: (hour: number, block: HourBlock) => void, setRolled: (day: number) => void): number {
  let written = 0;
  if (exists(sql, "days")) {
    const first = sql.exec("SELECT MIN(day) AS d FROM days").toArray()[0]?.d as number | null;
    if (first !== null && first !== undefined) {
      const base = sql.exec("SELECT day, data FROM day_blocks WHERE day < ? ORDER BY day DESC LIMIT 1", first).toArray()[0];
      const prev = base === undefined ? null : new DayBlock(base.day as number, base.data as Uint8Array);
      const block = new DayBlock(first);
      const set = new Set<number>();
      for (const r of sql.exec("SELECT id, up, total, lat_sum, lat_n, cum_up, cum_total FROM days WHERE day = ?", first).toArray() as Row[]) {
        const slot = slots.get(r.id as string);
        if (slot === undefined) continue;
        const before = prev?.get(slot)?.seen ?? [0, 0, 0];
        const d: DayRecord = { up: r.up as number, total: r.total as number, lat_sum: r.lat_sum as number, lat_n: r.lat_n as number, cum_up: r.cum_up as number, cum_total: r.cum_total as number, seen: shiftSeen(before as [number, number, number], prev === null ? 96 : first - prev.day, (r.total as number) > 0) };
        block.set(slot, d);
        set.add(slot);
      }
      // A Space with no row that day keeps its totals and its days seen (shifted).
      if (prev !== null) {
        for (let slot = 0; slot < prev.slots; slot++) {
          if (set.has(slot)) continue;
          const p = prev.get(slot)!;
          block.set(slot, { ...p, up: 0, total: 0, lat_sum: 0, lat_n: 0, seen: shiftSeen(p.seen, first - prev.day, false) });
        }
      }
      written += sql.exec("INSERT OR IGNORE INTO day_blocks (day, bars, data) VALUES (?, ?, ?)", first, block.toBars(), block.toBlob()).rowsWritten;
      written += sql.exec("DELETE FROM days WHERE day = ?", first).rowsWritten;
      onDayBlock(first, block);
      setRolled(first);
      return written;
    }
    sql.exec("DROP TABLE days");
  }
  if (exists(sql, "hour_acc")) {
    const r = sql.exec("SELECT hour, data FROM hour_acc ORDER BY hour LIMIT 1").toArray()[0];
    if (r !== undefined) {
      const hour = r.hour as number;
      if (sql.exec("SELECT 1 FROM hours WHERE hour = ?", hour).toArray().length === 0) {
        const block = new HourBlock(hour);
        for (const [id, a] of Object.entries(JSON.parse(r.data as string) as Record<string, Acc>)) {
          const slot = slots.get(id);
          if (slot === undefined) continue;
          // The counts as they were (failures and the slowest were not kept then).
          block.put(slot, {
            up: a[0], total: a[1], checks: a[1], failed: 0, lat_sum: a[2], lat_n: a[3], lat_max: null, p50: null,
            last: a[4] > 0 ? { at: a[4], outcome: a[5], status: a[6], latency_ms: a[7], maintenance: false } : null,
          });
        }
        written += sql.exec("INSERT OR IGNORE INTO hours (hour, data, closed) VALUES (?, ?, 1)", hour, block.toBlob()).rowsWritten;
        onHourBlock(hour, block);
      }
      written += sql.exec("DELETE FROM hour_acc WHERE hour = ?", hour).rowsWritten;
      return written;
    }
    sql.exec("DROP TABLE hour_acc");
  }
  if (exists(sql, "tick_checks")) sql.exec("DROP TABLE tick_checks");
  return written;
}
