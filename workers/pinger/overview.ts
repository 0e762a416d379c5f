// What the status page reads of the pinger in one call: a page of Spaces (problems first, as
// GET /v1/spaces pages them) with the counts by state, running totals and today's usage, and
// for the Spaces drawn as cards their uptime bars and hourly latency chart. Read from storage
// for the page's Spaces only; assembled here, not in the store's class.
import type { UsageReport } from "../../shared/usage.js";
import type { HourLatency, Window } from "./history.js";
import type { ListStatus, PingTotals, SpaceLedger, TickSummary } from "./ledger.js";
import { buildSpacesReport, statuses, tickBody, type ReportExtras, type SpacesBody } from "./report.js";

export interface SpacesOverview extends SpacesBody {
  /** For the Spaces drawn as cards: uptime bars and the hourly latency chart. */
  bars: Record<string, CardBars>;
  totals: PingTotals | null;
  /** Today's usage (the page's footer line, /metrics). */
  usage: UsageReport;
}

export interface CardBars {
  hours: Window[];
  days: Window[];
  latency: HourLatency[];
}

/**
 * The overview as SpaceStore.overview() answers it: each card's bars packed in typed arrays,
 * which RPC copies as bytes. As objects (138 a card, 30 cards) their deserialising was the
 * largest part of the status page's CPU in the Worker (bench:limits). unpackOverview() reads it.
 */
export interface PackedOverview extends Omit<SpacesOverview, "bars"> {
  bars: Record<string, PackedBars>;
}

export interface PackedBars {
  hours: number;
  /** up, total for each hour, then each day. */
  windows: Uint32Array;
  /** hour, checks, failed, p50 (NaN: none), max (NaN: none) for each hour of the chart. */
  latency: Float64Array;
}

export function packBars(b: CardBars): PackedBars {
  const all = [...b.hours, ...b.days];
  const windows = new Uint32Array(all.length * 2);
  all.forEach((w, i) => {
    windows[2 * i] = w.up;
    windows[2 * i + 1] = w.total;
  });
  const latency = new Float64Array(b.latency.length * 5);
  b.latency.forEach((h, i) => latency.set([h.hour, h.checks, h.failed, h.p50_ms ?? NaN, h.max_ms ?? NaN], 5 * i));
  return { hours: b.hours.length, windows, latency };
}

export function unpackBars(p: PackedBars): CardBars {
  const windows: Window[] = [];
  for (let i = 0; i < p.windows.length; i += 2) windows.push({ up: p.windows[i]!, total: p.windows[i + 1]! });
  const latency: HourLatency[] = [];
  const orNull = (v: number) => (Number.isNaN(v) ? null : v);
  for (let i = 0; i < p.latency.length; i += 5) latency.push({ hour: p.latency[i]!, checks: p.latency[i + 1]!, failed: p.latency[i + 2]!, p50_ms: orNull(p.latency[i + 3]!), max_ms: orNull(p.latency[i + 4]!) });
  return { hours: windows.slice(0, p.hours), days: windows.slice(p.hours), latency };
}

export function unpackOverview(o: PackedOverview): SpacesOverview {
  const bars: Record<string, CardBars> = {};
  for (const [id, b] of Object.entries(o.bars)) bars[id] = unpackBars(b);
  return { ...o, bars };
}

/**
 * The Spaces that get a card, in the order they are drawn: all of them while the page has at
 * most `limit`; beyond that only those not up (at most `limit`), the rest get a table row.
 * The status page asks for `limit` and draws by the same rule.
 */
export function cardedSpaces<T extends { state: string }>(all: T[], limit: number): T[] {
  return all.length > limit ? all.filter((s) => s.state !== "up").slice(0, limit) : all;
}

/** `page`: how many Spaces after `cursor`; `cards`: how many of them may get bars (0: none). */
export function buildOverview(ledger: SpaceLedger, now: number, extras: ReportExtras, page: { limit: number; cursor: string | null; cards: number }, usage: UsageReport): PackedOverview {
  const body = buildSpacesReport(ledger, now, extras, page.limit, page.cursor);
  const carded = page.cards === 0 ? [] : cardedSpaces(body.spaces, page.cards);
  const bars: PackedOverview["bars"] = {};
  if (carded.length > 0) {
    const listed = carded.map((s) => ledger.space(s.id)!).filter((l) => l !== null);
    const days = ledger.history.dailyBars(listed.map((l) => l.slot), now);
    for (const { status, slot } of statuses(ledger, listed, now, extras)) {
      bars[status.id] = packBars({ hours: ledger.history.hourBars(slot, now), days: days.get(slot) ?? [], latency: ledger.history.chart(slot, now) });
    }
  }
  return { ...body, bars, totals: ledger.getMeta<TickSummary>("last_tick")?.totals ?? null, usage };
}


/** What /metrics reads of the pinger: a part of the Spaces (in the list's order), and with the first part the pinger's own figures. */
export interface SpacesMetrics {
  /** 1-based; `parts` at the current list's size. */
  part: number;
  parts: number;
  spaces: SpacesBody["spaces"];
  /** The first part only (each series once across the parts). */
  pinger: { totals: PingTotals | null; last_tick: SpacesBody["last_tick"]; config_errors: number; usage: UsageReport } | null;
}

export function buildMetricsPart(ledger: SpaceLedger, now: number, extras: ReportExtras, part: number, size: number, usage: () => UsageReport): SpacesMetrics {
  const total = Object.values(ledger.counts()).reduce((a, b) => a + b, 0);
  const parts = Math.max(1, Math.ceil(total / size));
  const spaces = statuses(ledger, ledger.byPos((part - 1) * size, size), now, extras).map((x) => x.status);
  const last = ledger.getMeta<TickSummary>("last_tick");
  const list = ledger.getMeta<ListStatus>("list");
  return {
    part,
    parts,
    spaces,
    pinger: part === 1 ? { totals: last?.totals ?? null, last_tick: tickBody(last), config_errors: list?.invalid ?? 0, usage: usage() } : null,
  };
}
