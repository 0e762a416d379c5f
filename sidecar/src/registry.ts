// The local hive's in-memory worker registry, with the seed's rule on this host's clock:
// a worker is stale after 3 missed 30 s heartbeats and then left out of pool heartbeats,
// so the edge ages it on its own clock; it is forgotten after `forgetAfterMs`.
import type { HealthStatus, WorkerReport } from "../../shared/heartbeat.js";
import { isStale, staleWindowMs } from "../../shared/liveness.js";

export interface LocalWorker {
  report: WorkerReport;
  health: HealthStatus | null;
  /** performance.now() of the last heartbeat or registration (monotonic: immune to clock jumps). */
  seenAt: number;
}

export class LocalRegistry {
  private readonly workers = new Map<string, LocalWorker>();
  readonly windowMs: number;

  constructor(
    workerIntervalS = 30,
    missed = 3,
    private readonly forgetAfterMs = 10 * 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowMs = staleWindowMs(workerIntervalS, missed);
  }

  register(report: WorkerReport): void {
    const existing = this.workers.get(report.id);
    this.workers.set(report.id, { report, health: report.health_status ?? existing?.health ?? null, seenAt: this.now() });
  }

  /** A seed worker heartbeat; an unregistered worker is added with what the heartbeat says. */
  heartbeat(workerId: string, health: HealthStatus): void {
    const existing = this.workers.get(workerId);
    const report: WorkerReport = existing?.report ?? {
      id: workerId, status: "unknown", model_ref: null, vram_bytes: null, gpu_id: null, uri: null, capabilities: [], protocol: null,
    };
    this.workers.set(workerId, { report, health, seenAt: this.now() });
  }

  remove(workerId: string): boolean {
    return this.workers.delete(workerId);
  }

  list(): Array<LocalWorker & { stale: boolean; ageMs: number }> {
    const now = this.now();
    const out = [];
    for (const [id, w] of this.workers) {
      if (now - w.seenAt >= this.forgetAfterMs) {
        this.workers.delete(id);
        continue;
      }
      out.push({ ...w, stale: isStale(now, w.seenAt, this.windowMs), ageMs: Math.round(now - w.seenAt) });
    }
    return out;
  }

  /** The workers[] of a pool heartbeat: fresh workers only, each with how long ago it was heard from. */
  forHeartbeat(): Array<WorkerReport & { health_status?: HealthStatus; heartbeat_age_ms: number }> {
    return this.list()
      .filter((w) => !w.stale)
      .map((w) => ({ ...w.report, ...(w.health !== null ? { health_status: w.health } : {}), heartbeat_age_ms: w.ageMs }));
  }
}
