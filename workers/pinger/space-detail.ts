// What a Space's detail page (/spaces/{id}) shows, read for that Space alone: its status as
// GET /v1/spaces reports it, its last checks and hourly latency (check-log.ts), and its 24
// hourly and 90 daily uptime bars (history.ts).
import { hourly, LAST_CHECKS, readRecentChecks, type HourLatency, type LoggedCheck } from "./check-log.js";
import { readDailyBars, type Window } from "./history.js";
import type { SpaceLedger } from "./ledger.js";
import { buildSpacesReport, type ReportExtras, type SpacesBody } from "./report.js";

export interface SpaceDetail {
  space: SpacesBody["spaces"][number];
  /** Newest first, at most 50 (those of today and yesterday: the log keeps two days). */
  checks: LoggedCheck[];
  hours: HourLatency[];
  /** The 24 hourly uptime bars, oldest first. */
  hour_bars: Window[];
  days: Window[];
}

/** Null when no listed Space has that id. */
export function buildSpaceDetail(ledger: SpaceLedger, nowMs: number, extras: ReportExtras, id: string): SpaceDetail | null {
  const { history, spaces } = buildSpacesReport(ledger, nowMs, extras, id);
  const space = spaces[0];
  if (space === undefined) return null;
  const checks = readRecentChecks(ledger.sql, nowMs, [id]).get(id)!;
  return { space, checks: checks.slice(0, LAST_CHECKS), hours: hourly(checks, nowMs), hour_bars: history.get(id)?.hours ?? [], days: readDailyBars(ledger.sql, nowMs, [id]).get(id) ?? [] };
}
