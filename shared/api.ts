// Shapes of the edge's HTTP API that are not heartbeat payloads: the error envelope, the
// heartbeat answer, the pinger's report, the pool list and the admin answers, and the
// queries and small bodies the routes parse. The Worker's code is typed from these
// (workers/pinger/report.ts, workers/pools/pool-registry.ts), and the OpenAPI document is
// generated from them at build time, so the document cannot drift from what is served.
import * as z from "zod";
import { AlertSubjectSchema } from "./alerts.js";
import { SenderIdSchema } from "./ids.js";
import { TokenScopeSchema } from "./placement.js";
import { PoolEventSchema, SenderStateSchema } from "./snapshot.js";
import { MaintenanceWindowSchema } from "./maintenance.js";
import { SpaceConfigErrorSchema, SpaceObjectSchema } from "./spaces.js";
import { GovernorSchema } from "./usage.js";

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

export const SpaceStateSchema = z.enum(["unknown", "up", "down", "waking", "degraded"]).meta({
  description: "degraded: it answers, but only from some regions (PING_REGIONS), or its app stopped pinging back (expect_pingback); the reason is in last_error",
});

export const RegionCheckSchema = z.object({
  region: z.string().meta({ description: "A Durable Object location hint from PING_REGIONS" }),
  home: z.boolean().meta({ description: "The region the Space is checked from first; the others only confirm failures" }),
  outcome: z.string(),
  status: z.number().nullable(),
  latency_ms: z.number().nullable(),
  at: z.string(),
});

export const SpaceStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  group: z.string().nullable().meta({ description: "The Space list's `group` (the status page's heading for it)" }),
  interval_s: z.number(),
  checked_every_s: z.number().meta({ description: "interval_s, or longer while the governor stretches non-critical Spaces to stay inside the plan's quotas (never past 12 h)" }),
  critical: z.boolean(),
  state: SpaceStateSchema,
  since: z.string().nullable(),
  last_check: z.object({ at: z.string(), outcome: z.string(), status: z.number().nullable(), latency_ms: z.number().nullable() }).nullable(),
  next_check_at: z.string(),
  latency_24h_ms: z.number().nullable(),
  uptime: Windows(z.number().nullable()),
  checks: Windows(z.number()),
  monitoring_since: z.string().nullable().meta({ description: "UTC day (YYYY-MM-DD) of the oldest check the uptime figures rest on; null before the first" }),
  last_error: z.object({ at: z.string().nullable(), message: z.string(), status: z.number().nullable() }).nullable(),
  regions: z.array(RegionCheckSchema).meta({ description: "Each region's latest check (empty without PING_REGIONS)" }),
  maintenance: z
    .object({ id: z.string(), until: z.string(), note: z.string() })
    .nullable()
    .meta({ description: "The maintenance window in force for this Space: its checks are recorded but alert nothing and count for no uptime" }),
  pingback: z.object({
    expected: z.boolean(),
    last_at: z.string().nullable().meta({ description: "The latest ping-back from inside the Space (GET /health?space=<id>)" }),
  }),
  hf: z
    .object({ space: z.string(), stage: z.string().nullable(), message: z.string().nullable(), read_at: z.string().nullable(), error: z.string().nullable(), restarted_at: z.string().nullable() })
    .nullable(),
});

export const PingTotalsSchema = z.object({
  checks: z.object({ up: z.number(), down: z.number(), waking: z.number(), degraded: z.number(), skipped: z.number(), lost: z.number() }),
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
  source: z.enum(["cron", "alarm"]).meta({ description: "alarm: the pinger's own alarm ran this tick because the cron was late" }),
  due: z.number(),
  checked: z.number(),
  up: z.number(),
  down: z.number(),
  waking: z.number(),
  degraded: z.number(),
  skipped: z.number(),
  lost: z.number(),
  shards: z.number(),
  confirmations: z.number().meta({ description: "Spaces found down at home and checked again from another region" }),
  regions: z.array(z.string()).meta({ description: "PING_REGIONS the tick ran with (empty: one pass, no confirmation)" }),
  subrequests: z.number(),
  max_subrequests_per_shard: z.number(),
  max_in_flight: z.number(),
  totals: PingTotalsSchema.optional(),
});

/** Spaces on one page of GET /v1/spaces, the status page and /metrics: what fits one invocation's CPU. */
export const SPACES_PAGE_DEFAULT = 100;
export const SPACES_PAGE_MAX = 250;

const CursorSchema = z
  .string()
  .regex(/^[0-9]{1,2}\.[0-9]{1,6}$/, "expected a next_cursor from the previous page")
  .meta({ description: "The previous page's next_cursor" });

/** GET /v1/spaces?limit=&cursor= */
export const SpacesQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(SPACES_PAGE_MAX).default(SPACES_PAGE_DEFAULT).meta({ description: `Spaces on the page (at most ${SPACES_PAGE_MAX})` }),
    cursor: CursorSchema.optional(),
    token: z.string().optional().meta({ description: "STATUS_TOKEN when STATUS_PAGE=private (or send it as a bearer header)" }),
  })
  .strict();

/** GET /?cursor= (the status page; other query parameters, such as a campaign tag, are ignored). */
export const StatusPageQuerySchema = z.object({ cursor: CursorSchema.optional(), token: z.string().optional() });

/** Spaces per /metrics part (/metrics?part=2, ...: one scrape target each past the first): what one invocation renders in a few ms. */
export const METRICS_PART = 250;

/** GET /metrics?part= */
export const MetricsQuerySchema = z.object({
  part: z.coerce.number().int().min(1).max(100).default(1).meta({ description: `Spaces come ${METRICS_PART} a part, in the list's order (edge_pulse_metrics_parts says how many); pools, GPUs and the pinger's own series are in part 1` }),
  token: z.string().optional(),
});

export const StateCountsSchema = z.object({ down: z.number(), degraded: z.number(), waking: z.number(), unknown: z.number(), up: z.number() });

export const SpacesReportSchema = z.object({
  generated_at: z.string(),
  list: z.object({
    valid: z.number(),
    invalid: z.number(),
    error: z.string().nullable(),
    read_at: z.string().nullable(),
    checked_at: z.string().nullable(),
    applying: z
      .object({ done: z.number(), total: z.number() })
      .nullable()
      .meta({ description: "A changed list coming in, a few hundred entries a tick (its Spaces are checked as they arrive); null when none is" }),
  }),
  config_errors: z.array(SpaceConfigErrorSchema).meta({ description: "The first 100 bad entries of the list (list.invalid counts them all)" }),
  last_tick: TickSummarySchema.nullable(),
  counts: StateCountsSchema.meta({ description: "Listed Spaces by state, all pages" }),
  page: z.object({
    limit: z.number(),
    next_cursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last" }),
    total: z.number().meta({ description: "Listed Spaces, all pages" }),
  }),
  spaces: z.array(SpaceStatusSchema).meta({ description: "This page: problems first (down, degraded, waking, unknown), then up, each in the list's order" }),
  maintenance: z.array(MaintenanceWindowSchema).meta({ description: "Maintenance windows in force or to come, and one-offs that ended within a week" }),
  governor: GovernorSchema,
});

export const PingerHealthSchema = z.object({
  status: z.enum(["ok", "cron_late", "overdue", "misconfigured"]).meta({ description: "cron_late: checks go on, run by the pinger's own alarm (200)" }),
  message: z.string().optional(),
  tick_interval_s: z.number().optional(),
  last_tick_age_s: z.number().nullable().optional(),
  last_tick: TickSummarySchema.nullable(),
  cron: z
    .object({
      late_since: z.string().nullable().meta({ description: "Since when the pinger's own alarm has run the ticks because the Cron Trigger stopped; null while the cron ticks" }),
      late_after_s: z.number(),
      watch_alarm_at: z.string().nullable(),
    })
    .optional(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string() }).optional(),
});

export const PoolSummarySchema = z.object({
  pool_id: z.string(),
  workers: z.object({ fresh: z.number(), stale: z.number() }),
  hosts: z.object({ fresh: z.number(), stale: z.number() }),
  eviction_suspended: z.boolean(),
});

export const PoolListSchema = z.object({ pools: z.array(PoolSummarySchema) });

export const PoolEventsSchema = z.object({ pool_id: z.string(), events: z.array(PoolEventSchema) });

/** Workers a snapshot answers with at most, unless ?limit= asks for fewer or more (up to 2,000). */
export const SNAPSHOT_PAGE_DEFAULT = 1_000;

/** GET /v2/pools/{id}?state=&host_id=&limit=&cursor= */
export const SnapshotQuerySchema = z
  .object({
    state: SenderStateSchema.optional(),
    host_id: SenderIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(2_000).default(SNAPSHOT_PAGE_DEFAULT).meta({ description: "Workers on the page" }),
    cursor: z.string().regex(/^[0-9]{1,6}$/, "expected a next_cursor from the previous page").optional().meta({ description: "The previous page's next_cursor" }),
  })
  .strict();

/** GET /v2/pools/{id}/events?after=&limit= */
export const EventsQuerySchema = z
  .object({
    after: z.coerce.number().int().nonnegative().default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    wait: z.coerce.number().int().min(0).max(30).default(0).meta({ description: "Long-poll: with no event after `after`, answer when one comes or after this many seconds" }),
  })
  .strict();

/** GET /badge/...svg */
export const BadgeQuerySchema = z
  .object({
    window: z.enum(["24h", "7d", "30d", "90d"]).default("30d").meta({ description: "Uptime badges only" }),
    label: z.string().min(1).max(48).optional().meta({ description: "Replaces the label" }),
    token: z.string().optional().meta({ description: "STATUS_TOKEN when STATUS_PAGE=private" }),
  })
  .strict();

export const HealthSchema = z.object({
  status: z.literal("alive"),
  space: z.string().optional().meta({ description: "With ?space=<id> (a ping-back): the Space it was recorded for" }),
  received_at: z.string().optional(),
});

/** GET /health?space=<id>: a ping-back from inside that Space (the seed's ping_master). */
export const HealthQuerySchema = z.object({
  space: z.string().min(1).max(2_200).optional().meta({ description: "A Space id as GET /v1/spaces shows it: records a ping-back for it" }),
});

/** GET /v1/info: what rbee's queen answers there, so its web UI finds the edge. */
export const QueenInfoSchema = z.object({
  base_url: z.string(),
  port: z.number(),
  version: z.string(),
  features: z.array(z.string()),
  build_timestamp: z.string(),
});

// Admin: pools and tokens.

export const IssueTokenSchema = z.object({ label: z.string().min(1).max(100).optional(), scope: TokenScopeSchema.default("write") }).strict();

export const TokenInfoSchema = z.object({ token_id: z.string(), label: z.string().nullable(), scope: TokenScopeSchema, created_at: z.string(), revoked_at: z.string().nullable() });
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export const IssuedTokenSchema = TokenInfoSchema.extend({
  pool_id: z.string(),
  token: z.string().meta({ description: "ept.<pool_id>.<token_id>.<secret>; shown only in this answer" }),
});

export const TokenListSchema = z.object({ pool_id: z.string(), tokens: z.array(TokenInfoSchema) });

export const PoolStatsSchema = z.object({
  pool_id: z.string().nullable(),
  started_at: z.string().meta({ description: "When this instance of the registry object started" }),
  heartbeats: z.number(),
  rows_written: z.number(),
  workers: z.number(),
  hosts: z.number(),
  alarm_at: z.string().nullable(),
});
export type PoolStats = z.infer<typeof PoolStatsSchema>;

export const PoolCreatedSchema = z.object({ pool_id: z.string(), created: z.boolean().meta({ description: "false: it existed already" }) });
export const PoolDeletedSchema = z.object({ pool_id: z.string(), deleted: z.literal(true) });
export const RemovedSchema = z.object({ removed: z.string().meta({ description: "The id removed" }) });

// Admin: the Space list.

export const SpaceListSchema = z
  .array(z.union([z.string().meta({ description: "A URL to ping with every default" }), SpaceObjectSchema]))
  .meta({ description: "The Space list (KV key `spaces`)" });

export const SpaceListStoredSchema = z.object({
  stored: z.number().meta({ description: "How many entries were stored" }),
  spaces: z.array(z.object({ id: z.string(), name: z.string(), interval_s: z.number() })),
});

export const StoredSpaceListSchema = z.object({
  spaces: z.array(z.unknown()).nullable().meta({ description: "The list as written (null when the stored text is not JSON)" }),
  valid: z.number(),
  errors: z.array(SpaceConfigErrorSchema),
  list_error: z.string().nullable(),
});

export const SpaceListErrorSchema = ErrorBodySchema.extend({
  entries: z.array(SpaceConfigErrorSchema).optional().meta({ description: "Every bad entry with its index and issues (absent when the body is not a list at all)" }),
});

// Admin: alerts.

export const AlertTargetInfoSchema = z.object({
  index: z.number(),
  type: z.string(),
  name: z.string(),
  host: z.string().meta({ description: "The target URL's host; the URL itself is never shown" }),
  subjects: z.union([z.array(AlertSubjectSchema), z.literal("all")]),
});

export const AlertSettingsInForceSchema = z.object({
  targets: z.array(AlertTargetInfoSchema),
  remind_every_s: z.number(),
  storm_threshold: z.number(),
  group_wait_s: z.number(),
  pinger_overdue_s: z.number(),
  error: z.string().nullable().meta({ description: "Why the stored settings are not in force (null when they are)" }),
});

export const AlertSettingsStoredSchema = z.object({ stored: z.literal(true), config: AlertSettingsInForceSchema });

export const IncidentNoteRequestSchema = z
  .object({ text: z.string().trim().min(1).max(1_000).meta({ description: "Shown on the status page and sent to every alert target; never put secrets here" }) })
  .strict();

export const IncidentNoteSchema = z.object({ at: z.number().meta({ description: "Unix ms" }), text: z.string() });

export const IncidentSchema = z.object({
  id: z.number().meta({ description: "The incident's number (POST /v1/admin/incidents/{id}/notes)" }),
  key: z.string().meta({ description: "space:<id>, worker:<pool>/<id>, host:<pool>/<id>, pool:<id> or pinger" }),
  subject: AlertSubjectSchema,
  title: z.string(),
  detail: z.string().nullable(),
  opened_at: z.number().meta({ description: "Unix ms" }),
  alerted_at: z.number(),
  reminders: z.number(),
  notes: z.array(IncidentNoteSchema),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const ClosedIncidentSchema = z.object({
  id: z.number(),
  key: z.string(),
  subject: AlertSubjectSchema,
  title: z.string(),
  opened_at: z.number(),
  closed_at: z.number(),
  how: z.string(),
  notes: z.array(IncidentNoteSchema),
});
export type ClosedIncident = z.infer<typeof ClosedIncidentSchema>;

/** What adding a note answers: the incident, open or closed, with its notes. */
export const NotedIncidentSchema = z.union([IncidentSchema, ClosedIncidentSchema]);

export const AlertStatusSchema = z.object({
  config: AlertSettingsInForceSchema,
  open: z.array(IncidentSchema),
  recent: z.array(ClosedIncidentSchema),
  outbox: z.object({ waiting: z.number(), oldest_at: z.number().nullable(), last_error: z.string().nullable() }),
  sent: z.array(z.object({ at: z.number(), target: z.string(), event: z.string(), title: z.string(), outcome: z.string(), attempts: z.number() })),
  alarm_at: z.number().nullable(),
});
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

export const TestAlertSchema = z.object({ queued: z.number().meta({ description: "Targets the test was queued for" }) });
