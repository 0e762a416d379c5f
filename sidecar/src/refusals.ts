// What the edge refused, learned from its 400 and 413 answers (every error names its field),
// so the next heartbeat leaves that out instead of repeating the refusal at every interval.
// Forgotten after FORGET_MS, so an edge that was upgraded to accept it gets it again.
import type { PoolHeartbeat } from "../../shared/heartbeat.js";

export const FORGET_MS = 10 * 60_000;

export interface EdgeError {
  code?: string;
  field?: string;
}

export class Refusals {
  maxGpus: number | null = null;
  maxWorkers: number | null = null;
  readonly droppedGpus = new Set<string>();
  readonly droppedWorkers = new Set<string>();
  /** GPU id -> fields sent as null (or as "unknown GPU" for a name). */
  readonly nulledGpuFields = new Map<string, Set<string>>();
  dropLeft = false;
  private since: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Learns from one refusal of `sent`. Returns what the next heartbeat will leave out, or null
   * when nothing in the body can be reduced (a wrong pool id, a full pool, a bad token).
   */
  learn(status: number, error: EdgeError | undefined, sent: PoolHeartbeat): string | null {
    const [top, index, key] = (error?.field ?? "(body)").split(".");
    const reduced = this.reduce(status, error?.code, top, index === undefined ? null : Number(index), key, sent);
    if (reduced !== null) this.since ??= this.now();
    return reduced;
  }

  private reduce(status: number, code: string | undefined, top: string | undefined, index: number | null, key: string | undefined, sent: PoolHeartbeat): string | null {
    if (status === 413 && (top === "workers" || top === "(body)")) {
      this.maxWorkers = Math.floor(sent.workers.length / 2);
      return `at most ${this.maxWorkers} workers`;
    }
    if (status === 413 && top === "gpus" && code !== "pool_full") {
      this.maxGpus = Math.floor(sent.gpus.length / 2);
      return `at most ${this.maxGpus} GPUs`;
    }
    if (status !== 400) return null;
    if (top === "gpus" && index !== null && sent.gpus[index] !== undefined) {
      const id = String(sent.gpus[index].id);
      if (key === undefined || key === "id") {
        this.droppedGpus.add(id);
        return `GPU ${id} left out`;
      }
      this.nulledGpuFields.set(id, new Set([...(this.nulledGpuFields.get(id) ?? []), key]));
      return `GPU ${id} sent without ${key}`;
    }
    if (top === "workers" && index !== null && sent.workers[index] !== undefined) {
      this.droppedWorkers.add(sent.workers[index].id);
      return `worker ${sent.workers[index].id} left out`;
    }
    if (top === "left_workers") {
      this.dropLeft = true;
      return "left_workers left out";
    }
    return null;
  }

  /** Forgets what was learned once FORGET_MS have passed since the first refusal. */
  expire(): boolean {
    if (this.since === null || this.now() - this.since < FORGET_MS) return false;
    this.maxGpus = null;
    this.maxWorkers = null;
    this.droppedGpus.clear();
    this.droppedWorkers.clear();
    this.nulledGpuFields.clear();
    this.dropLeft = false;
    this.since = null;
    return true;
  }
}
