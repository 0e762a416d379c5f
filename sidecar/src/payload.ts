// Builds the pool heartbeat: the seed's shape (pool_id, timestamp, gpus[], workers[]) plus
// host_id, GPU uuid/read_at/telemetry and each worker's heartbeat age.
import type { PoolHeartbeat } from "../../shared/heartbeat.js";
import type { GpuSnapshot } from "./gpu/reading.js";
import type { LocalRegistry } from "./registry.js";

export function buildPoolHeartbeat(poolId: string, hostId: string, gpu: GpuSnapshot, registry: LocalRegistry, leaving = false): PoolHeartbeat {
  const readAt = gpu.readAt === null ? undefined : new Date(gpu.readAt).toISOString();
  const hb: PoolHeartbeat = {
    pool_id: poolId,
    host_id: hostId,
    timestamp: new Date().toISOString(),
    gpus: gpu.gpus.map((g) => ({
      id: g.id,
      device_name: g.device_name.slice(0, 128),
      total_vram_bytes: g.total_vram_bytes,
      free_vram_bytes: g.free_vram_bytes,
      ...(g.uuid !== null ? { uuid: g.uuid } : {}),
      ...(readAt !== undefined ? { read_at: readAt } : {}),
      utilization_pct: g.utilization_pct,
      temperature_c: g.temperature_c,
      power_w: g.power_w,
      ...(g.unknown_reason !== null ? { unknown_reason: g.unknown_reason.slice(0, 200) } : {}),
    })),
    workers: registry.forHeartbeat(),
  };
  if (leaving) hb.leaving = true;
  return hb;
}
