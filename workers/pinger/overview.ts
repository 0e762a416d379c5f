// What the status page and /metrics read of the pinger in one call: the report (report.ts),
// running totals, today's usage, and for the Spaces drawn as cards their uptime bars and
// hourly latency chart. Read from storage only; assembled here, not in the store's class.
import type { UsageReport } from "../../shared/usage.js";
import { hourly, readRecentChecks, type HourLatency } from "./check-log.js";
import { readDailyBars, type Window } from "./history.js";
import type { PingTotals, SpaceLedger, TickSummary } from "./ledger.js";
import { buildSpacesReport, type ReportExtras, type SpacesBody } from "./report.js";

export interface SpacesOverview extends SpacesBody {
  /** For the Spaces drawn as cards: uptime bars and the hourly latency chart. */
  bars: Record<string, { hours: Window[]; days: Window[]; latency: HourLatency[] }>;
  totals: PingTotals | null;
  /** Today's usage (the page's footer line, /metrics). */
  usage: UsageReport;
}

/**
 * The Spaces that get a card, in the order they are drawn: all of them while the list has at
 * most `limit`; beyond that only those not up (at most `limit`), the rest get a table row.
 * The status page asks for `limit` and draws by the same rule.
 */
export function cardedSpaces<T extends { state: string }>(all: T[], limit: number): T[] {
  return all.length > limit ? all.filter((s) => s.state !== "up").slice(0, limit) : all;
}

/** `cards`: how many Spaces may get bars (0: none, as /metrics asks). */
export function buildOverview(ledger: SpaceLedger, now: number, extras: ReportExtras, cards: number, usage: UsageReport): SpacesOverview {
  const { history, ...body } = buildSpacesReport(ledger, now, extras);
  const carded = cards === 0 ? [] : cardedSpaces(body.spaces, cards).map((s) => s.id);
  const days = readDailyBars(ledger.sql, now, carded);
  const checks = readRecentChecks(ledger.sql, now, carded);
  const bars: SpacesOverview["bars"] = {};
  for (const id of carded) bars[id] = { hours: history.get(id)?.hours ?? [], days: days.get(id) ?? [], latency: hourly(checks.get(id) ?? [], now) };
  return { ...body, bars, totals: ledger.getMeta<TickSummary>("last_tick")?.totals ?? null, usage };
}
