// What GET /v1/spaces answers, a page at a time (problems first, then the list's order): each
// Space's state, last check, latency, uptime windows, last error and HF stage, with the counts
// by state, the list's config errors and the pinger's last tick. Built from storage for the
// Spaces of the page only (history.ts decodes their records); nothing here pings or writes.
import { offsetSeconds } from "../../shared/schedule.js";
import type * as z from "zod";
import type { SpacesReportSchema, SpaceStatusSchema } from "../../shared/api.js";
import { hfSpaceId } from "./hf.js";
import { covers, type MaintenanceWindow, type StoredWindow } from "../../shared/maintenance.js";
import { homeRegion } from "./regions.js";
import { History, type SpaceHistory } from "./history.js";
import type { ListedSpace, ListStatus, SpaceLedger, TickSummary } from "./ledger.js";
import type { Governor } from "../../shared/usage.js";
import { checkedEvery } from "../usage/governor.js";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export type SpaceStatusBody = z.infer<typeof SpaceStatusSchema>;

/** GET /v1/spaces (shared/api.ts has the schema the OpenAPI document is made from). */
export type SpacesBody = z.infer<typeof SpacesReportSchema>;

/** Config errors listed at most (the count says how many there are). */
export const CONFIG_ERRORS_SHOWN = 100;

export function tickBody(t: TickSummary | null): SpacesBody["last_tick"] {
  if (t === null) return null;
  // The row also carries the usage book (ledger.record's `carry`): not part of the summary.
  const { usage: _usage, ...summary } = t as TickSummary & { usage?: unknown };
  // Summaries stored before regions, ping-backs and the watchdog lack their fields.
  const base = { source: "cron" as const, degraded: 0, confirmations: 0, regions: [] as string[] };
  const totals = t.totals === undefined ? undefined : { ...t.totals, checks: { ...t.totals.checks, degraded: t.totals.checks.degraded ?? 0 } };
  return { ...base, ...summary, totals, at: iso(t.at)!, started_at: iso(t.started_at)!, finished_at: iso(t.finished_at)! };
}

/** What the report needs from the store besides the ledger. */
export interface ReportExtras {
  /** Every window kept (which covers a Space now), and those to list. */
  windows: StoredWindow[];
  listed: MaintenanceWindow[];
  pingbackAt: (id: string) => number | null;
  /** The governor's stretch in force (workers/usage/governor.ts). */
  governor: Governor;
  /** A changed list coming in (list.ts), or null. */
  applying?: { done: number; total: number } | null;
}

/** A page's place in the list: the [rank, pos] of its last Space, as "rank.pos". */
export const cursorOf = (s: ListedSpace) => `${s.rank}.${s.pos}`;
export const parseCursor = (c: string | null | undefined): [number, number] | null => {
  if (c === null || c === undefined) return null;
  const [rank, pos] = c.split(".").map(Number);
  return [rank!, pos!];
};

/** The next slot on the Space's grid (its offset comes from its own interval; the step may be stretched). */
function nextCheck(id: string, intervalS: number, everyS: number, nowMs: number): string {
  const off = offsetSeconds(id, intervalS);
  const now = Math.floor(nowMs / 1000);
  const slot = Math.floor((now - off) / everyS) + 1;
  return iso((slot * everyS + off) * 1000)!;
}

/** One Space as GET /v1/spaces shows it, from its row and its history. `regionList`: the regions the last tick ran with. */
export function spaceStatus(ls: ListedSpace, h: SpaceHistory, nowMs: number, extras: ReportExtras, regionList: string[]): SpaceStatusBody {
  const s = ls.config;
  const st = ls.state;
  const w = h.windows;
  const hfId = hfSpaceId(s);
  const window = covers(extras.windows, `space:${s.id}`, nowMs);
  // Home region first (the one it is checked from every time), then the list's order.
  const home = regionList.length === 0 ? null : homeRegion(s.id, regionList);
  const order = (r: string) => (r === home ? -1 : regionList.indexOf(r) === -1 ? regionList.length : regionList.indexOf(r));
  const regions = Object.entries(h.regions).sort((a, b) => order(a[0]) - order(b[0]));
  const every = checkedEvery(s, extras.governor.stretch);
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    group: s.group ?? null,
    interval_s: s.interval_s,
    checked_every_s: every,
    critical: s.critical,
    state: st?.state ?? "unknown",
    since: iso(st?.since),
    last_check: h.last ? { at: iso(h.last.at)!, outcome: h.last.outcome, status: h.last.status, latency_ms: h.last.latency_ms } : null,
    next_check_at: nextCheck(s.id, s.interval_s, every, nowMs),
    latency_24h_ms: h.latency_24h_ms,
    uptime: { "24h": History.ratio(w["24h"]), "7d": History.ratio(w["7d"]), "30d": History.ratio(w["30d"]), "90d": History.ratio(w["90d"]) },
    checks: { "24h": w["24h"].total, "7d": w["7d"].total, "30d": w["30d"].total, "90d": w["90d"].total },
    monitoring_since: h.first_day === null ? null : iso(h.first_day * 86_400_000)!.slice(0, 10),
    last_error: st?.error ? { at: iso(st.error_at), message: st.error, status: st.error_status } : null,
    regions: regions.map(([region, [at, outcome, status, latency]]) => ({ region, home: region === home, outcome, status, latency_ms: latency, at: iso(at)! })),
    maintenance: window === null ? null : { id: window.window.id, until: iso(window.until)!, note: window.window.note },
    pingback: { expected: s.expect_pingback, last_at: iso(extras.pingbackAt(s.id)) },
    hf:
      hfId === null
        ? null
        : { space: hfId, stage: st?.hf_stage ?? null, message: st?.hf_message ?? null, read_at: iso(st?.hf_stage_at), error: st?.hf_error ?? null, restarted_at: iso(st?.hf_restart_at) },
  };
}

/** The regions the last tick ran with decide which one is each Space's home. */
export const regionsOf = (ledger: SpaceLedger) => ledger.getMeta<TickSummary>("last_tick")?.regions ?? [];

/** Each listed Space's status, with its history (for the page's bars). */
export function statuses(ledger: SpaceLedger, listed: ListedSpace[], nowMs: number, extras: ReportExtras): { status: SpaceStatusBody; history: SpaceHistory; slot: number }[] {
  const regionList = regionsOf(ledger);
  return listed.map((ls) => {
    const history = ledger.history.spaceHistory(ls.slot, nowMs);
    return { status: spaceStatus(ls, history, nowMs, extras, regionList), history, slot: ls.slot };
  });
}

/** A page of GET /v1/spaces: `limit` Spaces after `cursor`, problems first. */
export function buildSpacesReport(ledger: SpaceLedger, nowMs: number, extras: ReportExtras, limit: number, cursor: string | null = null): SpacesBody {
  const list = ledger.getMeta<ListStatus>("list");
  // One more than asked: whether another page follows.
  const rows = ledger.page(limit + 1, parseCursor(cursor));
  const shown = rows.slice(0, limit);
  const counts = ledger.counts();
  return {
    generated_at: iso(nowMs)!,
    list: { valid: list?.valid ?? 0, invalid: list?.invalid ?? 0, error: list?.error ?? null, read_at: iso(list?.good_at), checked_at: iso(list?.checked_at), applying: extras.applying ?? null },
    config_errors: (list?.errors ?? []).slice(0, CONFIG_ERRORS_SHOWN),
    last_tick: tickBody(ledger.getMeta<TickSummary>("last_tick")),
    counts: counts as SpacesBody["counts"],
    page: { limit, next_cursor: rows.length > limit ? cursorOf(shown[shown.length - 1]!) : null, total: Object.values(counts).reduce((a, b) => a + b, 0) },
    spaces: statuses(ledger, shown, nowMs, extras).map((x) => x.status),
    maintenance: extras.listed,
    governor: extras.governor,
  };
}
