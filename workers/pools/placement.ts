// Placement: where a scheduler can put work that needs `vram_bytes`, from the registry in
// memory. First workers that already serve the model (fresh, healthy, not drained; idle
// before busy), then GPUs on fresh, undrained hosts whose free VRAM minus live reservations
// fits (best fit first: the smallest that fits, so big GPUs stay free for big models). Free
// VRAM is what nvidia-smi read on the host, so memory other processes use is already out of
// it (GPUStack #6044); a GPU whose VRAM could not be read is never counted as free.
// One pass over workers and GPUs, keeping only the best `limit` of each: O(n log limit).
import type { GpuCandidate, Placement, PlacementQuery, WorkerCandidate } from "../../shared/index.js";
import type { Drains } from "./drains.js";
import type { WorkerEntry } from "./entries.js";
import type { PoolState } from "./pool-state.js";
import { heldOn, type HeldBytes } from "./reservations.js";

export type Excluded = Placement["excluded"];

export const noneExcluded = (): Excluded => ({ stale: 0, draining: 0, degraded: 0, vram_unknown: 0, too_small: 0, not_matching: 0 });

/** Keeps the `limit` smallest items by `before`, sorted; insertion by binary search. */
class Best<T> {
  readonly items: T[] = [];
  constructor(
    private readonly limit: number,
    private readonly before: (a: T, b: T) => number,
  ) {}

  /** The item a newcomer must beat once the list is full (to skip building ones that cannot). */
  get worst(): T | undefined {
    return this.items.length === this.limit ? this.items[this.items.length - 1] : undefined;
  }

  offer(item: T): void {
    const items = this.items;
    if (items.length === this.limit && this.before(item, items[items.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(items[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (items.length > this.limit) items.pop();
  }
}

const idleFirst = (w: WorkerEntry) => (w.report.status === "idle" ? 0 : 1);

function byWorkerRank(a: WorkerEntry, b: WorkerEntry): number {
  return idleFirst(a) - idleFirst(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byBestFit(a: GpuCandidate, b: GpuCandidate): number {
  return a.available_bytes - b.available_bytes || (a.host_id < b.host_id ? -1 : a.host_id > b.host_id ? 1 : 0) || a.gpu_id - b.gpu_id;
}

/** The GPUs that can take `vram_bytes` now, best fit first, and why the others cannot. */
export function placeOnGpus(pool: PoolState, drains: Drains, reserved: HeldBytes, vramBytes: number, limit: number, excluded: Excluded): GpuCandidate[] {
  const best = new Best<GpuCandidate>(limit, byBestFit);
  for (const h of pool.hosts.values()) {
    if (h.state !== "fresh") {
      excluded.stale += h.gpus.length;
      continue;
    }
    if (drains.has(`host:${h.id}`)) {
      excluded.draining += h.gpus.length;
      continue;
    }
    for (const g of h.gpus) {
      if (g.total_vram_bytes === null || g.free_vram_bytes === null) {
        excluded.vram_unknown += 1;
        continue;
      }
      const held = heldOn(reserved, h.id, g.id);
      const available = g.free_vram_bytes - held;
      if (available < vramBytes) {
        excluded.too_small += 1;
        continue;
      }
      const worst = best.worst;
      if (worst !== undefined && available > worst.available_bytes) continue;
      best.offer({
        kind: "gpu", host_id: h.id, gpu_id: g.id, device_name: g.device_name,
        total_vram_bytes: g.total_vram_bytes, free_vram_bytes: g.free_vram_bytes, reserved_bytes: held, available_bytes: available,
      });
    }
  }
  return best.items;
}

function matches(w: WorkerEntry, q: PlacementQuery): boolean {
  if (w.report.model_ref !== q.model_ref) return false;
  if (q.capability !== undefined && !w.report.capabilities.includes(q.capability)) return false;
  if (q.protocol !== undefined && w.report.protocol !== q.protocol) return false;
  return true;
}

export function place(pool: PoolState, drains: Drains, reserved: HeldBytes, q: PlacementQuery): { candidates: (WorkerCandidate | GpuCandidate)[]; excluded: Excluded } {
  const excluded = noneExcluded();
  const workers: WorkerCandidate[] = [];
  if (q.model_ref !== undefined) {
    const best = new Best<WorkerEntry>(q.limit, byWorkerRank);
    for (const w of pool.workers.values()) {
      if (!matches(w, q)) {
        excluded.not_matching += 1;
        continue;
      }
      // A relayed worker is only as fresh as its host's word for it.
      const host = w.hostId === null ? undefined : pool.hosts.get(w.hostId);
      if (w.state !== "fresh" || (host !== undefined && host.state !== "fresh")) excluded.stale += 1;
      else if (drains.workerDrained(w.id, w.hostId)) excluded.draining += 1;
      else if (w.health === "degraded") excluded.degraded += 1;
      else best.offer(w);
    }
    for (const w of best.items) {
      workers.push({ kind: "worker", worker_id: w.id, host_id: w.hostId, gpu_id: w.report.gpu_id, status: w.report.status, model_ref: w.report.model_ref, uri: w.report.uri });
    }
  }
  // GPUs are looked at even when workers fill the list, so the exclusions count them too.
  const room = q.limit - workers.length;
  const gpus = placeOnGpus(pool, drains, reserved, q.vram_bytes, Math.max(room, 1), excluded).slice(0, room);
  return { candidates: [...workers, ...gpus], excluded };
}
