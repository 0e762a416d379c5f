// The local hive's in-memory worker registry, with the seed's rule on this host's clock:
// a worker is stale after 3 missed 30 s heartbeats and then left out of pool heartbeats,
// so the edge ages it on its own clock; it is forgotten after `forgetAfterMs`. It holds at
// most `maxWorkers` (what the edge takes from one host); a worker removed here is reported
// to the edge as left until a heartbeat carrying that is accepted.
import type { HealthStatus, WorkerReport } from "../../shared/heartbeat.js";
import { MAX_WORKERS_PER_HOST } from "../../shared/limits.js";
import { isStale, staleWindowMs } from "../../shared/liveness.js";

export interface LocalWorker {
  report: WorkerReport;
  health: HealthStatus | null;
  /** performance.now() of the last heartbeat or registration (monotonic: immune to clock jumps). */
  seenAt: number;
}

export class LocalRegistry {
  private readonly workers = new Map<string, LocalWorker>();
  /** Removed here, not yet confirmed to the edge. */
  private readonly left = new Set<string>();
  readonly windowMs: number;

  constructor(
    workerIntervalS = 30,
    missed = 3,
    private readonly forgetAfterMs = 10 * 60_000,
    private readonly now: () => number = () => performance.now(),
    readonly maxWorkers = MAX_WORKERS_PER_HOST,
  ) {
    this.windowMs = staleWindowMs(workerIntervalS, missed);
  }

  /** Registers or updates a worker; false when it is new and the hive is full. */
  register(report: WorkerReport): boolean {
    const existing = this.workers.get(report.id);
    if (existing === undefined && !this.makeRoom()) return false;
    this.workers.set(report.id, { report, health: report.health_status ?? existing?.health ?? null, seenAt: this.now() });
    this.left.delete(report.id);
    return true;
  }

  /** A seed worker heartbeat; an unregistered worker is added with what the heartbeat says. False when the hive is full. */
  heartbeat(workerId: string, health: HealthStatus): boolean {
    const existing = this.workers.get(workerId);
    if (existing === undefined && !this.makeRoom()) return false;
    const report: WorkerReport = existing?.report ?? {
      id: workerId, status: "unknown", model_ref: null, vram_bytes: null, gpu_id: null, uri: null, capabilities: [], protocol: null,
    };
    this.workers.set(workerId, { report, health, seenAt: this.now() });
    this.left.delete(workerId);
    return true;
  }

  /** The worker leaves; the next pool heartbeat says so. */
  remove(workerId: string): boolean {
    if (!this.workers.delete(workerId)) return false;
    this.left.add(workerId);
    return true;
  }

  /** Workers removed here that the edge has not yet been told about. */
  pendingLeft(): string[] {
    return [...this.left];
  }

  /** The edge accepted a heartbeat that named these as left. */
  confirmLeft(ids: readonly string[]): void {
    for (const id of ids) this.left.delete(id);
  }

  /** Room for one more: a full hive gives up its longest-silent stale worker (it is no longer reported anyway), never a fresh one. */
  private makeRoom(): boolean {
    const list = this.list();
    if (list.length < this.maxWorkers) return true;
    const oldest = list.filter((w) => w.stale).sort((a, b) => b.ageMs - a.ageMs)[0];
    if (oldest === undefined) return false;
    this.workers.delete(oldest.report.id);
    return true;
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

  /** The workers[] of a pool heartbeat: fresh workers only, most recently heard first, each with how long ago that was. */
  forHeartbeat(): Array<WorkerReport & { health_status?: HealthStatus; heartbeat_age_ms: number }> {
    return this.list()
      .filter((w) => !w.stale)
      .sort((a, b) => a.ageMs - b.ageMs)
      .map((w) => ({ ...w.report, ...(w.health !== null ? { health_status: w.health } : {}), heartbeat_age_ms: w.ageMs }));
  }
}
