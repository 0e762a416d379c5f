// What GET /v1/spaces answers: each Space's state, last check, latency, uptime windows,
// last error and HF stage, with the list's config errors and the pinger's last tick.
// Built from storage only; nothing here pings or writes.
import { offsetSeconds } from "../../shared/schedule.js";
import type * as z from "zod";
import type { SpacesReportSchema, SpaceStatusSchema } from "../../shared/api.js";
import { hfSpaceId } from "./hf.js";
import { covers, type MaintenanceWindow, type StoredWindow } from "../../shared/maintenance.js";
import { homeRegion } from "./regions.js";
import { readHistory, type SpaceHistory, type Window } from "./history.js";
import type { ListStatus, SpaceLedger, SpaceState, TickSummary } from "./ledger.js";
import type { Governor } from "../../shared/usage.js";
import { checkedEvery } from "../usage/governor.js";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const ratio = (w: Window) => (w.total === 0 ? null : Math.round((w.up / w.total) * 100_000) / 100_000);

export type SpaceStatusBody = z.infer<typeof SpaceStatusSchema>;

/** GET /v1/spaces (shared/api.ts has the schema the OpenAPI document is made from). */
export type SpacesBody = z.infer<typeof SpacesReportSchema>;

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
}

/** The next slot on the Space's grid (its offset comes from its own interval; the step may be stretched). */
function nextCheck(id: string, intervalS: number, everyS: number, nowMs: number): string {
  const off = offsetSeconds(id, intervalS);
  const now = Math.floor(nowMs / 1000);
  const slot = Math.floor((now - off) / everyS) + 1;
  return iso((slot * everyS + off) * 1000)!;
}

export function buildSpacesReport(
  ledger: SpaceLedger,
  nowMs: number,
  extras: ReportExtras = { windows: [], listed: [], pingbackAt: () => null, governor: { stretch: 1, since: null, reason: null } },
  only: string | null = null,
): SpacesBody & { history: Map<string, SpaceHistory> } {
  const list = ledger.getMeta<ListStatus>("list");
  const states = only === null ? ledger.allStates() : ledger.states([only]);
  const history = readHistory(ledger.sql, nowMs, only);
  // The regions the last tick ran with decide which one is each Space's home.
  const lastTick = ledger.getMeta<TickSummary>("last_tick");
  const regionList = lastTick?.regions ?? [];
  const spaces = ledger.spaces(only).map((s): SpaceStatusBody => {
    const st = states.get(s.id);
    const h = history.get(s.id);
    const w = h?.windows;
    const hfId = hfSpaceId(s);
    const window = covers(extras.windows, `space:${s.id}`, nowMs);
    // Home region first (the one it is checked from every time), then the list's order.
    const home = regionList.length === 0 ? null : homeRegion(s.id, regionList);
    const order = (r: string) => (r === home ? -1 : regionList.indexOf(r) === -1 ? regionList.length : regionList.indexOf(r));
    const regions = Object.entries(h?.regions ?? {}).sort((a, b) => order(a[0]) - order(b[0]));
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
      last_check: h?.last ? { at: iso(h.last.at)!, outcome: h.last.outcome, status: h.last.status, latency_ms: h.last.latency_ms } : null,
      next_check_at: nextCheck(s.id, s.interval_s, every, nowMs),
      latency_24h_ms: h?.latency_24h_ms ?? null,
      uptime: { "24h": w ? ratio(w["24h"]) : null, "7d": w ? ratio(w["7d"]) : null, "30d": w ? ratio(w["30d"]) : null, "90d": w ? ratio(w["90d"]) : null },
      checks: { "24h": w?.["24h"].total ?? 0, "7d": w?.["7d"].total ?? 0, "30d": w?.["30d"].total ?? 0, "90d": w?.["90d"].total ?? 0 },
      monitoring_since: h?.first_day === null || h?.first_day === undefined ? null : iso(h.first_day * 86_400_000)!.slice(0, 10),
      last_error: st?.error ? { at: iso(st.error_at), message: st.error, status: st.error_status } : null,
      regions: regions.map(([region, [at, outcome, status, latency]]) => ({ region, home: region === home, outcome, status, latency_ms: latency, at: iso(at)! })),
      maintenance: window === null ? null : { id: window.window.id, until: iso(window.until)!, note: window.window.note },
      pingback: { expected: s.expect_pingback, last_at: iso(extras.pingbackAt(s.id)) },
      hf:
        hfId === null
          ? null
          : { space: hfId, stage: st?.hf_stage ?? null, message: st?.hf_message ?? null, read_at: iso(st?.hf_stage_at), error: st?.hf_error ?? null, restarted_at: iso(st?.hf_restart_at) },
    };
  });
  return {
    generated_at: iso(nowMs)!,
    list: { valid: list?.valid ?? 0, invalid: list?.invalid ?? 0, error: list?.error ?? null, read_at: iso(list?.good_at), checked_at: iso(list?.checked_at) },
    config_errors: list?.errors ?? [],
    last_tick: tickBody(lastTick),
    spaces,
    maintenance: extras.listed,
    governor: extras.governor,
    history,
  };
}
