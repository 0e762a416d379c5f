// The platform quotas this Worker spends, per plan, and the shape of GET /v1/usage. On the
// Workers Free plan each is a daily limit: past it, every further operation of that kind
// fails until 00:00 UTC. On Paid nothing fails; the included amount is monthly, shown here
// as a thirtieth of it a day so the same share reads "on course to be billed for more".
import * as z from "zod";

export const PLANS = ["free", "paid"] as const;
export type Plan = (typeof PLANS)[number];

export const QUOTAS = ["worker_requests", "do_requests", "rows_written", "do_duration_gbs", "kv_reads", "kv_writes"] as const;
export type Quota = (typeof QUOTAS)[number];

/** Per UTC day (Free: the limits in Cloudflare's docs, 2026; Paid: included per month / 30). */
export const PLAN_QUOTAS: Record<Plan, Record<Quota, number>> = {
  free: { worker_requests: 100_000, do_requests: 100_000, rows_written: 100_000, do_duration_gbs: 13_000, kv_reads: 100_000, kv_writes: 1_000 },
  paid: {
    worker_requests: Math.round(10_000_000 / 30),
    do_requests: Math.round(1_000_000 / 30),
    rows_written: Math.round(50_000_000 / 30),
    do_duration_gbs: Math.round(400_000 / 30),
    kv_reads: Math.round(10_000_000 / 30),
    kv_writes: Math.round(1_000_000 / 30),
  },
};

export const QUOTA_LABELS: Record<Quota, string> = {
  worker_requests: "Worker requests",
  do_requests: "Durable Object requests",
  rows_written: "SQLite rows written",
  do_duration_gbs: "Durable Object duration (GB-s)",
  kv_reads: "KV reads",
  kv_writes: "KV writes",
};

/** What to change when a quota runs short: said in the forecast alert and on /v1/usage. */
export const QUOTA_ADVICE: Record<Quota, string> = {
  worker_requests: "fewer pool heartbeats (raise pool_interval_s) or ping-backs, or fewer page and /metrics scrapes",
  do_requests: "longer Space intervals (tier warm or keep-alive), larger shards (PING_SPACES_PER_SHARD up to PING_SUBREQUESTS_PER_SHARD), fewer regions, or fewer pool heartbeats",
  rows_written: "fewer Spaces or longer intervals (state and history rows), CRON_LATE_S=0 (the watch's alarm rows), or a longer pool flush_interval_s",
  do_duration_gbs: "shorter ping timeouts and fewer retries (shards wait on slow Spaces), and no long-open SSE streams",
  kv_reads: "fewer changes to the Space list and alert settings (each tick reads them once)",
  kv_writes: "fewer writes of the Space list and alert settings through the admin API",
};

/** GB-s per millisecond of a Durable Object in memory: billed at 128 MB (Cloudflare's pricing page). */
export const GBS_PER_MS = 0.128 / 1000;

/** Shares of the forecast that raise an alert, and the one the governor keeps the pinger under. */
export const WARN_SHARE = 0.8;
export const CRITICAL_SHARE = 0.95;

export const UsageLevelSchema = z.enum(["ok", "warning", "critical"]).meta({ description: "warning: forecast at or over 80% of the quota; critical: at or over 95%" });

export const UsagePartSchema = z.object({
  what: z.string().meta({ description: "A route family, a Durable Object class and cause (PingShard.rpc, PoolRegistry.alarm), or a store" }),
  used: z.number(),
  forecast: z.number(),
});

export const QuotaUseSchema = z.object({
  quota: z.enum(QUOTAS),
  label: z.string(),
  used: z.number().meta({ description: "Today so far (UTC day)" }),
  forecast: z.number().meta({ description: "Expected by 00:00 UTC at the last hour's rate" }),
  limit: z.number().meta({ description: "The plan's quota per day (paid: included per month / 30)" }),
  used_share: z.number(),
  forecast_share: z.number(),
  level: UsageLevelSchema,
  by: z.array(UsagePartSchema).meta({ description: "What uses it, most first" }),
  advice: z.string().meta({ description: "What to change if it runs short" }),
});

export const GovernorSchema = z.object({
  stretch: z.number().meta({ description: "Non-critical Spaces' intervals are multiplied by this (1: not stretched), never past 12 h" }),
  since: z.string().nullable(),
  reason: z.string().nullable(),
});

export const UsageReportSchema = z.object({
  plan: z.enum(PLANS),
  day: z.string().meta({ description: "The UTC day counted, YYYY-MM-DD" }),
  at: z.string(),
  quotas: z.array(QuotaUseSchema),
  subrequests: z.object({
    used: z.number(),
    by: z.array(UsagePartSchema),
  }).meta({ description: "External subrequests (pings, HF API, alert deliveries): limited per invocation (50 on Free), not per day" }),
  governor: GovernorSchema,
  not_seen: z.array(z.string()).meta({ description: "What the meter cannot count" }),
});

export type UsageLevel = z.infer<typeof UsageLevelSchema>;
export type QuotaUse = z.infer<typeof QuotaUseSchema>;
export type UsageReport = z.infer<typeof UsageReportSchema>;
export type Governor = z.infer<typeof GovernorSchema>;

export function levelOf(share: number): UsageLevel {
  return share >= CRITICAL_SHARE ? "critical" : share >= WARN_SHARE ? "warning" : "ok";
}
