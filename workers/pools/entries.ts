// In-memory records of one pool's senders (workers and hosts) and the liveness fields both
// share. Rows hold what changes rarely (identity, descriptor, state); volatile chunks hold
// what changes every heartbeat (last-seen, status, GPU readings).
import {
  CLOCK_SKEW_WARN_MS,
  staleWindowMs,
  type GpuReport,
  type HealthStatus,
  type LivenessState,
  type PoolSettings,
  type WorkerReport,
} from "../../shared/index.js";
import type { HostRow, WorkerRow } from "./registry-store.js";

export interface Liveness {
  /** Edge clock of the last accepted heartbeat. */
  lastSeen: number;
  /**
   * The latest time the sender may have been heard: lastSeen, or later after a restore that
   * could not rule out an unwritten heartbeat (shared/liveness.ts). Deadlines count from it.
   */
  seenBound: number;
  /** Whether the sender has a row yet (a new sender's first heartbeat writes it). */
  persisted: boolean;
  /** Fresh: when it goes stale. Stale: when it is evicted. */
  deadline: number;
  state: LivenessState;
  /**
   * Orders heartbeats: the sender's own timestamp of the last accepted one; null (nothing to
   * order by) when that timestamp was more than CLOCK_SKEW_WARN_MS ahead of the edge's clock,
   * so a clock far ahead (or a forged year 9999) cannot make later heartbeats look old.
   */
  senderTs: number | null;
  skewMs: number | null;
  joinedAt: number;
}

export interface WorkerEntry extends Liveness {
  kind: "worker";
  id: string;
  hostId: string | null;
  report: WorkerReport;
  health: HealthStatus | null;
  /** Everything but the volatile `status`: a change here is written at once. */
  durableKey: string;
}

export interface HostEntry extends Liveness {
  kind: "host";
  id: string;
  gpus: GpuReport[];
  gpusReceivedAt: number;
  sidecarVersion: string | null;
  /** GPU identity and totals and the sidecar version; free VRAM is volatile and goes out with flushes. */
  durableKey: string;
}

export type Entry = WorkerEntry | HostEntry;

export interface Windows {
  workerIntervalMs: number;
  hostIntervalMs: number;
  workerStaleMs: number;
  hostStaleMs: number;
  evictMs: number;
}

export function windowsOf(s: PoolSettings): Windows {
  return {
    workerIntervalMs: s.worker_interval_s * 1000,
    hostIntervalMs: s.pool_interval_s * 1000,
    workerStaleMs: staleWindowMs(s.worker_interval_s, s.stale_after_missed),
    hostStaleMs: staleWindowMs(s.pool_interval_s, s.stale_after_missed),
    evictMs: s.evict_after_s * 1000,
  };
}

export function staleWindowOf(e: Entry, w: Windows): number {
  return e.kind === "worker" ? w.workerStaleMs : w.hostStaleMs;
}

export function intervalOf(e: Entry, w: Windows): number {
  return e.kind === "worker" ? w.workerIntervalMs : w.hostIntervalMs;
}

export function subjectOf(e: Entry): string {
  return `${e.kind}:${e.id}`;
}

export function durableKeyOf(report: WorkerReport, hostId: string | null, health: HealthStatus | null): string {
  const { status: _volatile, ...rest } = report;
  return JSON.stringify([rest, hostId, health]);
}

export function hostKeyOf(gpus: GpuReport[], sidecarVersion: string | null): string {
  return JSON.stringify([sidecarVersion, gpus.map((g) => [g.id, g.uuid ?? null, g.device_name, g.total_vram_bytes])]);
}

/**
 * Records a heartbeat on the edge clock, dated `seenAt` (now, or earlier for a worker its
 * hive last heard from a while ago; never moving last-seen backwards). Returns whether the
 * sender's clock just drifted past the warning.
 */
export function touch(e: Liveness, now: number, senderTs: number, windowMs: number, seenAt = now): { skewStarted: boolean } {
  const wasSkewed = e.skewMs !== null && Math.abs(e.skewMs) > CLOCK_SKEW_WARN_MS;
  e.lastSeen = e.persisted ? Math.max(e.lastSeen, seenAt) : seenAt;
  e.seenBound = e.persisted ? Math.max(e.seenBound, e.lastSeen) : e.lastSeen;
  e.senderTs = senderTs > now + CLOCK_SKEW_WARN_MS ? null : senderTs;
  e.skewMs = senderTs - now;
  e.state = "fresh";
  e.deadline = e.seenBound + windowMs;
  return { skewStarted: !wasSkewed && Math.abs(e.skewMs) > CLOCK_SKEW_WARN_MS };
}

export function workerRow(e: WorkerEntry): WorkerRow {
  e.persisted = true;
  return {
    id: e.id,
    host_id: e.hostId,
    report: JSON.stringify(e.report),
    health: e.health,
    state: e.state,
    last_seen: e.lastSeen,
    sender_ts: e.senderTs,
    joined_at: e.joinedAt,
  };
}

export function hostRow(e: HostEntry): HostRow {
  e.persisted = true;
  return {
    id: e.id,
    gpus: JSON.stringify(e.gpus),
    gpus_received_at: e.gpusReceivedAt,
    sidecar_version: e.sidecarVersion,
    state: e.state,
    last_seen: e.lastSeen,
    sender_ts: e.senderTs,
    joined_at: e.joinedAt,
  };
}
