// The shapes rbee's current queen streams to its web UI on GET /v1/heartbeats/stream (events
// named `heartbeat`), built from one pool's registry so that UI works against the edge as it
// is. A hive is a host. Per worker we fill the fields of rbee's ProcessStats that we know and
// leave the rest null (never invented): we know the model, the worker's VRAM and its GPU's
// total VRAM and utilisation, not its pid, CPU, RSS or I/O.
import type { Drains } from "./drains.js";
import type { WorkerEntry } from "./entries.js";
import type { PoolState } from "./pool-state.js";

const MIB = 1024 * 1024;
const mib = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : Math.round(bytes / MIB));

/** Online: fresh. Available: online, idle, healthy and not drained (what can take work now). */
function available(w: WorkerEntry, drains: Drains): boolean {
  return w.state === "fresh" && w.report.status === "idle" && w.health !== "degraded" && !drains.workerDrained(w.id, w.hostId);
}

export function queenBeat(pool: PoolState, drains: Drains, now: number) {
  const workerIds: string[] = [];
  let workersAvailable = 0;
  for (const w of pool.workers.values()) {
    if (w.state !== "fresh") continue;
    workerIds.push(w.id);
    if (available(w, drains)) workersAvailable += 1;
  }
  const hiveIds: string[] = [];
  let hivesAvailable = 0;
  for (const h of pool.hosts.values()) {
    if (h.state !== "fresh") continue;
    hiveIds.push(h.id);
    if (!drains.has(`host:${h.id}`)) hivesAvailable += 1;
  }
  return {
    type: "queen",
    workers_online: workerIds.length,
    workers_available: workersAvailable,
    hives_online: hiveIds.length,
    hives_available: hivesAvailable,
    worker_ids: workerIds,
    hive_ids: hiveIds,
    timestamp: new Date(now).toISOString(),
  };
}

export function hiveTelemetry(pool: PoolState, hostId: string, now: number) {
  const host = pool.hosts.get(hostId);
  const workers = [];
  for (const w of pool.workers.values()) {
    if (w.hostId !== hostId) continue;
    const gpu = w.report.gpu_id === null ? undefined : host?.gpus.find((g) => g.id === w.report.gpu_id);
    workers.push({
      pid: null,
      group: null,
      instance: w.id,
      cpu_pct: null,
      rss_mb: null,
      io_r_mb_s: null,
      io_w_mb_s: null,
      uptime_s: null,
      gpu_util_pct: gpu?.utilization_pct ?? null,
      vram_mb: mib(w.report.vram_bytes),
      total_vram_mb: mib(gpu?.total_vram_bytes),
      model: w.report.model_ref,
      // Ours, beside rbee's fields: which worker and what it is doing.
      worker_id: w.id,
      status: w.report.status,
      state: w.state,
    });
  }
  return { type: "hive_telemetry", hive_id: hostId, timestamp: new Date(now).toISOString(), workers };
}
