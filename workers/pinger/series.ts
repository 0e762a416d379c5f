// The pinger's history in fixed-size binary records, one per Space slot (the `slot` column of
// `spaces`, stable while a Space is listed): an hour's block (checks, good checks, latency,
// the last check) and a day's block (its counts, running totals, which of the last 96 days had
// checks). A block is one SQLite row whatever the number of Spaces, and a Space's record is
// found by arithmetic, not by parsing JSON: a reader decodes only the Spaces it shows, a tick
// updates only the Spaces it checked. Little-endian throughout.

/** Outcomes as stored (0: no check). */
const OUTCOMES = ["", "up", "down", "waking", "degraded", "skipped"] as const;
export const outcomeCode = (o: string): number => Math.max(0, OUTCOMES.indexOf(o as (typeof OUTCOMES)[number]));
export const outcomeName = (code: number): string => OUTCOMES[code] ?? "";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const U16_NONE = 0xffff;
const clamp16 = (v: number) => Math.max(0, Math.min(0xfffe, Math.round(v)));

/** A Space's figures for one hour. */
export interface HourRecord {
  /** Good checks and checks that count for uptime (maintenance left out). */
  up: number;
  total: number;
  /** Every check, maintenance included, and those that found it down or waking (the chart's). */
  checks: number;
  failed: number;
  /** Answered checks with a latency: their sum, count, slowest, and median (null until the hour closes). */
  lat_sum: number;
  lat_n: number;
  lat_max: number | null;
  p50: number | null;
  /** The hour's last check; null when none. */
  last: { at: number; outcome: string; status: number | null; latency_ms: number | null; maintenance: boolean } | null;
}

/** What a block needs of a check. */
export interface CheckFacts {
  outcome: string;
  status: number | null;
  latency_ms: number | null;
  at: number;
  maintenance?: boolean;
}

/** Good for uptime: it answered (degraded answers too; the state says so). */
export const answered = (outcome: string) => outcome === "up" || outcome === "degraded";
const failedOutcome = (outcome: string) => outcome === "down" || outcome === "waking";

/** A resizable array of fixed-size records, one per slot (a slot past its end reads as empty). */
class Records {
  bytes: Uint8Array;
  view: DataView;

  constructor(
    readonly size: number,
    bytes: Uint8Array | ArrayBuffer | null,
  ) {
    this.bytes = bytes === null ? new Uint8Array(0) : bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  has(slot: number): boolean {
    return (slot + 1) * this.size <= this.bytes.byteLength;
  }

  /** Makes room for `slot` (a copy, doubling, so a tick grows a block at most a few times). */
  ensure(slot: number): void {
    const need = (slot + 1) * this.size;
    if (need <= this.bytes.byteLength) return;
    const next = new Uint8Array(Math.max(need, Math.min(this.bytes.byteLength * 2, need + 64 * this.size)));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  /** The bytes to store (a copy of exactly the used part). */
  toBlob(): Uint8Array {
    return this.bytes.slice();
  }
}

// Hour record layout (28 bytes).
const H = { size: 28, up: 0, total: 2, checks: 4, failed: 6, latSum: 8, latN: 12, max: 14, p50: 16, status: 18, lastAt: 20, latency: 24, outcome: 26, flags: 27 } as const;

/** One clock hour of every Space, as one row of `hours`. */
export class HourBlock {
  private readonly r: Records;

  constructor(
    readonly hour: number,
    bytes: Uint8Array | ArrayBuffer | null = null,
  ) {
    this.r = new Records(H.size, bytes);
    // A fresh record must read as "median not known" (0 is a real median).
  }

  /** Adds one check of the Space in `slot`. */
  add(slot: number, c: CheckFacts): void {
    const fresh = !this.r.has(slot);
    this.r.ensure(slot);
    const v = this.r.view;
    const o = slot * H.size;
    if (fresh || v.getUint16(o + H.checks, true) === 0) this.clear(slot);
    if (c.maintenance !== true) {
      v.setUint16(o + H.total, v.getUint16(o + H.total, true) + 1, true);
      if (answered(c.outcome)) v.setUint16(o + H.up, v.getUint16(o + H.up, true) + 1, true);
    }
    v.setUint16(o + H.checks, v.getUint16(o + H.checks, true) + 1, true);
    if (failedOutcome(c.outcome)) v.setUint16(o + H.failed, v.getUint16(o + H.failed, true) + 1, true);
    if (answered(c.outcome) && c.latency_ms !== null) {
      v.setUint32(o + H.latSum, v.getUint32(o + H.latSum, true) + Math.round(c.latency_ms), true);
      v.setUint16(o + H.latN, v.getUint16(o + H.latN, true) + 1, true);
      const max = v.getUint16(o + H.max, true);
      if (max === U16_NONE || c.latency_ms > max) v.setUint16(o + H.max, clamp16(c.latency_ms), true);
    }
    const at = c.at - this.hour * HOUR_MS + 1;
    if (at >= v.getUint32(o + H.lastAt, true)) {
      v.setUint32(o + H.lastAt, Math.max(1, at), true);
      v.setUint8(o + H.outcome, outcomeCode(c.outcome));
      v.setUint8(o + H.flags, c.maintenance === true ? 1 : 0);
      v.setUint16(o + H.status, c.status ?? 0, true);
      v.setUint16(o + H.latency, c.latency_ms === null ? U16_NONE : clamp16(c.latency_ms), true);
    }
  }

  private clear(slot: number): void {
    const o = slot * H.size;
    this.r.bytes.fill(0, o, o + H.size);
    this.r.view.setUint16(o + H.max, U16_NONE, true);
    this.r.view.setUint16(o + H.p50, U16_NONE, true);
  }

  /** Sets a Space's whole record (a store of an older format carried over: legacy.ts). */
  put(slot: number, r: HourRecord): void {
    this.r.ensure(slot);
    this.clear(slot);
    const v = this.r.view;
    const o = slot * H.size;
    v.setUint16(o + H.up, r.up, true);
    v.setUint16(o + H.total, r.total, true);
    v.setUint16(o + H.checks, Math.max(1, r.checks), true);
    v.setUint16(o + H.failed, r.failed, true);
    v.setUint32(o + H.latSum, r.lat_sum, true);
    v.setUint16(o + H.latN, r.lat_n, true);
    if (r.lat_max !== null) v.setUint16(o + H.max, clamp16(r.lat_max), true);
    if (r.p50 !== null) v.setUint16(o + H.p50, clamp16(r.p50), true);
    if (r.last !== null) {
      v.setUint32(o + H.lastAt, Math.max(1, r.last.at - this.hour * HOUR_MS + 1), true);
      v.setUint8(o + H.outcome, outcomeCode(r.last.outcome));
      v.setUint8(o + H.flags, r.last.maintenance ? 1 : 0);
      v.setUint16(o + H.status, r.last.status ?? 0, true);
      v.setUint16(o + H.latency, r.last.latency_ms === null ? U16_NONE : clamp16(r.last.latency_ms), true);
    }
  }

  /** The median found when the hour closed (check-log.ts). */
  setP50(slot: number, p50: number | null): void {
    if (!this.r.has(slot)) return;
    this.r.view.setUint16(slot * H.size + H.p50, p50 === null ? U16_NONE : clamp16(p50), true);
  }

  get(slot: number): HourRecord | null {
    if (!this.r.has(slot)) return null;
    const v = this.r.view;
    const o = slot * H.size;
    const checks = v.getUint16(o + H.checks, true);
    if (checks === 0) return null;
    const lastAt = v.getUint32(o + H.lastAt, true);
    const max = v.getUint16(o + H.max, true);
    const p50 = v.getUint16(o + H.p50, true);
    const latency = v.getUint16(o + H.latency, true);
    const status = v.getUint16(o + H.status, true);
    return {
      up: v.getUint16(o + H.up, true),
      total: v.getUint16(o + H.total, true),
      checks,
      failed: v.getUint16(o + H.failed, true),
      lat_sum: v.getUint32(o + H.latSum, true),
      lat_n: v.getUint16(o + H.latN, true),
      lat_max: max === U16_NONE ? null : max,
      p50: p50 === U16_NONE ? null : p50,
      last: lastAt === 0 ? null : { at: this.hour * HOUR_MS + lastAt - 1, outcome: outcomeName(v.getUint8(o + H.outcome)), status: status === 0 ? null : status, latency_ms: latency === U16_NONE ? null : latency, maintenance: (v.getUint8(o + H.flags) & 1) === 1 },
    };
  }

  /**
   * The slot's counts without building a record (readers add up many hours): [up, total,
   * lat_sum, lat_n], or null when the slot has no check this hour.
   */
  counts(slot: number): [number, number, number, number] | null {
    if (!this.r.has(slot)) return null;
    const v = this.r.view;
    const o = slot * H.size;
    if (v.getUint16(o + H.checks, true) === 0) return null;
    return [v.getUint16(o + H.up, true), v.getUint16(o + H.total, true), v.getUint32(o + H.latSum, true), v.getUint16(o + H.latN, true)];
  }

  /** When the slot's last check this hour was (ms), or null. */
  lastAt(slot: number): number | null {
    if (!this.r.has(slot)) return null;
    const at = this.r.view.getUint32(slot * H.size + H.lastAt, true);
    return at === 0 ? null : this.hour * HOUR_MS + at - 1;
  }

  /** Slots with a record (the highest slot is `slots - 1`). */
  get slots(): number {
    return Math.floor(this.r.bytes.byteLength / H.size);
  }

  toBlob(): Uint8Array {
    return this.r.toBlob();
  }
}

/** A Space's figures for one UTC day, and what it has seen up to that day. */
export interface DayRecord {
  up: number;
  total: number;
  lat_sum: number;
  lat_n: number;
  /** Every uptime check up to and including this day (an uptime window is a difference of two). */
  cum_up: number;
  cum_total: number;
  /** Bit k: the day k days before this one had checks (k = 0: this day), for 96 days. */
  seen: [number, number, number];
}

// Day record layout (36 bytes).
const D = { size: 36, up: 0, total: 4, latSum: 8, latN: 12, cumUp: 16, cumTotal: 20, seen: 24 } as const;

/** One UTC day of every Space, as one row of `days`. */
export class DayBlock {
  private readonly r: Records;

  constructor(
    readonly day: number,
    bytes: Uint8Array | ArrayBuffer | null = null,
  ) {
    this.r = new Records(D.size, bytes);
  }

  get(slot: number): DayRecord | null {
    if (!this.r.has(slot)) return null;
    const v = this.r.view;
    const o = slot * D.size;
    return {
      up: v.getUint32(o + D.up, true),
      total: v.getUint32(o + D.total, true),
      lat_sum: v.getUint32(o + D.latSum, true),
      lat_n: v.getUint32(o + D.latN, true),
      cum_up: v.getUint32(o + D.cumUp, true),
      cum_total: v.getUint32(o + D.cumTotal, true),
      seen: [v.getUint32(o + D.seen, true), v.getUint32(o + D.seen + 4, true), v.getUint32(o + D.seen + 8, true)],
    };
  }

  set(slot: number, d: DayRecord): void {
    this.r.ensure(slot);
    const v = this.r.view;
    const o = slot * D.size;
    v.setUint32(o + D.up, d.up, true);
    v.setUint32(o + D.total, d.total, true);
    v.setUint32(o + D.latSum, Math.min(0xffffffff, d.lat_sum), true);
    v.setUint32(o + D.latN, d.lat_n, true);
    v.setUint32(o + D.cumUp, d.cum_up, true);
    v.setUint32(o + D.cumTotal, d.cum_total, true);
    v.setUint32(o + D.seen, d.seen[0] >>> 0, true);
    v.setUint32(o + D.seen + 4, d.seen[1] >>> 0, true);
    v.setUint32(o + D.seen + 8, d.seen[2] >>> 0, true);
  }

  get slots(): number {
    return Math.floor(this.r.bytes.byteLength / D.size);
  }

  toBlob(): Uint8Array {
    return this.r.toBlob();
  }

  /**
   * Each slot's day bar alone (up and total, u16 each: 4 bytes a Space), stored beside the
   * records so that 90 days of bars are a small read.
   */
  toBars(): Uint8Array {
    const bars = new Uint8Array(this.slots * BAR);
    const v = new DataView(bars.buffer);
    for (let slot = 0; slot < this.slots; slot++) {
      const o = slot * D.size;
      v.setUint16(slot * BAR, Math.min(0xffff, this.r.view.getUint32(o + D.up, true)), true);
      v.setUint16(slot * BAR + 2, Math.min(0xffff, this.r.view.getUint32(o + D.total, true)), true);
    }
    return bars;
  }
}

const BAR = 4;

/** A day bar of a slot from a bars blob (or a substr of one, at `at`); null past its end. */
export function barOf(bars: Uint8Array | ArrayBuffer | null, slot: number, whole = true): { up: number; total: number } | null {
  if (bars === null) return null;
  const b = bars instanceof Uint8Array ? bars : new Uint8Array(bars);
  const o = whole ? slot * BAR : 0;
  if (o + BAR > b.byteLength) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { up: v.getUint16(o, true), total: v.getUint16(o + 2, true) };
}

/** The byte range of a slot's bar in a bars blob, for SQL's substr() (1-based). */
export const barSlice = (slot: number): [number, number] => [slot * BAR + 1, BAR];

/** Shifts a 96-day bitmap by `days` (older), then marks day 0 when it had checks. */
export function shiftSeen(seen: [number, number, number], days: number, today: boolean): [number, number, number] {
  let bits = (BigInt(seen[2]) << 64n) | (BigInt(seen[1]) << 32n) | BigInt(seen[0]);
  bits = days >= 96 ? 0n : (bits << BigInt(days)) & ((1n << 96n) - 1n);
  if (today) bits |= 1n;
  return [Number(bits & 0xffffffffn), Number((bits >> 32n) & 0xffffffffn), Number((bits >> 64n) & 0xffffffffn)];
}

/** How many days before the block's day the oldest day with checks is, looking back at most `within` days; null when none. */
export function oldestSeen(seen: [number, number, number], within: number): number | null {
  for (let k = Math.min(within, 96) - 1; k >= 0; k--) if ((seen[k >> 5]! >>> (k & 31)) & 1) return k;
  return null;
}

/** The byte range of a slot's record in a day block, for reading it with SQL's substr() (1-based). */
export const daySlice = (slot: number): [number, number] => [slot * D.size + 1, D.size];
export const hourSlice = (slot: number): [number, number] => [slot * H.size + 1, H.size];
/** A record read alone (substr of a block) as a one-slot block. */
export const dayRecordOf = (bytes: Uint8Array | ArrayBuffer | null): DayRecord | null => (bytes === null || (bytes as Uint8Array).byteLength === 0 ? null : new DayBlock(0, bytes).get(0));
export const hourRecordOf = (hour: number, bytes: Uint8Array | ArrayBuffer | null): HourRecord | null =>
  bytes === null || (bytes as Uint8Array).byteLength === 0 ? null : new HourBlock(hour, bytes).get(0);

/** A region's latest check of a Space within one hour (with PING_REGIONS). */
export interface RegionLatest {
  at: number;
  outcome: string;
  status: number | null;
  latency_ms: number | null;
}

// Region record layout (10 bytes): at u32 (ms from the hour's start, biased by 2^31 so that a
// recent block can keep older checks; 0: none), outcome u8, spare u8, status u16, latency u16.
const BIAS = 0x80000000;
const R = 10;

/** One hour of every Space's latest check per region: `names.length` records per slot. */
export class RegionBlock {
  private r: Records;

  constructor(
    readonly hour: number,
    public names: string[],
    bytes: Uint8Array | ArrayBuffer | null = null,
  ) {
    this.r = new Records(R * Math.max(1, names.length), bytes);
  }

  /** Notes a region's check of the Space in `slot` if it is that region's latest this hour. */
  add(slot: number, region: string, c: RegionLatest): void {
    let k = this.names.indexOf(region);
    if (k === -1) {
      // A region new this hour (PING_REGIONS changed): every slot's records are laid out again.
      const before = this.names.length;
      const old = this.r;
      this.names = [...this.names, region];
      this.r = new Records(R * this.names.length, null);
      if (old.bytes.byteLength > 0) {
        const slots = Math.floor(old.bytes.byteLength / old.size);
        this.r.ensure(slots - 1);
        for (let s = 0; s < slots; s++) this.r.bytes.set(old.bytes.subarray(s * old.size, s * old.size + before * R), s * this.r.size);
      }
      k = this.names.length - 1;
    }
    this.r.ensure(slot);
    const o = slot * this.r.size + k * R;
    const v = this.r.view;
    const at = Math.max(1, Math.min(0xffffffff, c.at - this.hour * HOUR_MS + BIAS));
    if (at < v.getUint32(o, true)) return;
    v.setUint32(o, at, true);
    v.setUint8(o + 4, outcomeCode(c.outcome));
    v.setUint16(o + 6, c.status ?? 0, true);
    v.setUint16(o + 8, c.latency_ms === null ? U16_NONE : clamp16(c.latency_ms), true);
  }

  /** Each region's latest check of the Space this hour. */
  get(slot: number): Record<string, RegionLatest> {
    const out: Record<string, RegionLatest> = {};
    if (!this.r.has(slot)) return out;
    const v = this.r.view;
    this.names.forEach((name, k) => {
      const o = slot * this.r.size + k * R;
      const at = v.getUint32(o, true);
      if (at === 0) return;
      const status = v.getUint16(o + 6, true);
      const latency = v.getUint16(o + 8, true);
      out[name] = { at: this.hour * HOUR_MS + at - BIAS, outcome: outcomeName(v.getUint8(o + 4)), status: status === 0 ? null : status, latency_ms: latency === U16_NONE ? null : latency };
    });
    return out;
  }

  toBlob(): Uint8Array {
    return this.r.toBlob();
  }
}

/** A Space's recent figures as of an hour's close (RecentBlock): what a reader would otherwise add up from many hour blocks. */
export interface RecentRecord {
  /** The 23 closed hours up to and including the block's hour. */
  w23: { up: number; total: number };
  /** That hour's UTC day so far, and the day before it (whole): counts and latency of answered checks. */
  today: { up: number; total: number; lat_sum: number; lat_n: number };
  prev: { up: number; total: number; lat_sum: number; lat_n: number };
  /** The latest check up to the block's hour. */
  last: HourRecord["last"];
}

// Recent record layout (36 bytes).
const E = { size: 36, wUp: 0, wTotal: 2, tUp: 4, tTotal: 6, tLat: 8, tLatN: 12, pUp: 14, pTotal: 16, pLatN: 18, pLat: 20, lastAt: 24, outcome: 28, flags: 29, status: 30, latency: 32 } as const;
const NO_AT = -0x80000000;

/**
 * Every Space's recent figures as of the close of `hour` (one row an hour): with it and the one
 * or two hour blocks since, a reader has a Space's 24 hours, today's and yesterday's counts and
 * its last check, without reading 24 hour blocks.
 */
export class RecentBlock {
  private readonly r: Records;

  constructor(
    readonly hour: number,
    bytes: Uint8Array | ArrayBuffer | null = null,
  ) {
    this.r = new Records(E.size, bytes);
  }

  get(slot: number): RecentRecord | null {
    if (!this.r.has(slot)) return null;
    const v = this.r.view;
    const o = slot * E.size;
    const at = v.getInt32(o + E.lastAt, true);
    const status = v.getUint16(o + E.status, true);
    const latency = v.getUint16(o + E.latency, true);
    return {
      w23: { up: v.getUint16(o + E.wUp, true), total: v.getUint16(o + E.wTotal, true) },
      today: { up: v.getUint16(o + E.tUp, true), total: v.getUint16(o + E.tTotal, true), lat_sum: v.getUint32(o + E.tLat, true), lat_n: v.getUint16(o + E.tLatN, true) },
      prev: { up: v.getUint16(o + E.pUp, true), total: v.getUint16(o + E.pTotal, true), lat_sum: v.getUint32(o + E.pLat, true), lat_n: v.getUint16(o + E.pLatN, true) },
      last: at === NO_AT ? null : { at: this.hour * HOUR_MS + at, outcome: outcomeName(v.getUint8(o + E.outcome)), status: status === 0 ? null : status, latency_ms: latency === U16_NONE ? null : latency, maintenance: (v.getUint8(o + E.flags) & 1) === 1 },
    };
  }

  set(slot: number, x: RecentRecord): void {
    this.r.ensure(slot);
    const v = this.r.view;
    const o = slot * E.size;
    const c16 = (n: number) => Math.min(0xffff, n);
    v.setUint16(o + E.wUp, c16(x.w23.up), true);
    v.setUint16(o + E.wTotal, c16(x.w23.total), true);
    v.setUint16(o + E.tUp, c16(x.today.up), true);
    v.setUint16(o + E.tTotal, c16(x.today.total), true);
    v.setUint32(o + E.tLat, Math.min(0xffffffff, x.today.lat_sum), true);
    v.setUint16(o + E.tLatN, c16(x.today.lat_n), true);
    v.setUint16(o + E.pUp, c16(x.prev.up), true);
    v.setUint16(o + E.pTotal, c16(x.prev.total), true);
    v.setUint32(o + E.pLat, Math.min(0xffffffff, x.prev.lat_sum), true);
    v.setUint16(o + E.pLatN, c16(x.prev.lat_n), true);
    const rel = x.last === null ? NO_AT : Math.max(NO_AT + 1, Math.min(0x7fffffff, x.last.at - this.hour * HOUR_MS));
    v.setInt32(o + E.lastAt, rel, true);
    v.setUint8(o + E.outcome, x.last === null ? 0 : outcomeCode(x.last.outcome));
    v.setUint8(o + E.flags, x.last?.maintenance === true ? 1 : 0);
    v.setUint16(o + E.status, x.last?.status ?? 0, true);
    v.setUint16(o + E.latency, x.last === null || x.last.latency_ms === null ? U16_NONE : clamp16(x.last.latency_ms), true);
  }

  get slots(): number {
    return Math.floor(this.r.bytes.byteLength / E.size);
  }

  toBlob(): Uint8Array {
    return this.r.toBlob();
  }
}
