// The pool snapshot served at `GET /v2/pools/{id}`: the seed's pool-heartbeat shape
// (pool_id, timestamp, gpus[], workers[]) aggregated over every host, plus what the
// registry knows on its own clock. Kept as schemas so tests and clients can parse it.
import * as z from "zod";
import { GpuReportFields, HealthStatusSchema, WorkerReportSchema } from "./heartbeat.js";
import { ForwardStatusSchema } from "./forward.js";
import { ReservationSchema } from "./placement.js";
import { PoolSettingsSchema } from "./pool-settings.js";

export const SenderStateSchema = z.enum(["fresh", "stale"]);

const Liveness = {
  state: SenderStateSchema,
  /** Edge clock, ISO 8601. */
  last_heartbeat_at: z.string(),
  age_s: z.number(),
  /** Sender clock minus edge clock at the last heartbeat; null until one carried a timestamp. */
  clock_skew_ms: z.number().nullable(),
};

export const SnapshotGpuSchema = z.object({
  ...GpuReportFields,
  host_id: z.string(),
  /** Edge clock of the heartbeat that carried this reading (`read_at` is the host's own clock). */
  received_at: z.string(),
  state: SenderStateSchema,
});

export const SnapshotWorkerSchema = WorkerReportSchema.extend({
  host_id: z.string().nullable(),
  /** True when gpu_id names no GPU its host reports (do not place work by that GPU). */
  gpu_unknown: z.boolean(),
  health_status: HealthStatusSchema.nullable(),
  /** Marked by the admin (or its host is): never a placement candidate. */
  draining: z.boolean(),
  ...Liveness,
});

export const SnapshotHostSchema = z.object({
  host_id: z.string(),
  gpu_count: z.number(),
  worker_count: z.number(),
  /** The heartbeat-sidecar version the host runs; null for hives that do not say (seed hives). */
  sidecar_version: z.string().nullable(),
  /** True when that version is not the one this edge serves (`edge_sidecar_version`). */
  sidecar_differs: z.boolean(),
  /** Marked by the admin: its GPUs are never placement candidates. */
  draining: z.boolean(),
  ...Liveness,
});

export const PoolSnapshotSchema = z.object({
  pool_id: z.string(),
  timestamp: z.string(),
  gpus: z.array(SnapshotGpuSchema),
  workers: z.array(SnapshotWorkerSchema),
  hosts: z.array(SnapshotHostSchema),
  counts: z.object({
    workers: z.object({ fresh: z.number(), stale: z.number() }),
    hosts: z.object({ fresh: z.number(), stale: z.number() }),
  }),
  /** VRAM of GPUs on fresh hosts; GPUs that could not be read are left out and counted. */
  vram: z.object({ total_bytes: z.number(), free_bytes: z.number(), unknown_gpus: z.number() }),
  eviction: z.object({ suspended: z.boolean(), reason: z.string().nullable() }),
  settings: PoolSettingsSchema,
  /** VRAM held for schedulers (POST /v2/pools/{id}/reservations) and not yet seen in use. */
  reservations: z.array(ReservationSchema),
  /** The queen push (PUT /v1/admin/pools/{id}/forward); null when the pool does not forward. */
  forward: ForwardStatusSchema.nullable(),
  /** The heartbeat-sidecar version this edge serves at /heartbeat-sidecar.tgz. */
  edge_sidecar_version: z.string(),
  /**
   * Workers come a page at a time (?limit=, default 1,000; ?cursor=): a bigger pool's snapshot
   * would take more CPU than one Free-plan invocation has. GPUs and hosts are always all there.
   */
  page: z
    .object({
      limit: z.number(),
      next_cursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next workers; null on the last page. Positions: a worker that joins or leaves while you page may be missed or repeated once" }),
      workers: z.number().meta({ description: "Workers the filter keeps, every page" }),
    })
    .optional(),
});
export type PoolSnapshot = z.infer<typeof PoolSnapshotSchema>;
export type SnapshotWorker = z.infer<typeof SnapshotWorkerSchema>;
export type SnapshotGpu = z.infer<typeof SnapshotGpuSchema>;
export type SnapshotHost = z.infer<typeof SnapshotHostSchema>;

export const PoolEventKindSchema = z.enum([
  "joined",
  "stale",
  "recovered",
  "evicted",
  "left",
  "skew",
  "eviction_suspended",
  "eviction_resumed",
  // Scheduling (shared/placement.ts): a reservation granted or ended, a sender drained or not.
  "reserved",
  "released",
  "draining",
]);
export type PoolEventKind = z.infer<typeof PoolEventKindSchema>;

export const PoolEventSchema = z.object({
  seq: z.number(),
  at: z.string(),
  kind: PoolEventKindSchema,
  /** "worker:<id>", "host:<id>" or "pool". */
  subject: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type PoolEvent = z.infer<typeof PoolEventSchema>;
