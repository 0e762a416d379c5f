// The rbee wire contracts, accepted exactly as the seed writes them (see design.md).
// Fields we add are optional, so seed senders and seed readers keep working. Every object
// is strict: a field nobody knows (a typo, `__proto__`) is a 400 naming it, never dropped.
import * as z from "zod";
import { SenderIdSchema, PoolIdSchema } from "./ids.js";
import { MAX_CAPABILITIES, MAX_WORKERS_PER_HOST } from "./limits.js";

/** ISO 8601 with a zone (seed: chrono's to_rfc3339 or "2025-10-19T12:34:56Z"). */
export const IsoTimestampSchema = z.iso.datetime({ offset: true });

export const HealthStatusSchema = z.enum(["healthy", "degraded"]);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/** Worker -> hive (sidecar) or worker -> edge: `POST /v1/heartbeat`. */
export const WorkerHeartbeatSchema = z.strictObject({
  worker_id: SenderIdSchema,
  timestamp: IsoTimestampSchema,
  health_status: HealthStatusSchema,
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

const ByteCountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * One GPU as a host reads it. VRAM may be null: a GPU that cannot be read is reported
 * as unknown, never as an invented number.
 */
export const GpuReportFields = {
  id: z.number().int().nonnegative().max(1024),
  device_name: z.string().min(1).max(128),
  total_vram_bytes: ByteCountSchema.nullable(),
  free_vram_bytes: ByteCountSchema.nullable(),
  uuid: SenderIdSchema.optional(),
  /** When the sidecar read this GPU (its clock; informational). */
  read_at: IsoTimestampSchema.optional(),
  /** Ours, from the sidecar; null when the driver does not report it. */
  utilization_pct: z.number().min(0).max(100).nullable().optional(),
  temperature_c: z.number().min(-50).max(200).nullable().optional(),
  power_w: z.number().min(0).max(10_000).nullable().optional(),
  /** Ours: why a null field is null (e.g. "memory.free: [N/A]"). */
  unknown_reason: z.string().max(200).optional(),
};

export const GpuReportSchema = z
  .strictObject(GpuReportFields)
  .refine(
    (g) => g.total_vram_bytes === null || g.free_vram_bytes === null || g.free_vram_bytes <= g.total_vram_bytes,
    { message: "free_vram_bytes exceeds total_vram_bytes", path: ["free_vram_bytes"] },
  );
export type GpuReport = z.infer<typeof GpuReportSchema>;

/** Worker status as the hive reports it (seed: "idle", "busy", "loading", ...). */
export const WorkerStatusSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z][a-z0-9_-]*$/, "use a lowercase word such as idle or busy");

/** The seed's worker-state fields, as carried in a pool heartbeat. */
export const WorkerReportSchema = z.strictObject({
  id: SenderIdSchema,
  status: WorkerStatusSchema,
  model_ref: z.string().min(1).max(512).nullable().default(null),
  vram_bytes: ByteCountSchema.nullable().default(null),
  gpu_id: z.number().int().nonnegative().max(1024).nullable().default(null),
  /** Where a scheduler sends work: http(s) only (never javascript:, data:, file:). */
  uri: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048).nullable().default(null),
  capabilities: z.array(z.string().min(1).max(64)).max(MAX_CAPABILITIES).default([]),
  protocol: z.string().min(1).max(32).nullable().default(null),
  health_status: HealthStatusSchema.optional(),
  /**
   * Ours: how long ago the worker last heartbeated its hive, on the hive's monotonic clock
   * (a duration, so clock skew does not matter). The edge dates the worker `now - age`, so
   * a worker that dies goes stale 3 intervals after its own last heartbeat, not after the
   * hive's last mention of it.
   */
  heartbeat_age_ms: z.number().int().min(0).max(86_400_000).optional(),
});
export type WorkerReport = z.infer<typeof WorkerReportSchema>;

/** A package version as npm writes it (1.2.3, 1.2.3-rc.1+build). */
export const SidecarVersionSchema = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/, "use a version such as 1.2.3");

/** Hive -> queen: `POST /v2/pools/{id}/heartbeat`. Array sizes are checked before this. */
export const PoolHeartbeatSchema = z.strictObject({
  pool_id: PoolIdSchema,
  timestamp: IsoTimestampSchema,
  gpus: z.array(GpuReportSchema),
  workers: z.array(WorkerReportSchema),
  /** Ours: which host sent it; a pool spans many hosts. Seed hives omit it. */
  host_id: SenderIdSchema.optional(),
  /** Ours: the host is shutting down; mark it and its workers as left at once. */
  leaving: z.boolean().optional(),
  /**
   * Ours: workers removed at this host's hive since its last accepted heartbeat. The edge
   * drops each one that this host reported (a `left` event, no stale alert); others are ignored.
   */
  left_workers: z.array(SenderIdSchema).max(MAX_WORKERS_PER_HOST).optional(),
  /** Ours: the heartbeat-sidecar version that sent this (seed hives omit it). */
  sidecar_version: SidecarVersionSchema.optional(),
});
export type PoolHeartbeat = z.infer<typeof PoolHeartbeatSchema>;

/** The host id used for seed hives that do not send `host_id`. */
export const DEFAULT_HOST_ID = "default";
