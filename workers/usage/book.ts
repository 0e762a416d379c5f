// The day's usage, gathered in the SpaceStore (the one object every tick reaches): counts
// handed on by each Durable Object and Worker isolate (tally.ts), a forecast to 00:00 UTC per
// quota, and what the forecast alert and the governor last decided. Kept in memory and
// written inside the tick's summary row, which is written every tick anyway (no row of its own).
import { GBS_PER_MS, PLAN_QUOTAS, QUOTA_ADVICE, QUOTA_LABELS, QUOTAS, levelOf, type Governor, type Plan, type Quota, type QuotaUse, type UsageLevel, type UsageReport } from "../../shared/usage.js";
import { dayOf, type UsageCounts, type UsageDelta } from "./tally.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A count taken at a moment: the forecast's rate is measured from the older of two, 1-2 h back. */
interface Mark {
  at: number;
  counts: UsageCounts;
}

export interface StoredUsage {
  day: number;
  counts: UsageCounts;
  /** Yesterday's totals, still open to late counts. */
  prev: { day: number; counts: UsageCounts } | null;
  marks: Mark[];
  /** The highest level alerted and not yet closed, per quota (kept across days). */
  alerted: Partial<Record<Quota, UsageLevel>>;
  governor: { stretch: number; since: number | null; reason: string | null };
}

/** What the meter cannot count (GET /v1/usage says so). */
export const NOT_SEEN = [
  "requests Cloudflare refuses before the Worker runs (over a limit, blocked by a firewall rule) and static asset requests (free)",
  "an isolate's or object's counts from its last few minutes when it is evicted before handing them on",
  "Durable Object duration other than invocations that wait on I/O (pings, deliveries, ticks): an object kept in memory by a timer or an open SSE stream is billed for that time",
  "SQLite rows read (5,000,000 a day on Free)",
  "Workers CPU time (10 ms per invocation on Free is a per-invocation limit, not a daily one)",
  "other Workers on the same Cloudflare account: the quotas are the account's",
];

const quotaOf = (key: string): { quota: Quota | "subrequests"; what: string; scale: number } | null => {
  const [kind, what = ""] = key.split("|");
  if (kind === "do_duration_ms") return { quota: "do_duration_gbs", what, scale: GBS_PER_MS };
  if (kind === "subrequests") return { quota: "subrequests", what, scale: 1 };
  return (QUOTAS as readonly string[]).includes(kind!) ? { quota: kind as Quota, what, scale: 1 } : null;
};

const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

export interface QuotaForecast {
  quota: Quota;
  used: number;
  forecast: number;
  limit: number;
  /** Per counter of this quota: used, and the rate now (per ms). */
  parts: { what: string; used: number; forecast: number; rate: number }[];
}

export class UsageBook {
  private s: StoredUsage;

  constructor(stored: StoredUsage | null | undefined, now = Date.now()) {
    this.s = stored ?? { day: dayOf(now), counts: {}, prev: null, marks: [], alerted: {}, governor: { stretch: 1, since: null, reason: null } };
    this.roll(now);
  }

  /** Adds counts from any day still open (today and yesterday); older ones are dropped. */
  merge(delta: UsageDelta | null | undefined, now = Date.now()): void {
    this.roll(now);
    for (const [dayKey, counts] of Object.entries(delta ?? {})) {
      const day = Number(dayKey);
      const target = day === this.s.day ? this.s.counts : day === this.s.prev?.day ? this.s.prev.counts : null;
      if (target === null) continue;
      for (const [key, n] of Object.entries(counts)) target[key] = (target[key] ?? 0) + n;
    }
  }

  /** Starts a new day at 00:00 UTC; moves the forecast's marks once an hour. */
  private roll(now: number): void {
    const today = dayOf(now);
    if (today > this.s.day) {
      // Alerts already sent stay noted: they close when the forecast drops (forecast-alerts.ts).
      this.s = { ...this.s, day: today, counts: {}, prev: today === this.s.day + 1 ? { day: this.s.day, counts: this.s.counts } : null, marks: [] };
    }
    const last = this.s.marks[this.s.marks.length - 1];
    // Not in the day's first 15 minutes: the daily roll-up's rows land then, once, and a rate
    // measured across them would take that lump for a pace.
    if (now - today * DAY_MS >= 15 * 60_000 && (last === undefined || now - last.at >= HOUR_MS)) {
      this.s.marks = [...this.s.marks, { at: now, counts: { ...this.s.counts } }].slice(-2);
    }
  }

  toJSON(): StoredUsage {
    return this.s;
  }

  get governor(): StoredUsage["governor"] {
    return this.s.governor;
  }

  /** The governor as the API shows it (GET /v1/usage, GET /v1/spaces). */
  governorView(): Governor {
    const g = this.s.governor;
    return { stretch: g.stretch, since: g.since === null ? null : new Date(g.since).toISOString(), reason: g.reason };
  }

  setGovernor(g: StoredUsage["governor"]): void {
    this.s.governor = g;
  }

  get alerted(): StoredUsage["alerted"] {
    return this.s.alerted;
  }

  setAlerted(a: StoredUsage["alerted"]): void {
    this.s.alerted = a;
  }

  /** When the day counted ends (ms). */
  get dayEnd(): number {
    return (this.s.day + 1) * DAY_MS;
  }

  /**
   * Each counter's use today and its forecast to midnight, grouped by quota. The rate is the
   * last one to two hours'; before there is such a mark, yesterday's average; on a first day,
   * today's. `settled`: the forecast rests on at least an hour of counts (alerts wait for it).
   */
  forecasts(now: number, plan: Plan): { quotas: QuotaForecast[]; subrequests: QuotaForecast["parts"]; settled: boolean } {
    this.roll(now);
    const dayStart = this.s.day * DAY_MS;
    const left = Math.max(0, dayStart + DAY_MS - now);
    const mark = this.s.marks.find((m) => now - m.at >= 10 * 60_000);
    const prev = this.s.prev;
    const rateOf = (key: string, raw: number) => (mark !== undefined ? (raw - (mark.counts[key] ?? 0)) / Math.max(60_000, now - mark.at) : prev !== null ? (prev.counts[key] ?? 0) / DAY_MS : raw / Math.max(60_000, now - dayStart));
    const byQuota = new Map<Quota | "subrequests", QuotaForecast["parts"]>();
    for (const [key, raw] of Object.entries(this.s.counts)) {
      const q = quotaOf(key);
      if (q === null) continue;
      const used = raw * q.scale;
      const rate = rateOf(key, raw) * q.scale;
      const parts = byQuota.get(q.quota) ?? [];
      parts.push({ what: q.what, used, forecast: used + rate * left, rate });
      byQuota.set(q.quota, parts);
    }
    const sum = (parts: QuotaForecast["parts"], k: "used" | "forecast") => parts.reduce((n, p) => n + p[k], 0);
    const quotas = QUOTAS.map((quota) => {
      const parts = (byQuota.get(quota) ?? []).sort((a, b) => b.forecast - a.forecast);
      return { quota, used: sum(parts, "used"), forecast: sum(parts, "forecast"), limit: PLAN_QUOTAS[plan][quota], parts };
    });
    return { quotas, subrequests: (byQuota.get("subrequests") ?? []).sort((a, b) => b.used - a.used), settled: mark !== undefined || prev !== null || now - dayStart >= HOUR_MS };
  }

  report(now: number, plan: Plan): UsageReport {
    const { quotas, subrequests } = this.forecasts(now, plan);
    return {
      plan,
      day: new Date(this.s.day * DAY_MS).toISOString().slice(0, 10),
      at: new Date(now).toISOString(),
      quotas: quotas.map(quotaUse),
      subrequests: { used: round(subrequests.reduce((n, p) => n + p.used, 0)), by: subrequests.map((p) => ({ what: p.what, used: round(p.used), forecast: round(p.forecast) })) },
      governor: this.governorView(),
      not_seen: NOT_SEEN,
    };
  }
}

export function quotaUse(q: QuotaForecast): QuotaUse {
  const places = q.quota === "do_duration_gbs" ? 1 : 0;
  return {
    quota: q.quota,
    label: QUOTA_LABELS[q.quota],
    used: round(q.used, places),
    forecast: round(q.forecast, places),
    limit: q.limit,
    used_share: round(q.used / q.limit, 4),
    forecast_share: round(q.forecast / q.limit, 4),
    level: levelOf(q.forecast / q.limit),
    by: q.parts.map((p) => ({ what: p.what, used: round(p.used, places), forecast: round(p.forecast, places) })),
    advice: QUOTA_ADVICE[q.quota],
  };
}
