// What a scheduler asks a pool and what it gets: placement candidates ranked by live VRAM,
// reservations that hold VRAM until it is seen in use, draining marks, and token scopes.
// Ours, not rbee's: the seed's wire contracts stay as they are (heartbeat.ts).
import * as z from "zod";
import { SenderIdSchema } from "./ids.js";

const Bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const GpuId = z.number().int().nonnegative().max(1024);

/** What a pool token may do. `write`: heartbeats and reads (every token issued before scopes). */
export const TokenScopeSchema = z.enum(["read", "schedule", "write"]).meta({
  description: "read: snapshot, events, placement, streams; schedule: read + reservations; write: heartbeats + read",
});
export type TokenScope = z.infer<typeof TokenScopeSchema>;

/** GET /v2/pools/{id}/placement?vram_bytes=&model_ref=&capability=&protocol=&limit= */
export const PlacementQuerySchema = z
  .object({
    vram_bytes: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    model_ref: z.string().min(1).max(512).optional(),
    capability: z.string().min(1).max(64).optional(),
    protocol: z.string().min(1).max(32).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .strict();
export type PlacementQuery = z.infer<typeof PlacementQuerySchema>;

export const WorkerCandidateSchema = z.object({
  kind: z.literal("worker"),
  worker_id: z.string(),
  host_id: z.string().nullable(),
  gpu_id: z.number().nullable(),
  status: z.string(),
  model_ref: z.string().nullable(),
  uri: z.string().nullable(),
});

export const GpuCandidateSchema = z.object({
  kind: z.literal("gpu"),
  host_id: z.string(),
  gpu_id: z.number(),
  device_name: z.string(),
  total_vram_bytes: z.number(),
  free_vram_bytes: z.number().meta({ description: "As the host last read it (nvidia-smi counts every process)" }),
  reserved_bytes: z.number().meta({ description: "Held by live reservations on this GPU" }),
  available_bytes: z.number().meta({ description: "free_vram_bytes - reserved_bytes" }),
});

export const PlacementSchema = z.object({
  pool_id: z.string(),
  timestamp: z.string(),
  vram_bytes: z.number(),
  candidates: z.array(z.union([WorkerCandidateSchema, GpuCandidateSchema])).meta({
    description: "Workers already serving model_ref (idle before busy), then GPUs by best fit",
  }),
  excluded: z
    .object({
      stale: z.number(),
      draining: z.number(),
      degraded: z.number(),
      vram_unknown: z.number(),
      too_small: z.number(),
      not_matching: z.number().meta({ description: "Workers with another model, capability or protocol" }),
    })
    .meta({ description: "What was left out and why (workers and GPUs)" }),
});
export type Placement = z.infer<typeof PlacementSchema>;
export type WorkerCandidate = z.infer<typeof WorkerCandidateSchema>;
export type GpuCandidate = z.infer<typeof GpuCandidateSchema>;

/** POST /v2/pools/{id}/reservations */
export const ReservationRequestSchema = z
  .object({
    vram_bytes: Bytes.min(1),
    ttl_s: z.number().int().min(1).max(3600),
    holder: z.string().min(1).max(128).meta({ description: "Who holds it (a scheduler's name or job id)" }),
    host_id: SenderIdSchema.optional(),
    gpu_id: GpuId.optional(),
  })
  .strict()
  .refine((r) => (r.host_id === undefined) === (r.gpu_id === undefined), { message: "name both host_id and gpu_id, or neither", path: ["gpu_id"] });
export type ReservationRequest = z.infer<typeof ReservationRequestSchema>;

export const ReservationSchema = z.object({
  reservation_id: z.string(),
  holder: z.string(),
  host_id: z.string(),
  gpu_id: z.number(),
  vram_bytes: z.number(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type Reservation = z.infer<typeof ReservationSchema>;

export const ReservationListSchema = z.object({ pool_id: z.string(), reservations: z.array(ReservationSchema) });

/** PATCH /v1/admin/pools/{id}/workers/{worker_id} and .../hosts/{host_id} */
export const DrainPatchSchema = z.object({ draining: z.boolean() }).strict();

export const DrainStateSchema = z.object({ subject: z.string(), draining: z.boolean() });
