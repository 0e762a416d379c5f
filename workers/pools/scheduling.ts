// What a scheduler does with a pool, in one place: placement queries, reservations and
// draining marks, over the registry in memory (PoolState). The PoolRegistry object routes
// calls here after checking the caller's scope; everything here runs without an await, so
// each call sees and changes the pool atomically.
import type { GpuCandidate, Placement, PlacementQuery, Reservation, ReservationRequest } from "../../shared/index.js";
import type { Outcome } from "../http/errors.js";
import { Drains } from "./drains.js";
import { EventBatch } from "./event-batch.js";
import { noneExcluded, place, placeOnGpus } from "./placement.js";
import type { PoolState } from "./pool-state.js";
import type { RegistryStore } from "./registry-store.js";
import { heldOn, MAX_RESERVATIONS, ReservationBook } from "./reservations.js";

export class Scheduling {
  readonly drains: Drains;
  readonly book: ReservationBook;

  constructor(private readonly store: RegistryStore) {
    this.drains = new Drains(store);
    this.book = new ReservationBook(store);
  }

  /** Ends reservations that no longer hold and unmarks senders that are gone. */
  settle(pool: PoolState, now: number): void {
    if (this.book.size === 0 && this.drains.size === 0) return;
    const events = new EventBatch();
    this.book.settle(pool, now, events);
    this.drains.prune(pool);
    events.flush(this.store, now);
  }

  placement(poolId: string, pool: PoolState, q: PlacementQuery, now: number): Placement {
    this.settle(pool, now);
    const { candidates, excluded } = place(pool, this.drains, this.book.reservedByGpu(), q);
    return { pool_id: poolId, timestamp: new Date(now).toISOString(), vram_bytes: q.vram_bytes, candidates, excluded };
  }

  /** Grants `req` on the GPU named, or on the best fit; 409 when nothing fits. */
  reserve(pool: PoolState, req: ReservationRequest, now: number): Outcome<Reservation> {
    this.settle(pool, now);
    if (this.book.size >= MAX_RESERVATIONS) return { ok: false, status: 409, code: "too_many_reservations", message: `the pool already holds ${MAX_RESERVATIONS} reservations; delete some or let them expire` };
    const chosen = req.host_id === undefined ? this.bestFit(pool, req.vram_bytes) : this.named(pool, req.host_id, req.gpu_id!, req.vram_bytes);
    if (!chosen.ok) return chosen;
    const gpu = chosen.value;
    const workers = [...pool.workers.values()].filter((w) => w.hostId === gpu.host_id && w.report.gpu_id === gpu.gpu_id).map((w) => w.id);
    const events = new EventBatch();
    const granted = this.book.add(
      { holder: req.holder, hostId: gpu.host_id, gpuId: gpu.gpu_id, bytes: req.vram_bytes, createdAt: now, expiresAt: now + req.ttl_s * 1000, freeAt: gpu.free_vram_bytes, workers },
      events,
    );
    events.flush(this.store, now);
    return { ok: true, value: granted };
  }

  private bestFit(pool: PoolState, bytes: number): Outcome<GpuCandidate> {
    const excluded = noneExcluded();
    const best = placeOnGpus(pool, this.drains, this.book.reservedByGpu(), bytes, 1, excluded)[0];
    if (best !== undefined) return { ok: true, value: best };
    const why = Object.entries(excluded).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ");
    return { ok: false, status: 409, code: "does_not_fit", message: `no GPU has ${bytes} bytes of VRAM available${why === "" ? "" : ` (GPUs left out: ${why})`}`, field: "vram_bytes" };
  }

  private named(pool: PoolState, hostId: string, gpuId: number, bytes: number): Outcome<GpuCandidate> {
    const refuse = (message: string, field = "gpu_id"): Outcome<GpuCandidate> => ({ ok: false, status: 409, code: "does_not_fit", message, field });
    const host = pool.hosts.get(hostId);
    if (host === undefined) return refuse(`no host ${hostId} in this pool`, "host_id");
    if (host.state !== "fresh") return refuse(`host ${hostId} is stale`, "host_id");
    if (this.drains.has(`host:${hostId}`)) return refuse(`host ${hostId} is draining`, "host_id");
    const g = host.gpus.find((x) => x.id === gpuId);
    if (g === undefined) return refuse(`host ${hostId} reports no GPU ${gpuId}`);
    if (g.total_vram_bytes === null || g.free_vram_bytes === null) return refuse(`GPU ${gpuId} on host ${hostId}: VRAM unknown`);
    const held = heldOn(this.book.reservedByGpu(), hostId, gpuId);
    const available = g.free_vram_bytes - held;
    if (available < bytes) return refuse(`GPU ${gpuId} on host ${hostId} has ${available} bytes available (${g.free_vram_bytes} free, ${held} reserved)`, "vram_bytes");
    return { ok: true, value: { kind: "gpu", host_id: hostId, gpu_id: gpuId, device_name: g.device_name, total_vram_bytes: g.total_vram_bytes, free_vram_bytes: g.free_vram_bytes, reserved_bytes: held, available_bytes: available } };
  }

  /** Live reservations (each call settles first, so nothing past its end is listed or counted). */
  list(pool: PoolState, now: number): Reservation[] {
    this.settle(pool, now);
    return this.book.list();
  }

  cancel(pool: PoolState, id: string, now: number): Outcome<Reservation> {
    this.settle(pool, now);
    const found = this.book.get(id);
    if (found === null) return { ok: false, status: 404, code: "not_found", message: "no such reservation (it may have ended)", field: "reservation_id" };
    const events = new EventBatch();
    this.book.release(id, "deleted", events);
    events.flush(this.store, now);
    return { ok: true, value: found };
  }

  /**
   * After a host's heartbeat: its reservations whose VRAM is now in use end. Only the
   * heartbeat's own workers are looked at, and nothing at all for a host holding none.
   */
  hostReported(pool: PoolState, hostId: string, workers: readonly { id: string; gpu_id: number | null }[], now: number): void {
    if (!this.book.holdsOn(hostId)) return;
    const host = pool.hosts.get(hostId);
    if (host === undefined) return;
    const byGpu = new Map<number, string[]>();
    for (const w of workers) {
      if (w.gpu_id === null) continue;
      const list = byGpu.get(w.gpu_id) ?? [];
      list.push(w.id);
      byGpu.set(w.gpu_id, list);
    }
    const events = new EventBatch();
    this.book.seen(hostId, host.gpus, byGpu, events);
    events.flush(this.store, now);
  }

  drain(pool: PoolState, kind: "worker" | "host", id: string, draining: boolean, now: number): Outcome<{ subject: string; draining: boolean }> {
    const present = kind === "worker" ? pool.workers.has(id) : pool.hosts.has(id);
    if (!present) return { ok: false, status: 404, code: "not_found", message: `no such ${kind}`, field: `${kind}_id` };
    const subject = `${kind}:${id}`;
    const events = new EventBatch();
    this.drains.set(subject, draining, events);
    events.flush(this.store, now);
    return { ok: true, value: { subject, draining } };
  }

  clear(): void {
    this.book.clear();
    this.drains.clear();
  }
}
