// The governor: when the forecast of a quota would pass 95% before 00:00 UTC, the pinger
// checks non-critical Spaces less often, by one factor, until the forecast fits under 90%
// again. Critical Spaces keep their interval; no Space is stretched past 12 h (HF's 48 h
// sleep rule is met four times over) or past its own interval when that is longer. Pools
// are never throttled: heartbeats are the registry's truth. Only what scales with checks
// (shard invocations and their time in memory) can be governed; a quota that runs short
// for another reason is left to the forecast alert, which says what to change.
import { CRITICAL_SHARE, QUOTA_LABELS, type Plan } from "../../shared/usage.js";
import type { QuotaForecast } from "./book.js";

/** 12 h: the keep-alive tier's interval, and the most any Space is stretched to. */
export const MAX_STRETCHED_S = 43_200;
/** 5 minutes to 12 hours. */
export const MAX_STRETCH = 144;
/** The share the governor aims for once engaged (under the 95% that engages it). */
const AIM = 0.9;
const HOUR_MS = 3_600_000;

/** What scales with the number of checks: the shards (their requests and duration). */
const scalesWithChecks = (what: string) => what === "PingShard" || what.startsWith("PingShard.");

/** How often a Space is checked under a stretch: critical ones and stretch 1 keep their interval. */
export function checkedEvery(space: { interval_s: number; critical: boolean }, stretch: number): number {
  if (space.critical || stretch <= 1) return space.interval_s;
  return Math.round(Math.min(space.interval_s * stretch, Math.max(space.interval_s, MAX_STRETCHED_S)));
}

/** The same rule in SQL for ledger.due(), over `spaces s` with the stretch bound as ?3. */
export const CHECKED_EVERY_SQL = `(CASE WHEN ?3 <= 1 OR s.config ->> '$.critical' = 1 THEN s.ivl ELSE ROUND(MIN(s.ivl * ?3, MAX(s.ivl, ${MAX_STRETCHED_S}))) END)`;

export interface GovernorState {
  stretch: number;
  since: number | null;
  reason: string | null;
}

/**
 * The next stretch. `nonCritical`: the share of unstretched checks that are non-critical
 * Spaces'. Changes at most once an hour once engaged (the forecast's rate looks 1-2 h back,
 * so a faster change would chase its own shadow), but engages at once.
 */
export function govern(quotas: QuotaForecast[], current: GovernorState, nonCritical: number, now: number, dayEnd: number, plan: Plan): GovernorState {
  const left = Math.max(60_000, dayEnd - now);
  const c = Math.max(1, current.stretch);
  let need = 1;
  let why: string | null = null;
  for (const q of quotas) {
    const over = q.forecast >= CRITICAL_SHARE * q.limit;
    if (!over && c === 1) continue;
    const governed = q.parts.filter((p) => scalesWithChecks(p.what)).reduce((n, p) => n + p.rate, 0);
    if (governed === 0) continue;
    const other = q.parts.reduce((n, p) => n + p.rate, 0) - governed;
    // What the governed part would cost unstretched, split into critical and not.
    const unstretched = governed / (1 - nonCritical + nonCritical / c);
    const critical = unstretched * (1 - nonCritical);
    const room = (AIM * q.limit - q.used) / left - other - critical;
    const s = room <= 0 ? MAX_STRETCH : Math.min(MAX_STRETCH, (unstretched * nonCritical) / room);
    if (s > need) {
      need = s;
      why = `${QUOTA_LABELS[q.quota]} forecast ${Math.round((q.forecast / q.limit) * 100)}% of the ${plan} plan's ${q.limit.toLocaleString("en-US")} a day`;
    }
  }
  const stretch = Math.ceil(Math.max(1, need) * 100) / 100;
  if (stretch === 1 && c === 1) return { stretch: 1, since: null, reason: null };
  // Engaging is immediate; any later change waits an hour from the last.
  if (c > 1 && current.since !== null && now - current.since < HOUR_MS) return current;
  if (stretch === 1) return { stretch: 1, since: null, reason: null };
  return { stretch, since: now, reason: `${why ?? current.reason ?? "forecast over 95%"}: non-critical Spaces are checked ${stretch}x less often (never less than every 12 h); critical Spaces and pools are not slowed` };
}
