// Reservations: VRAM a scheduler holds on one GPU between choosing it and its worker showing
// up, so two schedulers cannot place onto the same bytes (GPUStack #3034). Granted inside the
// pool's object with no await between the check and the write, so concurrent requests are
// decided one after another. A reservation ends at its TTL, when deleted, when its host's
// heartbeats show the VRAM in use (a worker that was not on that GPU appears on it, or free
// VRAM drops by the reserved amount), or when its host goes stale or is removed.
import type { GpuReport, Reservation } from "../../shared/index.js";
import { randomId } from "../auth/tokens.js";
import type { EventBatch } from "./event-batch.js";
import type { PoolState } from "./pool-state.js";
import type { RegistryStore } from "./registry-store.js";

export const RESERVATIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY, holder TEXT NOT NULL, host_id TEXT NOT NULL, gpu_id INTEGER NOT NULL, bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, free_at INTEGER NOT NULL, workers TEXT NOT NULL) WITHOUT ROWID;`;

/** Per pool; a scheduler holding more is leaking them. */
export const MAX_RESERVATIONS = 1000;

interface Held {
  id: string;
  holder: string;
  hostId: string;
  gpuId: number;
  bytes: number;
  createdAt: number;
  expiresAt: number;
  /** The GPU's free VRAM when reserved: a drop by `bytes` from here means the VRAM is in use. */
  freeAt: number;
  /** Workers on that GPU when reserved: any other appearing there is the reservation's worker. */
  workers: string[];
}

type HeldRow = { id: string; holder: string; host_id: string; gpu_id: number; bytes: number; created_at: number; expires_at: number; free_at: number; workers: string };

/** Bytes held, by host and GPU (nested maps: no key string built per GPU on a placement). */
export type HeldBytes = Map<string, Map<number, number>>;

export function heldOn(reserved: HeldBytes, hostId: string, gpuId: number): number {
  return reserved.size === 0 ? 0 : (reserved.get(hostId)?.get(gpuId) ?? 0);
}

export class ReservationBook {
  private readonly held = new Map<string, Held>();
  /** Reservations per host, so a heartbeat from a host holding none costs one lookup. */
  private readonly perHost = new Map<string, number>();

  constructor(private readonly store: RegistryStore) {
    store.run(RESERVATIONS_SCHEMA);
    for (const r of store.rows<HeldRow>("SELECT * FROM reservations")) {
      this.count(r.host_id, 1);
      this.held.set(r.id, { id: r.id, holder: r.holder, hostId: r.host_id, gpuId: r.gpu_id, bytes: r.bytes, createdAt: r.created_at, expiresAt: r.expires_at, freeAt: r.free_at, workers: JSON.parse(r.workers) as string[] });
    }
  }

  private count(hostId: string, by: 1 | -1): void {
    const n = (this.perHost.get(hostId) ?? 0) + by;
    if (n === 0) this.perHost.delete(hostId);
    else this.perHost.set(hostId, n);
  }

  holdsOn(hostId: string): boolean {
    return this.perHost.has(hostId);
  }

  get size(): number {
    return this.held.size;
  }

  /** Bytes held per host and GPU (heldOn reads it). */
  reservedByGpu(): HeldBytes {
    const out: HeldBytes = new Map();
    for (const r of this.held.values()) {
      let gpus = out.get(r.hostId);
      if (gpus === undefined) out.set(r.hostId, (gpus = new Map()));
      gpus.set(r.gpuId, (gpus.get(r.gpuId) ?? 0) + r.bytes);
    }
    return out;
  }

  list(): Reservation[] {
    return [...this.held.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map(view);
  }

  get(id: string): Reservation | null {
    const r = this.held.get(id);
    return r === undefined ? null : view(r);
  }

  add(r: Omit<Held, "id">, events: EventBatch): Reservation {
    const id = randomId("rsv");
    const held: Held = { id, ...r };
    this.held.set(id, held);
    this.count(r.hostId, 1);
    this.store.run(
      "INSERT INTO reservations (id, holder, host_id, gpu_id, bytes, created_at, expires_at, free_at, workers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id, r.holder, r.hostId, r.gpuId, r.bytes, r.createdAt, r.expiresAt, r.freeAt, JSON.stringify(r.workers),
    );
    events.add("reserved", `host:${r.hostId}`, { reservation_id: id, gpu_id: r.gpuId, vram_bytes: r.bytes, holder: r.holder, expires_at: new Date(r.expiresAt).toISOString() });
    return view(held);
  }

  release(id: string, why: string, events: EventBatch): boolean {
    const r = this.held.get(id);
    if (r === undefined) return false;
    this.held.delete(id);
    this.count(r.hostId, -1);
    this.store.run("DELETE FROM reservations WHERE id = ?", id);
    events.add("released", `host:${r.hostId}`, { reservation_id: id, gpu_id: r.gpuId, vram_bytes: r.bytes, holder: r.holder, why });
    return true;
  }

  /** Ends what no longer holds: past its TTL, or on a host that is stale or gone. */
  settle(pool: PoolState, now: number, events: EventBatch): void {
    for (const r of [...this.held.values()]) {
      const host = pool.hosts.get(r.hostId);
      if (r.expiresAt <= now) this.release(r.id, "ttl", events);
      else if (host === undefined) this.release(r.id, "host_gone", events);
      else if (host.state !== "fresh") this.release(r.id, "host_stale", events);
    }
  }

  /**
   * A host's heartbeat was applied: reservations on its GPUs whose VRAM is now in use end.
   * `workersByGpu` is who the host reports on each GPU now.
   */
  seen(hostId: string, gpus: GpuReport[], workersByGpu: Map<number, string[]>, events: EventBatch): void {
    for (const r of [...this.held.values()]) {
      if (r.hostId !== hostId) continue;
      const newcomer = (workersByGpu.get(r.gpuId) ?? []).find((w) => !r.workers.includes(w));
      if (newcomer !== undefined) {
        this.release(r.id, `in_use: worker ${newcomer} on the GPU`, events);
        continue;
      }
      const free = gpus.find((g) => g.id === r.gpuId)?.free_vram_bytes ?? null;
      if (free !== null && free <= r.freeAt - r.bytes) this.release(r.id, "in_use: free VRAM dropped by the reserved amount", events);
    }
  }

  clear(): void {
    this.held.clear();
    this.perHost.clear();
  }
}

function view(r: Held): Reservation {
  return {
    reservation_id: r.id,
    holder: r.holder,
    host_id: r.hostId,
    gpu_id: r.gpuId,
    vram_bytes: r.bytes,
    created_at: new Date(r.createdAt).toISOString(),
    expires_at: new Date(r.expiresAt).toISOString(),
  };
}
