// Builds `GET /v2/pools/{id}` from memory: the seed's pool-heartbeat shape, aggregated over
// every host, with each sender's state and age on the edge clock; and the shapes the pages,
// /metrics and `GET /v2/pools` read from a pool (never a worker URI or a token).
import type { ForwardStatus, PoolSnapshot, SnapshotGpu, SnapshotHost, SnapshotWorker, LivenessState } from "../../shared/index.js";
import type { Liveness, WorkerEntry } from "./entries.js";
import type { LiveSource } from "./live.js";
import type { PoolState } from "./pool-state.js";
import { hiveTelemetry, queenBeat } from "./queen-shape.js";
import type { HeartbeatCounters, RegistryStore } from "./registry-store.js";
import type { Scheduling } from "./scheduling.js";
import { EDGE_SIDECAR_VERSION, sidecarDiffers } from "./sidecar-version.js";
import type { VramSeries } from "./vram-history.js";

/** `GET /v2/pools`: a pool's counts. */
export interface PoolSummary {
  pool_id: string;
  workers: { fresh: number; stale: number };
  hosts: { fresh: number; stale: number };
  eviction_suspended: boolean;
}

/** A snapshot without worker URIs: what the public status page and /metrics may see. */
export type PublicSnapshot = Omit<PoolSnapshot, "workers"> & { workers: Omit<PoolSnapshot["workers"][number], "uri">[] };

/** What /metrics and the status page need: counts, GPUs and workers, no URIs or tokens. */
export interface PoolMetrics {
  snapshot: PublicSnapshot;
  counters: HeartbeatCounters;
}

/** The pool's page (/pools/{id}): the public snapshot, each GPU's VRAM over 24 h, the latest events (kind and subject only). */
export interface PoolDetail extends PoolMetrics {
  vram: VramSeries;
  events: { seq: number; at: string; kind: string; subject: string }[];
}

/** How many of the latest events the pool's page lists. */
const PAGE_EVENTS = 30;

/** URIs are left out here, at the source, so no page, metric or summary can show one. */
export function withoutUris(snap: PoolSnapshot): PublicSnapshot {
  return { ...snap, workers: snap.workers.map(({ uri: _, ...w }) => w) };
}

export function summaryOf(poolId: string, pool: PoolState): PoolSummary {
  return { pool_id: poolId, ...pool.counts(), eviction_suspended: pool.evictionHold !== null };
}

/** The latest events, newest first, kind and subject only (their details may name URIs). */
export function pageEvents(store: RegistryStore): PoolDetail["events"] {
  return store.listEvents(Math.max(0, store.lastSeq - PAGE_EVENTS), PAGE_EVENTS).map(({ seq, at, kind, subject }) => ({ seq, at, kind, subject })).reverse();
}

export interface SnapshotFilter {
  state?: LivenessState;
  host_id?: string;
}

/**
 * Which senders a snapshot spells out (objects are made for those only, whatever the pool's
 * size): `page` a page of the workers the filter keeps, in the pool's order (GET /v2/pools/{id});
 * `view` at most so many hosts and workers, stale ones first, and the GPUs of the hosts shown
 * (the pages), or of every host (`gpus: "all"`: /metrics, which shows no host or worker).
 */
export type SnapshotShape = { page: { offset: number; limit: number } } | { view: PoolView };

const ALL: SnapshotShape = { page: { offset: 0, limit: Infinity } };

/** What a page or /metrics asks a pool to spell out. */
export type PoolView = { hosts: number; workers: number; gpus: "shown" | "all" };

/** Up to `n` of `list` kept by `keep`, stale ones first (both in the pool's order). */
function staleFirst<T extends { state: string }>(list: Iterable<T>, n: number, keep: (x: T) => boolean): T[] {
  const stale: T[] = [];
  const fresh: T[] = [];
  for (const x of list) {
    if (!keep(x)) continue;
    if (x.state === "stale") {
      if (stale.length < n) stale.push(x);
    } else if (fresh.length < n) fresh.push(x);
  }
  return [...stale, ...fresh].slice(0, n);
}

function liveness(e: Liveness, now: number) {
  return {
    state: e.state,
    last_heartbeat_at: new Date(e.lastSeen).toISOString(),
    age_s: Math.max(0, Math.round((now - e.lastSeen) / 100) / 10),
    clock_skew_ms: e.skewMs,
  };
}

/**
 * A relayed worker's gpu_id that its host does not report. Marked, not refused: a host whose
 * GPU read failed still reports its workers, and they must not be dropped for it.
 */
function gpuUnknown(pool: PoolState, hostId: string | null, gpuId: number | null): boolean {
  if (hostId === null || gpuId === null) return false;
  const host = pool.hosts.get(hostId);
  return host !== undefined && !host.gpus.some((g) => g.id === gpuId);
}

/** VRAM over GPUs on fresh hosts (what a scheduler can place work on); unreadable GPUs are counted, not guessed. */
export function vramOf(pool: PoolState): PoolSnapshot["vram"] {
  const vram = { total_bytes: 0, free_bytes: 0, unknown_gpus: 0 };
  for (const h of pool.hosts.values()) {
    if (h.state !== "fresh") continue;
    for (const g of h.gpus) {
      if (g.total_vram_bytes === null || g.free_vram_bytes === null) vram.unknown_gpus += 1;
      else {
        vram.total_bytes += g.total_vram_bytes;
        vram.free_bytes += g.free_vram_bytes;
      }
    }
  }
  return vram;
}

export function buildSnapshot(poolId: string, pool: PoolState, now: number, filter: SnapshotFilter, scheduling: Scheduling, forward: ForwardStatus | null, shape: SnapshotShape = ALL): PoolSnapshot {
  const drains = scheduling.drains;
  const keep = (state: LivenessState, hostId: string | null) =>
    (filter.state === undefined || filter.state === state) && (filter.host_id === undefined || filter.host_id === hostId);

  const workersByHost = new Map<string, number>();
  for (const w of pool.workers.values()) if (w.hostId !== null) workersByHost.set(w.hostId, (workersByHost.get(w.hostId) ?? 0) + 1);
  const counts = pool.counts();
  // The workers spelled out, and how many the filter keeps in all.
  let chosen: WorkerEntry[] = [];
  let kept = 0;
  if ("page" in shape) {
    const { offset, limit } = shape.page;
    for (const w of pool.workers.values()) {
      if (!keep(w.state, w.hostId)) continue;
      if (kept >= offset && kept < offset + limit) chosen.push(w);
      kept += 1;
    }
  } else {
    chosen = staleFirst(pool.workers.values(), shape.view.workers, (w) => keep(w.state, w.hostId));
  }
  const workers: SnapshotWorker[] = chosen.map((w) => ({
    ...w.report, host_id: w.hostId, gpu_unknown: gpuUnknown(pool, w.hostId, w.report.gpu_id), health_status: w.health,
    draining: drains.workerDrained(w.id, w.hostId), ...liveness(w, now),
  }));

  const shownHosts = "page" in shape ? [...pool.hosts.values()].filter((h) => keep(h.state, h.id)) : staleFirst(pool.hosts.values(), shape.view.hosts, (h) => keep(h.state, h.id));
  const gpuHosts = "view" in shape && shape.view.gpus === "all" ? [...pool.hosts.values()].filter((h) => keep(h.state, h.id)) : shownHosts;
  const gpus: SnapshotGpu[] = gpuHosts.flatMap((h) => h.gpus.map((g) => ({ ...g, host_id: h.id, received_at: new Date(h.gpusReceivedAt).toISOString(), state: h.state })));
  const hosts: SnapshotHost[] = shownHosts.map((h) => ({
    host_id: h.id, gpu_count: h.gpus.length, worker_count: workersByHost.get(h.id) ?? 0,
    sidecar_version: h.sidecarVersion, sidecar_differs: sidecarDiffers(h.sidecarVersion), draining: drains.has(`host:${h.id}`), ...liveness(h, now),
  }));

  const page = "page" in shape && Number.isFinite(shape.page.limit) ? { limit: shape.page.limit, next_cursor: shape.page.offset + shape.page.limit < kept ? String(shape.page.offset + shape.page.limit) : null, workers: kept } : undefined;
  return {
    pool_id: poolId,
    timestamp: new Date(now).toISOString(),
    gpus,
    workers,
    hosts,
    counts,
    vram: vramOf(pool),
    eviction: { suspended: pool.evictionHold !== null, reason: pool.evictionHold },
    settings: pool.settings,
    reservations: scheduling.book.list().filter((r) => filter.host_id === undefined || r.host_id === filter.host_id),
    forward,
    edge_sidecar_version: EDGE_SIDECAR_VERSION,
    ...(page === undefined ? {} : { page }),
  };
}

/** What a pool's streams read, when each frame is sent (live.ts); `at` gives the pool as it is now. */
export function streamSource(at: () => { poolId: string | null; pool: PoolState; store: RegistryStore; scheduling: Scheduling }): LiveSource {
  return {
    lastSeq: () => at().store.lastSeq,
    eventsAfter: (seq, limit) => at().store.listEvents(seq, limit),
    // Counts only: a summary never walks every worker to build a snapshot.
    summary: () => {
      const { poolId, pool, scheduling } = at();
      return {
        pool_id: poolId,
        timestamp: new Date().toISOString(),
        counts: pool.counts(),
        vram: vramOf(pool),
        reservations: scheduling.book.size,
        eviction: { suspended: pool.evictionHold !== null, reason: pool.evictionHold },
      };
    },
    summaryEveryMs: () => at().pool.settings.pool_interval_s * 1000,
    queenBeat: () => queenBeat(at().pool, at().scheduling.drains, Date.now()),
    hiveTelemetry: (hostId) => hiveTelemetry(at().pool, hostId, Date.now()),
  };
}
