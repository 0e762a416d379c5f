// What a Space's detail page (/spaces/{id}) shows, read for that Space alone: its status as
// GET /v1/spaces reports it, its last checks and hourly latency (history.ts, check-log.ts),
// and its 24 hourly and 90 daily uptime bars: its own records only, whatever the list's size.
import type { LoggedCheck } from "./check-log.js";
import type { HourLatency, Window } from "./history.js";
import type { SpaceLedger } from "./ledger.js";
import { regionsOf, spaceStatus, type ReportExtras, type SpacesBody } from "./report.js";

export interface SpaceDetail {
  space: SpacesBody["spaces"][number];
  /** Newest first, at most 50 (those of the last two days). */
  checks: LoggedCheck[];
  hours: HourLatency[];
  /** The 24 hourly uptime bars, oldest first. */
  hour_bars: Window[];
  days: Window[];
}

/** Null when no listed Space has that id. */
export function buildSpaceDetail(ledger: SpaceLedger, nowMs: number, extras: ReportExtras, id: string): SpaceDetail | null {
  const listed = ledger.space(id);
  if (listed === null) return null;
  const h = ledger.history;
  // One Space: its own bytes of each block, not whole blocks (history.ts `single`).
  const history = h.spaceHistory(listed.slot, nowMs, true);
  return {
    space: spaceStatus(listed, history, nowMs, extras, regionsOf(ledger)),
    checks: h.recentChecks(listed.slot, nowMs),
    hours: h.chart(listed.slot, nowMs, true),
    hour_bars: h.hourBars(listed.slot, nowMs, true),
    days: h.dailyBars([listed.slot], nowMs).get(listed.slot) ?? [],
  };
}

/** One Space's status (a badge); null when no listed Space has that id. */
export function buildSpaceStatus(ledger: SpaceLedger, nowMs: number, extras: ReportExtras, id: string): SpacesBody["spaces"][number] | null {
  const listed = ledger.space(id);
  return listed === null ? null : spaceStatus(listed, ledger.history.spaceHistory(listed.slot, nowMs, true), nowMs, extras, regionsOf(ledger));
}
