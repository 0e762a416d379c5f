// The forecast alert: when a quota's forecast to 00:00 UTC reaches 80% of the plan's daily
// amount, one alert saying which quota, what uses it and what to change; another at 95%.
// Each closes when the forecast falls back under its line less a margin (5 points), so a
// forecast hovering at the line does not open and close all day.
import { CRITICAL_SHARE, QUOTA_ADVICE, QUOTA_LABELS, WARN_SHARE, type Plan, type Quota, type UsageLevel } from "../../shared/usage.js";
import type { AlertSignal } from "../alerts/signals.js";
import type { QuotaForecast } from "./book.js";

const LINES: { level: Exclude<UsageLevel, "ok">; share: number }[] = [
  { level: "warning", share: WARN_SHARE },
  { level: "critical", share: CRITICAL_SHARE },
];
const MARGIN = 0.05;
const rank = (l: UsageLevel | undefined) => (l === "critical" ? 2 : l === "warning" ? 1 : 0);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function usageKey(quota: Quota, share: number): string {
  return `usage:${quota}:${Math.round(share * 100)}`;
}

/** Signals for quotas that crossed a line (up or back down), and the levels now alerted. */
export function usageSignals(quotas: QuotaForecast[], alerted: Partial<Record<Quota, UsageLevel>>, plan: Plan, governed: string | null, now: number): { signals: AlertSignal[]; alerted: Partial<Record<Quota, UsageLevel>> } {
  const signals: AlertSignal[] = [];
  const next = { ...alerted };
  for (const q of quotas) {
    const share = q.forecast / q.limit;
    const pct = Math.round(share * 100);
    // Closing first, the higher line first, so a forecast that fell past both closes both.
    for (const line of [...LINES].reverse()) {
      if (rank(next[q.quota]) >= rank(line.level) && share < line.share - MARGIN) {
        signals.push({ key: usageKey(q.quota, line.share), subject: "usage", bad: false, title: `${QUOTA_LABELS[q.quota]}: forecast back to ${pct}% of the ${plan} plan's daily ${fmt(q.limit)}`, detail: null, at: now });
        if (line.level === "critical") next[q.quota] = "warning";
        else delete next[q.quota];
      }
    }
    for (const line of LINES) {
      if (rank(next[q.quota]) >= rank(line.level) || share < line.share) continue;
      const top = q.parts.slice(0, 3).map((p) => `${p.what} ${fmt(p.forecast)}`).join(", ");
      const detail = [`${fmt(q.used)} used so far today; forecast by 00:00 UTC ${fmt(q.forecast)} of ${fmt(q.limit)}.`, `Most from: ${top}.`, `To change: ${QUOTA_ADVICE[q.quota]}.`];
      if (governed !== null) detail.push(`The governor is on: ${governed}.`);
      signals.push({ key: usageKey(q.quota, line.share), subject: "usage", bad: true, title: `${QUOTA_LABELS[q.quota]}: forecast ${pct}% of the ${plan} plan's daily ${fmt(q.limit)}`, detail: detail.join(" "), at: now });
      next[q.quota] = line.level;
    }
  }
  return { signals, alerted: next };
}
