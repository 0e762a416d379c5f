// Response shapes of the edge's HTTP API that are not heartbeat payloads: the error
// envelope, the heartbeat answer, the pinger's report and the pool list. The Worker's code
// is typed from these (workers/pinger/report.ts), and GET /openapi.json is generated from
// them, so the document cannot drift from what is served.
import * as z from "zod";
import { SpaceConfigErrorSchema } from "./spaces.js";

export const FieldIssueSchema = z.object({ field: z.string(), message: z.string() });

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "Stable, machine-readable, e.g. invalid_body, unauthorized" }),
    message: z.string(),
    field: z.string().optional().meta({ description: "The first bad field, dotted (gpus.0.free_vram_bytes)" }),
    issues: z.array(FieldIssueSchema).optional(),
  }),
});

export const HeartbeatAckSchema = z.object({
  status: z.enum(["accepted", "ignored", "left"]),
  reason: z.string().optional(),
  server_time: z.string(),
  interval_s: z.number().meta({ description: "When to send the next heartbeat" }),
  pool_id: z.string(),
  edge_sidecar_version: z.string().meta({ description: "The heartbeat-sidecar version this edge serves at /heartbeat-sidecar.tgz" }),
});

const Windows = <T extends z.ZodType>(t: T) => z.object({ "24h": t, "7d": t, "30d": t, "90d": t });

export const SpaceStateSchema = z.enum(["unknown", "up", "down", "waking"]);

export const SpaceStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  interval_s: z.number(),
  critical: z.boolean(),
  state: SpaceStateSchema,
  since: z.string().nullable(),
  last_check: z.object({ at: z.string(), outcome: z.string(), status: z.number().nullable(), latency_ms: z.number().nullable() }).nullable(),
  next_check_at: z.string(),
  latency_24h_ms: z.number().nullable(),
  uptime: Windows(z.number().nullable()),
  checks: Windows(z.number()),
  last_error: z.object({ at: z.string().nullable(), message: z.string(), status: z.number().nullable() }).nullable(),
  hf: z
    .object({ space: z.string(), stage: z.string().nullable(), message: z.string().nullable(), read_at: z.string().nullable(), error: z.string().nullable(), restarted_at: z.string().nullable() })
    .nullable(),
});

export const PingTotalsSchema = z.object({
  checks: z.object({ up: z.number(), down: z.number(), waking: z.number(), skipped: z.number(), lost: z.number() }),
  attempts: z.number(),
  subrequests: z.number(),
  ticks: z.number(),
});

export const TickSummarySchema = z.object({
  at: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  plan_ms: z.number(),
  shards_ms: z.number(),
  due: z.number(),
  checked: z.number(),
  up: z.number(),
  down: z.number(),
  waking: z.number(),
  skipped: z.number(),
  lost: z.number(),
  shards: z.number(),
  subrequests: z.number(),
  max_subrequests_per_shard: z.number(),
  max_in_flight: z.number(),
  totals: PingTotalsSchema.optional(),
});

export const SpacesReportSchema = z.object({
  generated_at: z.string(),
  list: z.object({ valid: z.number(), invalid: z.number(), error: z.string().nullable(), read_at: z.string().nullable(), checked_at: z.string().nullable() }),
  config_errors: z.array(SpaceConfigErrorSchema),
  last_tick: TickSummarySchema.nullable(),
  spaces: z.array(SpaceStatusSchema),
});

export const PingerHealthSchema = z.object({
  status: z.enum(["ok", "overdue", "misconfigured"]),
  message: z.string().optional(),
  tick_interval_s: z.number().optional(),
  last_tick_age_s: z.number().nullable().optional(),
  last_tick: TickSummarySchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string() }).optional(),
});

export const PoolSummarySchema = z.object({
  pool_id: z.string(),
  workers: z.object({ fresh: z.number(), stale: z.number() }),
  hosts: z.object({ fresh: z.number(), stale: z.number() }),
  eviction_suspended: z.boolean(),
});
