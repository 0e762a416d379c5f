// Builds the pool heartbeat: the seed's shape (pool_id, timestamp, gpus[], workers[]) plus
// host_id, this sidecar's version, GPU uuid/read_at/telemetry, each worker's heartbeat age and
// the workers that left here; then fitted to the edge's schema and limits (fit.ts).
import type { PoolHeartbeat } from "../../shared/heartbeat.js";
import { fitHeartbeat, leavingHeartbeat, type FitInput, type FitNote } from "./fit.js";
import type { GpuSnapshot } from "./gpu/reading.js";
import type { Refusals } from "./refusals.js";
import type { LocalRegistry } from "./registry.js";
import { VERSION } from "./version.js";

function base(poolId: string, hostId: string): FitInput["base"] {
  return { pool_id: poolId, host_id: hostId, timestamp: new Date().toISOString(), sidecar_version: VERSION };
}

export function buildPoolHeartbeat(poolId: string, hostId: string, gpu: GpuSnapshot, registry: LocalRegistry, refusals: Refusals | null = null): { heartbeat: PoolHeartbeat; notes: FitNote[] } {
  const readAt = gpu.readAt === null ? undefined : new Date(gpu.readAt).toISOString();
  return fitHeartbeat(
    {
      base: base(poolId, hostId),
      gpus: gpu.gpus.map((g) => ({
        id: g.id,
        device_name: g.device_name,
        total_vram_bytes: g.total_vram_bytes,
        free_vram_bytes: g.free_vram_bytes,
        ...(g.uuid !== null ? { uuid: g.uuid } : {}),
        ...(readAt !== undefined ? { read_at: readAt } : {}),
        utilization_pct: g.utilization_pct,
        temperature_c: g.temperature_c,
        power_w: g.power_w,
        ...(g.unknown_reason !== null ? { unknown_reason: g.unknown_reason } : {}),
      })),
      workers: registry.forHeartbeat(),
      left: registry.pendingLeft(),
    },
    refusals,
  );
}

/** The host is shutting down: only what the edge needs to drop it and its workers at once. */
export function buildLeavingHeartbeat(poolId: string, hostId: string): PoolHeartbeat {
  return leavingHeartbeat(base(poolId, hostId));
}
