// Check history, in blocks of binary records (series.ts), one record per Space slot:
// - each tick adds its checks to the current hour's block (one row written a tick, whatever
//   the number of Spaces; with PING_REGIONS each region's latest check rides in the same row);
// - an ended hour is closed in slices, about 3,000 checks a step (its checks move to hour_log
//   and each Space's median latency into the block: check-log.ts);
// - once every hour of a UTC day is closed, the day becomes one block of every Space's counts,
//   running totals and which days had checks (one row a day: an uptime window is a difference
//   of two running totals, "monitoring since" a bit scan);
// - this upkeep runs a step at a time after a tick, in a request of its own (settle, SpaceStore.maintain);
// - each closed hour also brings every Space's recent figures up to date in one "recent" block
//   (its last 23 hours, today and yesterday so far, its last check), so a reader needs that
//   block and the hour blocks since, not 24 of them;
// - hour blocks are kept 48 hours, days 90 (and the newest older one, as a window's base).
// Blocks that no longer change are kept in memory once read, so a reader decodes only the
// records of the Spaces it shows: its cost follows the page, not the list or the days kept.
import { CHECK_LOG_SCHEMA, CHUNK, closeChunks, LogRow, medianIn, recentChecks, RING_SLOTS, ringSince, logTick, type LogEntry, type LoggedCheck } from "./check-log.js";
import { answered, barOf, barSlice, DAY_MS, DayBlock, dayRecordOf, daySlice, HOUR_MS, HourBlock, hourRecordOf, hourSlice, oldestSeen, RecentBlock, RegionBlock, shiftSeen, type DayRecord, type HourRecord, type RecentRecord, type RegionLatest } from "./series.js";
import type { Row, SqlLike } from "./sql.js";
import type { SpaceCheck } from "./types.js";

export const HISTORY_DAYS = 90;
/** Hour blocks and hour_log rows are kept this long. */
const KEEP_HOURS = 48;
/**
 * Checks moved from the ring per tick when hours close: an hour of 5,000 Spaces on 5 minutes
 * (60,000 checks) closes over 20 ticks, each about 2 ms more than a steady one (bench:limits).
 */
const CLOSE_CHECKS = 3_000;
/** Spaces a roll-up step sums a day for (24 hour records each): about 2,000 a step at 5,000 Spaces (bench:limits). */
const ROLL_SLOTS = 2_000;

/** A day being rolled up, a slice of Spaces a step (rollUpStep). */
interface Rolling {
  block: DayBlock;
  base: DayBlock | null;
  hours: HourBlock[];
  slots: number;
  gap: number;
  next: number;
}

export const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS hours (hour INTEGER PRIMARY KEY, data BLOB NOT NULL, regions BLOB, region_names TEXT, closed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS day_blocks (day INTEGER PRIMARY KEY, bars BLOB NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS recent (hour INTEGER PRIMARY KEY, data BLOB NOT NULL, regions BLOB, region_names TEXT);
${CHECK_LOG_SCHEMA}`;

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

/** Per region: [at, outcome, status, latency] of its latest check. */
export type RegionLast = [number, string, number | null, number | null];

export interface SpaceHistory {
  /** 24h is the last 24 clock hours (this one included); the others whole UTC days (today included). */
  windows: Record<WindowKey, Window>;
  /** Mean response time of good checks today and yesterday. */
  latency_24h_ms: number | null;
  last: LastCheck | null;
  /** The UTC day of the oldest check kept (what "monitoring since" means), as a day number. */
  first_day: number | null;
  /** With PING_REGIONS: each region's latest check in the last 48 hours. */
  regions: Record<string, RegionLast>;
}

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


const empty = (): Window => ({ up: 0, total: 0 });
const WINDOW_DAYS = [["7d", 7], ["30d", 30], ["90d", HISTORY_DAYS]] as const;
const blob = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer));

/** The store's meta rows, read once and kept (ledger.ts owns them: one cache, one writer). */
export interface HistoryMeta {
  get<T>(key: string): T | null;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export class History {
  private readonly hourBlocks = new Map<number, HourBlock | null>();
  private readonly regionBlocks = new Map<number, RegionBlock | null>();
  private readonly dayBlocks = new Map<number, DayBlock | null>();
  /** The latest recent block (and its regions), as read or built. */
  private recentBlock: { block: RecentBlock; regions: RegionBlock | null } | null | undefined = undefined;
  /** Day bars blobs read for a page of cards (immutable once written). */
  private readonly bars = new Map<number, Uint8Array | null>();
  /** dayOnOrBefore's answers, until the next day block is written or dropped. */
  private readonly onOrBefore = new Map<number, number | null>();
  /** A day being rolled up (rollUpStep), in memory between steps. */
  private rolling: Rolling | null = null;
  /** The ring's rows as read or written (check-log.ts). */
  readonly ring = new Map<number, LogRow>();
  rowsWritten = 0;

  constructor(
    readonly sql: SqlLike,
    private readonly meta: HistoryMeta,
  ) {
    sql.exec(HISTORY_SCHEMA);
  }

  // ---- blocks, read once and kept ----

  hour(hour: number): HourBlock | null {
    if (!this.hourBlocks.has(hour)) {
      const r = this.sql.exec("SELECT data, regions, region_names FROM hours WHERE hour = ?", hour).toArray()[0];
      this.hourBlocks.set(hour, r === undefined ? null : new HourBlock(hour, blob(r.data)));
      this.regionBlocks.set(hour, r === undefined || r.regions === null ? null : new RegionBlock(hour, JSON.parse(r.region_names as string) as string[], blob(r.regions)));
    }
    return this.hourBlocks.get(hour)!;
  }

  private regions(hour: number): RegionBlock | null {
    this.hour(hour);
    return this.regionBlocks.get(hour) ?? null;
  }

  day(day: number): DayBlock | null {
    if (!this.dayBlocks.has(day)) {
      const r = this.sql.exec("SELECT data FROM day_blocks WHERE day = ?", day).toArray()[0];
      this.dayBlocks.set(day, r === undefined ? null : new DayBlock(day, blob(r.data)));
    }
    return this.dayBlocks.get(day)!;
  }

  /** The newest day block on or before `day` (a window's running totals come from it). */
  dayOnOrBefore(day: number): DayBlock | null {
    const found = this.dayNumberOnOrBefore(day);
    return found === null ? null : this.day(found);
  }

  /** The last day rolled into a block (every day before it is in blocks too). */
  rolledThrough(): number | null {
    return this.meta.get<number>("rolled_through");
  }

  /** A day block carried over from an older store (legacy.ts). */
  adopt(day: number, block: DayBlock): void {
    this.dayBlocks.set(day, block);
    this.onOrBefore.clear();
  }

  adoptHour(hour: number, block: HourBlock): void {
    this.hourBlocks.set(hour, block);
    this.regionBlocks.set(hour, null);
  }

  /** Days up to `day` are in blocks (legacy.ts carried them over). */
  setRolled(day: number): void {
    if ((this.rolledThrough() ?? -1) >= day) return;
    this.meta.set("rolled_through", day);
    this.onOrBefore.clear();
  }

  // ---- the tick's writes ----

  /** Adds one tick's checks (of the listed Spaces: `slotOf`) to its hour's block and logs them; returns rows written. */
  record(tickMs: number, checks: SpaceCheck[], slotOf: (c: SpaceCheck) => number | undefined): number {
    if (checks.length === 0) return 0;
    const hour = Math.floor(tickMs / HOUR_MS);
    const block = this.hour(hour) ?? new HourBlock(hour);
    let regions = this.regions(hour);
    const entries: LogEntry[] = [];
    for (const c of checks) {
      const slot = slotOf(c);
      if (slot === undefined) continue;
      block.add(slot, c);
      entries.push({ slot, outcome: c.outcome, status: c.status, latency_ms: c.latency_ms, at: c.at, maintenance: c.maintenance, error: c.error, stage: c.hf?.stage ?? null });
      for (const r of c.regions ?? []) {
        regions ??= new RegionBlock(hour, []);
        regions.add(slot, r.region, r);
      }
    }
    this.hourBlocks.set(hour, block);
    this.regionBlocks.set(hour, regions);
    let written = this.writeHour(hour, false);
    written += logTick(this.sql, tickMs, entries, this.ring);
    this.rowsWritten += written;
    return written;
  }

  private writeHour(hour: number, closed: boolean): number {
    const block = this.hourBlocks.get(hour)!;
    const regions = this.regionBlocks.get(hour) ?? null;
    return this.sql.exec(
      "INSERT OR REPLACE INTO hours (hour, data, regions, region_names, closed) VALUES (?, ?, ?, ?, ?)",
      hour,
      block.toBlob(),
      regions?.toBlob() ?? null,
      regions === null ? null : JSON.stringify(regions.names),
      closed ? 1 : 0,
    ).rowsWritten;
  }

  /**
   * One step of the upkeep of what has ended, one kind of work a step so that none takes more
   * than a few ms (SpaceStore.maintain runs it in a request of its own, after a tick): closing
   * the ended hours still open, oldest first, up to CLOSE_CHECKS checks' worth; when an hour is
   * closed, the next step brings the recent block up to it; the step after rolls up a UTC day
   * whose hours are all closed (ROLL_SLOTS Spaces a step), or, with none to roll up, drops what
   * is past keeping and goes on closing. Readers do not wait on any of it: they add the hour
   * blocks a recent block does not have yet, and the hours not rolled up. `rollUp` false: not
   * while an older store's days are being carried over (legacy.ts): they come first. Returns
   * rows written (meta rows are the ledger's).
   */
  settle(nowMs: number, rollUp = true): number {
    const current = Math.floor(nowMs / HOUR_MS);
    let written = 0;
    const recentDue = this.meta.get<number>("recent_due");
    if (recentDue !== null) {
      written += this.buildRecent(recentDue);
      this.meta.delete("recent_due");
      if (rollUp) this.meta.set("roll_up_due", true);
    } else {
      let busy = false;
      if (rollUp && this.meta.get<boolean>("roll_up_due") !== null) {
        const step = this.rollUpStep(current);
        written += step.written;
        busy = step.busy;
        if (!busy) {
          written += this.expire(current);
          this.meta.delete("roll_up_due");
        }
      }
      // No day to roll up (23 hours in 24): the expiry is a few deletes, so closing goes on.
      if (!busy) written += this.closeSome(current);
    }
    this.rowsWritten += written;
    return written;
  }

  /** Whether settle() has work waiting: a recent block or a roll-up due, or an ended hour still open. */
  due(nowMs: number): boolean {
    if (this.meta.get<number>("recent_due") !== null || this.meta.get<boolean>("roll_up_due") !== null) return true;
    return this.sql.exec("SELECT 1 FROM hours WHERE closed = 0 AND hour < ? LIMIT 1", Math.floor(nowMs / HOUR_MS)).toArray().length > 0;
  }

  /**
   * Closes up to CLOSE_CHECKS checks' worth of the oldest ended hour still open; once it is
   * closed, its recent block is due (the next step), so one hour closes at most per step.
   */
  private closeSome(current: number): number {
    const open = this.sql.exec("SELECT hour FROM hours WHERE closed = 0 AND hour < ? ORDER BY hour LIMIT 1", current).toArray()[0];
    if (open === undefined) return 0;
    const hour = open.hour as number;
    const block = this.hour(hour)!;
    const chunks = Math.ceil(block.slots / CHUNK);
    const progress = this.meta.get<{ hour: number; chunk: number }>("closing");
    const from = progress?.hour === hour ? progress.chunk : 0;
    const rows = ringSince(this.sql, hour * HOUR_MS, this.ring).filter((r) => r.base < (hour + 1) * HOUR_MS);
    const closed = closeChunks(this.sql, hour, rows, from, chunks, CLOSE_CHECKS, (slot, p50) => block.setP50(slot, p50));
    const done = closed.next >= chunks;
    const written = closed.written + this.writeHour(hour, done);
    if (!done) this.meta.set("closing", { hour, chunk: closed.next });
    else {
      this.meta.delete("closing");
      this.meta.set("recent_due", hour);
    }
    return written;
  }

  /**
   * A step of rolling up the oldest UTC day whose hours are all closed: ROLL_SLOTS Spaces a step
   * (a whole day of 5,000 was 35 ms in one), the day block kept in memory until its last slice,
   * then written. Evicted midway, the next step starts the day over. `busy`: a day was being
   * rolled up (whether or not this step finished it).
   */
  private rollUpStep(currentHour: number): { written: number; busy: boolean } {
    const r = this.rolling ?? this.nextDayToRoll(currentHour);
    if (r === null) return { written: 0, busy: false };
    this.rolling = r;
    const to = Math.min(r.slots, r.next + ROLL_SLOTS);
    for (let slot = r.next; slot < to; slot++) {
      const prev = r.base?.get(slot) ?? null;
      let up = 0;
      let total = 0;
      let latSum = 0;
      let latN = 0;
      for (const b of r.hours) {
        const c = b.counts(slot);
        if (c === null) continue;
        up += c[0];
        total += c[1];
        latSum += c[2];
        latN += c[3];
      }
      const cumUp = (prev?.cum_up ?? 0) + up;
      const cumTotal = (prev?.cum_total ?? 0) + total;
      r.block.set(slot, { up, total, lat_sum: latSum, lat_n: latN, cum_up: cumUp, cum_total: cumTotal, seen: shiftSeen(prev?.seen ?? [0, 0, 0], r.gap, total > 0) });
    }
    r.next = to;
    if (to < r.slots) return { written: 0, busy: true };
    this.rolling = null;
    const day = r.block.day;
    const written = this.sql.exec("INSERT OR REPLACE INTO day_blocks (day, bars, data) VALUES (?, ?, ?)", day, r.block.toBars(), r.block.toBlob()).rowsWritten;
    this.bars.set(day, r.block.toBars());
    this.dayBlocks.set(day, r.block);
    this.meta.set("rolled_through", day);
    this.onOrBefore.clear();
    return { written, busy: true };
  }

  /** The oldest day not rolled up whose hours are all closed, ready to roll up; null when there is none. */
  private nextDayToRoll(currentHour: number): Rolling | null {
    const today = Math.floor(currentHour / 24);
    const rolled = this.rolledThrough();
    const first = this.sql.exec("SELECT MIN(hour) AS h FROM hours WHERE hour >= ?", rolled === null ? 0 : (rolled + 1) * 24).toArray()[0]?.h as number | null;
    if (first === null || first === undefined) return null;
    const day = Math.floor(first / 24);
    if (day >= today) return null;
    const openLeft = this.sql.exec("SELECT COUNT(*) AS n FROM hours WHERE hour >= ? AND hour < ? AND closed = 0", day * 24, (day + 1) * 24).toArray()[0]!.n as number;
    if (openLeft > 0) return null;
    const base = this.dayOnOrBefore(day - 1);
    const hours: HourBlock[] = [];
    for (let h = day * 24; h < (day + 1) * 24; h++) {
      const b = this.hour(h);
      if (b !== null) hours.push(b);
    }
    return { block: new DayBlock(day), base, hours, slots: Math.max(base?.slots ?? 0, ...hours.map((b) => b.slots)), gap: base === null ? 96 : day - base.day, next: 0 };
  }


  /** Kept: 48 hours of hour blocks (once rolled up) and logs; 90 days of day blocks and the newest before them (a window's base). */
  private expire(currentHour: number): number {
    const keepHour = currentHour - KEEP_HOURS;
    const rolled = this.rolledThrough();
    let written = 0;
    if (rolled !== null) written += this.sql.exec("DELETE FROM hours WHERE hour < ? AND closed = 1 AND hour < ?", keepHour, (rolled + 1) * 24).rowsWritten;
    written += this.sql.exec("DELETE FROM hour_log WHERE hour < ?", keepHour).rowsWritten;
    const cut = Math.floor(currentHour / 24) - HISTORY_DAYS;
    written += this.sql.exec("DELETE FROM day_blocks WHERE day < (SELECT MAX(day) FROM day_blocks WHERE day <= ?)", cut).rowsWritten;
    this.onOrBefore.clear();
    for (const h of [...this.hourBlocks.keys()]) if (h < keepHour) {
      this.hourBlocks.delete(h);
      this.regionBlocks.delete(h);
    }
    for (const d of [...this.dayBlocks.keys()]) if (d < cut - 1) this.dayBlocks.delete(d);
    for (const d of [...this.bars.keys()]) if (d < cut - 1) this.bars.delete(d);
    return written;
  }

  /** The latest recent block (null: none yet). */
  recent(): { block: RecentBlock; regions: RegionBlock | null } | null {
    if (this.recentBlock === undefined) {
      const r = this.sql.exec("SELECT hour, data, regions, region_names FROM recent ORDER BY hour DESC LIMIT 1").toArray()[0];
      this.recentBlock = r === undefined ? null : { block: new RecentBlock(r.hour as number, blob(r.data)), regions: r.regions === null ? null : new RegionBlock(r.hour as number, JSON.parse(r.region_names as string) as string[], blob(r.regions)) };
    }
    return this.recentBlock;
  }

  /**
   * Brings every Space's recent figures to the close of `hour`: from the previous hour's
   * recent block and this hour's block (and the one leaving the 23 hours), or from the hour
   * blocks themselves when there is no previous one. One row an hour.
   */
  private buildRecent(hour: number): number {
    const prior = this.recent();
    const prev = prior !== null && prior.block.hour === hour - 1 ? prior : null;
    const block = this.hour(hour)!;
    const dayStart = Math.floor(hour / 24) * 24;
    const range = (from: number, to: number) => {
      const out: HourBlock[] = [];
      for (let h = from; h <= to; h++) {
        const b = this.hour(h);
        if (b !== null) out.push(b);
      }
      return out;
    };
    // With no previous block: every hour kept, once.
    const scratch = prev === null ? range(hour - KEEP_HOURS + 1, hour) : [];
    const leaving = prev === null ? null : this.hour(hour - 23);
    const slots = Math.max(block.slots, prev?.block.slots ?? 0, ...scratch.map((b) => b.slots));
    const next = new RecentBlock(hour);
    const regions = new RegionBlock(hour, []);
    const sum = (blocks: HourBlock[], slot: number, from: number, to: number) => {
      const t = { up: 0, total: 0, lat_sum: 0, lat_n: 0 };
      for (const b of blocks) {
        if (b.hour < from || b.hour > to) continue;
        const c = b.counts(slot);
        if (c === null) continue;
        t.up += c[0];
        t.total += c[1];
        t.lat_sum += c[2];
        t.lat_n += c[3];
      }
      return t;
    };
    // The region blocks every slot's latest regions come from (the same for all).
    const regionSources = (prev === null ? scratch.map((b) => this.regions(b.hour)) : [prev.regions, this.regions(hour)]).filter((r): r is RegionBlock => r !== null);
    for (let slot = 0; slot < slots; slot++) {
      const c = block.counts(slot);
      const now = { up: c?.[0] ?? 0, total: c?.[1] ?? 0, lat_sum: c?.[2] ?? 0, lat_n: c?.[3] ?? 0 };
      let x: RecentRecord;
      if (prev !== null) {
        const p = prev.block.get(slot) ?? { w23: { up: 0, total: 0 }, today: { up: 0, total: 0, lat_sum: 0, lat_n: 0 }, prev: { up: 0, total: 0, lat_sum: 0, lat_n: 0 }, last: null };
        const gone = leaving?.counts(slot) ?? null;
        const newDay = hour === dayStart;
        x = {
          w23: { up: p.w23.up + now.up - (gone?.[0] ?? 0), total: p.w23.total + now.total - (gone?.[1] ?? 0) },
          today: newDay ? now : { up: p.today.up + now.up, total: p.today.total + now.total, lat_sum: p.today.lat_sum + now.lat_sum, lat_n: p.today.lat_n + now.lat_n },
          prev: newDay ? p.today : p.prev,
          last: block.get(slot)?.last ?? p.last,
        };
      } else {
        let last: RecentRecord["last"] = null;
        for (const b of scratch) {
          const r = b.get(slot);
          if (r?.last && (last === null || r.last.at > last.at)) last = r.last;
        }
        const w = sum(scratch, slot, hour - 22, hour);
        x = { w23: { up: w.up, total: w.total }, today: sum(scratch, slot, dayStart, hour), prev: sum(scratch, slot, dayStart - 24, dayStart - 1), last };
      }
      next.set(slot, x);
      for (const r of regionSources) for (const [name, latest] of Object.entries(r.get(slot))) regions.add(slot, name, latest);
    }
    const hasRegions = regions.names.length > 0;
    let written = this.sql.exec("INSERT OR REPLACE INTO recent (hour, data, regions, region_names) VALUES (?, ?, ?, ?)", hour, next.toBlob(), hasRegions ? regions.toBlob() : null, hasRegions ? JSON.stringify(regions.names) : null).rowsWritten;
    written += this.sql.exec("DELETE FROM recent WHERE hour < ?", hour).rowsWritten;
    this.recentBlock = { block: next, regions: hasRegions ? regions : null };
    return written;
  }

  // ---- readers ----

  /**
   * One Space's records of the hours [from, to]: from the blocks kept in memory, or, when any is
   * not (a Space's own page right after a restart), its bytes alone from each row (SQL substr),
   * not whole blocks of every Space.
   */
  private slotHours(slot: number, from: number, to: number): Map<number, HourRecord> {
    const out = new Map<number, HourRecord>();
    let cached = true;
    for (let h = from; h <= to && cached; h++) cached = this.hourBlocks.has(h);
    if (cached) {
      for (let h = from; h <= to; h++) {
        const r = this.hourBlocks.get(h)?.get(slot) ?? null;
        if (r !== null) out.set(h, r);
      }
      return out;
    }
    for (const r of this.sql.exec(`SELECT hour, substr(data, ${hourSlice(slot).join(", ")}) AS r FROM hours WHERE hour >= ? AND hour <= ?`, from, to).toArray() as Row[]) {
      const rec = hourRecordOf(r.hour as number, r.r as unknown as Uint8Array);
      if (rec !== null) out.set(r.hour as number, rec);
    }
    return out;
  }

  /** One Space's record of a day block: the block's when kept in memory, else its bytes alone. */
  private slotDay(slot: number, day: number, single: boolean): DayRecord | null {
    if (!single || this.dayBlocks.has(day)) return this.day(day)?.get(slot) ?? null;
    const r = this.sql.exec(`SELECT substr(data, ${daySlice(slot).join(", ")}) AS r FROM day_blocks WHERE day = ?`, day).toArray()[0];
    return r === undefined ? null : dayRecordOf(r.r as unknown as Uint8Array);
  }

  /** The day of the newest day block on or before `day` (cached). */
  private dayNumberOnOrBefore(day: number): number | null {
    if (!this.onOrBefore.has(day)) this.onOrBefore.set(day, (this.sql.exec("SELECT day FROM day_blocks WHERE day <= ? ORDER BY day DESC LIMIT 1", day).toArray()[0]?.day as number | undefined) ?? null);
    return this.onOrBefore.get(day)!;
  }

  /** The first hour not yet in a day block. */
  private unrolledFrom(): number {
    const rolled = this.rolledThrough();
    return rolled === null ? 0 : (rolled + 1) * 24;
  }

  /**
   * One Space's windows, last check, mean latency, first day and regions: from the recent block
   * and the hour blocks since it (one or two), or, without a recent block (a store's first
   * hour), from the hour blocks kept.
   */
  spaceHistory(slot: number, nowMs: number, single = false): SpaceHistory {
    const nowHour = Math.floor(nowMs / HOUR_MS);
    const today = Math.floor(nowMs / DAY_MS);
    const h: SpaceHistory = { windows: { "24h": empty(), "7d": empty(), "30d": empty(), "90d": empty() }, latency_24h_ms: null, last: null, first_day: null, regions: {} };
    const unrolled = this.unrolledFrom();
    const recent = this.recent();
    const lat = { sum: 0, n: 0 };
    const firstHour =
      recent !== null && recent.block.hour < nowHour && recent.block.hour >= nowHour - 24 && unrolled >= (Math.floor(recent.block.hour / 24) - 1) * 24
        ? this.fromRecent(h, slot, nowHour, today, unrolled, recent, lat)
        : this.fromHours(h, slot, nowHour, today, unrolled, lat);
    this.fromDays(h, slot, today, lat, single);
    if (h.first_day === null && firstHour !== null) h.first_day = Math.floor(firstHour / 24);
    if (lat.n > 0) h.latency_24h_ms = Math.round(lat.sum / lat.n);
    return h;
  }

  /** The recent block's figures, with the hours since it added (and those that left the 24 hours taken out). Returns the first hour with checks not rolled up. */
  private fromRecent(h: SpaceHistory, slot: number, nowHour: number, today: number, unrolled: number, recent: { block: RecentBlock; regions: RegionBlock | null }, lat: { sum: number; n: number }): number | null {
    const R = recent.block;
    const r = R.get(slot);
    const dayA = Math.floor(R.hour / 24);
    let first: number | null = null;
    if (r !== null) {
      h.windows["24h"].up += r.w23.up;
      h.windows["24h"].total += r.w23.total;
      // Not rolled up yet: counted in every day window (they are today's and yesterday's).
      for (const [part, day] of [[r.prev, dayA - 1], [r.today, dayA]] as const) {
        if (unrolled > day * 24) continue;
        for (const [key] of WINDOW_DAYS) {
          h.windows[key].up += part.up;
          h.windows[key].total += part.total;
        }
        if (day >= today - 1) {
          lat.sum += part.lat_sum;
          lat.n += part.lat_n;
        }
        if (part.total > 0 && first === null) first = day * 24;
      }
      if (r.last !== null) h.last = { at: r.last.at, outcome: r.last.outcome, status: r.last.status, latency_ms: r.last.latency_ms };
    }
    // Hours that left the last 24 since the block (when its successor is late), and those after it.
    for (let hour = R.hour - 22; hour <= nowHour - 24; hour++) {
      const c = this.hour(hour)?.counts(slot) ?? null;
      if (c === null) continue;
      h.windows["24h"].up -= c[0];
      h.windows["24h"].total -= c[1];
    }
    for (let hour = R.hour + 1; hour <= nowHour; hour++) {
      const block = this.hour(hour);
      const c = block?.counts(slot) ?? null;
      if (c !== null) {
        h.windows["24h"].up += c[0];
        h.windows["24h"].total += c[1];
        if (hour >= unrolled) {
          for (const [key] of WINDOW_DAYS) {
            h.windows[key].up += c[0];
            h.windows[key].total += c[1];
          }
          if (Math.floor(hour / 24) >= today - 1) {
            lat.sum += c[2];
            lat.n += c[3];
          }
          if (c[1] > 0 && first === null) first = hour;
        }
        const last = block!.get(slot)!.last;
        if (last !== null && (h.last === null || last.at > h.last.at)) h.last = { at: last.at, outcome: last.outcome, status: last.status, latency_ms: last.latency_ms };
      }
      this.addRegions(h, this.regions(hour), slot);
    }
    this.addRegions(h, recent.regions, slot);
    return first;
  }

  private addRegions(h: SpaceHistory, regions: RegionBlock | null, slot: number): void {
    if (regions === null) return;
    for (const [region, r] of Object.entries(regions.get(slot))) {
      if (r.at >= (h.regions[region]?.[0] ?? 0)) h.regions[region] = [r.at, r.outcome, r.status, r.latency_ms];
    }
  }

  /** The same from the hour blocks kept (no recent block yet). Returns the first hour with checks not rolled up. */
  private fromHours(h: SpaceHistory, slot: number, nowHour: number, today: number, unrolled: number, lat: { sum: number; n: number }): number | null {
    let firstHour: number | null = null;
    const regionsKept = this.regions(nowHour) !== null || this.regions(nowHour - 1) !== null;
    for (let age = 0; age < KEEP_HOURS; age++) {
      const hour = nowHour - age;
      // Past 24 hours only what is still needed: hours not rolled up, the last check, regions.
      if (age >= 24 && hour < unrolled && h.last !== null && !regionsKept) break;
      const block = this.hour(hour);
      const c = block?.counts(slot) ?? null;
      if (c !== null) {
        const [up, total, latency, n] = c;
        if (age < 24) {
          h.windows["24h"].up += up;
          h.windows["24h"].total += total;
        }
        if (hour >= unrolled) {
          const dayAge = today - Math.floor(hour / 24);
          for (const [key, days] of WINDOW_DAYS) {
            if (dayAge < days) {
              h.windows[key].up += up;
              h.windows[key].total += total;
            }
          }
          if (dayAge <= 1) {
            lat.sum += latency;
            lat.n += n;
          }
          if (total > 0) firstHour = hour;
        }
        if (h.last === null && block!.lastAt(slot) !== null) {
          const r = block!.get(slot)!.last!;
          h.last = { at: r.at, outcome: r.outcome, status: r.status, latency_ms: r.latency_ms };
        }
      }
      this.addRegions(h, this.regions(hour), slot);
    }
    // Older hours not rolled up yet (the roll-up comes a tick or two after an hour's close, and
    // after a long pause a day a tick): counted from their blocks until their day block is in.
    if (unrolled <= nowHour - KEEP_HOURS) {
      for (const r of this.sql.exec("SELECT hour FROM hours WHERE hour >= ? AND hour <= ? ORDER BY hour DESC", unrolled, nowHour - KEEP_HOURS).toArray()) {
        const hour = r.hour as number;
        const c = this.hour(hour)?.counts(slot) ?? null;
        if (c === null || c[1] === 0) continue;
        const dayAge = today - Math.floor(hour / 24);
        if (dayAge >= HISTORY_DAYS) break;
        for (const [key, days] of WINDOW_DAYS) {
          if (dayAge < days) {
            h.windows[key].up += c[0];
            h.windows[key].total += c[1];
          }
        }
        firstHour = hour;
      }
    }
    return firstHour;
  }

  /** Completed days: running totals at the newest rolled day, less those before each window; yesterday's latency; the oldest day with checks. */
  private fromDays(h: SpaceHistory, slot: number, today: number, lat: { sum: number; n: number }, single: boolean): void {
    const rolled = this.rolledThrough();
    const at = (day: number | null) => (day === null ? null : this.slotDay(slot, day, single));
    if (rolled !== null) {
      const latestDay = this.dayNumberOnOrBefore(rolled);
      const latest = at(latestDay);
      if (latest !== null) {
        for (const [key, days] of WINDOW_DAYS) {
          const before = at(this.dayNumberOnOrBefore(today - days));
          h.windows[key].up += latest.cum_up - (before?.cum_up ?? 0);
          h.windows[key].total += latest.cum_total - (before?.cum_total ?? 0);
        }
        const yesterday = rolled >= today - 1 && this.dayNumberOnOrBefore(today - 1) === today - 1 ? at(today - 1) : null;
        if (yesterday !== null) {
          lat.sum += yesterday.lat_sum;
          lat.n += yesterday.lat_n;
        }
        const k = oldestSeen(latest.seen, HISTORY_DAYS - (today - latestDay!));
        if (k !== null) h.first_day = latestDay! - k;
      }
    }
  }

  /** The 24 hourly uptime bars of a Space, oldest first, the current hour last (cards and a Space's page). */
  hourBars(slot: number, nowMs: number, single = false): Window[] {
    const nowHour = Math.floor(nowMs / HOUR_MS);
    const records = single ? this.slotHours(slot, nowHour - 23, nowHour) : null;
    return Array.from({ length: 24 }, (_, i) => {
      const hour = nowHour - 23 + i;
      const r = records === null ? this.hour(hour)?.get(slot) ?? null : records.get(hour) ?? null;
      return r === null ? empty() : { up: r.up, total: r.total };
    });
  }

  /**
   * The last HISTORY_DAYS days as bars, oldest first, for the Spaces in `slots`: rolled-up
   * days from the day blocks' bars (4 bytes a Space a day), then the hours not rolled up yet.
   * A Space's page reads its own bars with SQL (substr); a page of cards reads the 90 days'
   * bars once, and keeps them (they never change).
   */
  dailyBars(slots: number[], nowMs: number): Map<number, Window[]> {
    const today = Math.floor(nowMs / DAY_MS);
    const first = today - (HISTORY_DAYS - 1);
    const out = new Map<number, Window[]>(slots.map((s) => [s, Array.from({ length: HISTORY_DAYS }, empty)]));
    if (slots.length === 0) return out;
    const add = (slot: number, day: number, bar: { up: number; total: number } | null) => {
      if (bar === null || day < first) return;
      const w = out.get(slot)![day - first]!;
      w.up += bar.up;
      w.total += bar.total;
    };
    if (slots.length === 1) {
      const slot = slots[0]!;
      // The offsets are integers computed here (never input), written into the SQL.
      for (const r of this.sql.exec(`SELECT day, substr(bars, ${barSlice(slot).join(", ")}) AS b FROM day_blocks WHERE day >= ?`, first).toArray() as Row[]) add(slot, r.day as number, barOf(r.b as unknown as Uint8Array, slot, false));
    } else {
      const missing = this.sql.exec("SELECT day FROM day_blocks WHERE day >= ?", first).toArray().map((r) => r.day as number).filter((d) => !this.bars.has(d));
      if (missing.length > 0) for (const r of this.sql.exec("SELECT day, bars FROM day_blocks WHERE day >= ? AND day <= ?", Math.min(...missing), Math.max(...missing)).toArray() as Row[]) this.bars.set(r.day as number, blob(r.bars));
      for (const [day, bars] of this.bars) if (day >= first) for (const slot of slots) add(slot, day, barOf(bars, slot));
    }
    const unrolled = this.unrolledFrom();
    for (let hour = Math.max(unrolled, first * 24); hour <= Math.floor(nowMs / HOUR_MS); hour++) {
      const block = this.hour(hour);
      if (block === null) continue;
      for (const slot of slots) {
        const c = block.counts(slot);
        if (c !== null) add(slot, Math.floor(hour / 24), { up: c[0], total: c[1] });
      }
    }
    return out;
  }

  /** The last 24 clock hours of a Space's latency (median, slowest, failed checks), oldest first. */
  chart(slot: number, nowMs: number, single = false): HourLatency[] {
    const nowHour = Math.floor(nowMs / HOUR_MS);
    let ring: LogRow[] | null = null;
    const records = single ? this.slotHours(slot, nowHour - 23, nowHour) : null;
    return Array.from({ length: 24 }, (_, i) => {
      const hour = nowHour - 23 + i;
      const r = records === null ? this.hour(hour)?.get(slot) ?? null : records.get(hour) ?? null;
      if (r === null) return { hour: hour * HOUR_MS, checks: 0, failed: 0, p50_ms: null, max_ms: null };
      let p50 = r.p50;
      if (p50 === null && r.lat_n > 0) {
        // Not closed yet: the median from the ring, which still holds the hour.
        ring ??= ringSince(this.sql, (nowHour - 2) * HOUR_MS, this.ring);
        p50 = medianIn(ring, slot, hour * HOUR_MS, (hour + 1) * HOUR_MS);
      }
      return { hour: hour * HOUR_MS, checks: r.checks, failed: r.failed, p50_ms: p50, max_ms: r.lat_max };
    });
  }

  /** A Space's last checks (at most 50, the last 48 hours), newest first. */
  recentChecks(slot: number, nowMs: number): LoggedCheck[] {
    const nowHour = Math.floor(nowMs / HOUR_MS);
    const oldestOpen = (this.sql.exec("SELECT MIN(hour) AS h FROM hours WHERE closed = 0").toArray()[0]?.h as number | null) ?? nowHour;
    const from = Math.max(oldestOpen, nowHour - Math.floor(RING_SLOTS / 60) + 1) * HOUR_MS;
    const open = ringSince(this.sql, from, this.ring);
    return recentChecks(this.sql, slot, open, from, (nowHour - KEEP_HOURS + 1) * HOUR_MS);
  }

  /** The answered share of checks: for /metrics and badges, windows are ratios. */
  static ratio(w: Window): number | null {
    return w.total === 0 ? null : Math.round((w.up / w.total) * 100_000) / 100_000;
  }
}

export { answered };
export type { RegionLatest };
