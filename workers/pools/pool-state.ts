// One pool's registry in memory: applies heartbeats on the edge clock, writes a sender's row
// only when something durable changed (volatile state goes out in flushes, volatile.ts), and
// rebuilds itself from storage with deadlines that are never early.
import {
  DEFAULT_HOST_ID,
  MAX_HOSTS_PER_POOL,
  MAX_WORKERS_PER_POOL,
  isQuietAtFlush,
  PoolSettingsSchema,
  seenBoundAfterRestore,
  validate,
  type FlushRecord,
  type PoolHeartbeat,
  type PoolSettings,
  type PoolSettingsPatch,
  type WorkerHeartbeat,
  type WorkerReport,
  type HealthStatus,
  type LivenessState,
} from "../../shared/index.js";
import type { BodyError } from "../http/body.js";
import type { Outcome } from "../http/errors.js";
import {
  durableKeyOf,
  hostKeyOf,
  intervalOf,
  hostRow,
  staleWindowOf,
  subjectOf,
  touch,
  windowsOf,
  workerRow,
  type Entry,
  type HostEntry,
  type WorkerEntry,
  type Windows,
} from "./entries.js";
import { EventBatch } from "./event-batch.js";
import { parseGpus, parseWorkerReport, type HeartbeatCounters, type RegistryStore } from "./registry-store.js";
import { unpackChunks } from "./volatile.js";

/** A heartbeat body judged against its schema (heartbeat-body.ts). */
export type Judge<H> = () => { ok: true; value: H } | { ok: false; error: BodyError };
/** Applies a judged heartbeat; `wakeBy`: a deadline that may need an earlier alarm. */
export type Apply<H> = (hb: H, now: number) => { outcome: Outcome<HeartbeatAck>; wakeBy: number | null };

export interface HeartbeatAck {
  status: "accepted" | "ignored" | "left";
  reason?: string;
  server_time: string;
  /** When the sender should heartbeat next, from the pool's settings. */
  interval_s: number;
}

export class PoolState {
  /** Heartbeats accepted and rejected (flushed with the volatile state; see volatile.ts). */
  counters: HeartbeatCounters = { accepted: 0, rejected: {} };

  readonly workers = new Map<string, WorkerEntry>();
  readonly hosts = new Map<string, HostEntry>();
  windows: Windows;
  /** Why evictions are held (the mass-staleness guard), as decided by the last sweep; null when they are not. */
  evictionHold: string | null = null;
  /** When volatile state was last written (set by the registry); quiet senders are judged against it. */
  lastFlushAt: number | null = null;
  /** A quiet sender was heard: the registry must flush now (see isQuietAtFlush). */
  private flushNeeded = false;

  constructor(
    readonly store: RegistryStore,
    public settings: PoolSettings,
  ) {
    this.windows = windowsOf(settings);
  }

  /** Rebuilds the registry from rows and the last flush of volatile state. */
  restore(now: number): FlushRecord | null {
    for (const row of this.store.loadWorkers()) {
      const report = parseWorkerReport(row.report);
      const health = row.health as HealthStatus | null;
      this.workers.set(row.id, {
        kind: "worker", id: row.id, hostId: row.host_id, report, health,
        durableKey: durableKeyOf(report, row.host_id, health),
        lastSeen: row.last_seen, seenBound: row.last_seen, persisted: true, state: row.state, deadline: 0,
        senderTs: row.sender_ts, skewMs: null, joinedAt: row.joined_at,
      });
    }
    for (const row of this.store.loadHosts()) {
      const gpus = parseGpus(row.gpus);
      this.hosts.set(row.id, {
        kind: "host", id: row.id, gpus, gpusReceivedAt: row.gpus_received_at, sidecarVersion: row.sidecar_version,
        durableKey: hostKeyOf(gpus, row.sidecar_version),
        lastSeen: row.last_seen, seenBound: row.last_seen, persisted: true, state: row.state, deadline: 0,
        senderTs: row.sender_ts, skewMs: null, joinedAt: row.joined_at,
      });
    }
    const { flush, chunks } = this.store.loadVolatile();
    unpackChunks(this, chunks);
    this.lastFlushAt = flush?.flushedAtMs ?? null;
    for (const e of this.entries()) {
      // Stale senders were written with their exact last-seen time, so eviction stays on schedule.
      if (e.state === "stale") e.deadline = e.lastSeen + this.windows.evictMs;
      else {
        e.seenBound = seenBoundAfterRestore(e.lastSeen, e.seenBound, intervalOf(e, this.windows), flush, now);
        e.deadline = e.seenBound + staleWindowOf(e, this.windows);
      }
    }
    return flush;
  }

  /** An admin's patch, checked whole (a 400 naming the field changes nothing), stored and applied. */
  changeSettings(patch: PoolSettingsPatch): Outcome<PoolSettings> {
    const merged = validate(PoolSettingsSchema, { ...this.settings, ...patch });
    if (!merged.ok) return { ok: false, status: 400, ...merged.error };
    this.store.setMeta("settings", JSON.stringify(merged.value));
    this.updateSettings(merged.value);
    return { ok: true, value: merged.value };
  }

  private updateSettings(settings: PoolSettings): void {
    const before = this.windows;
    this.settings = settings;
    this.windows = windowsOf(settings);
    for (const e of this.entries()) {
      // Shift rather than recompute: a deadline bounded after a restore must stay bounded.
      if (e.state === "fresh") e.deadline += staleWindowOf(e, this.windows) - staleWindowOf(e, before);
      else e.deadline = e.lastSeen + this.windows.evictMs;
    }
  }

  /** Fresh and stale senders, by kind. */
  counts(): { workers: Record<LivenessState, number>; hosts: Record<LivenessState, number> } {
    const counts = { workers: { fresh: 0, stale: 0 }, hosts: { fresh: 0, stale: 0 } };
    for (const w of this.workers.values()) counts.workers[w.state] += 1;
    for (const h of this.hosts.values()) counts.hosts[h.state] += 1;
    return counts;
  }

  *entries(): Iterable<Entry> {
    yield* this.hosts.values();
    yield* this.workers.values();
  }

  private ack(status: HeartbeatAck["status"], now: number, intervalS: number, reason?: string): Outcome<HeartbeatAck> {
    const value: HeartbeatAck = { status, server_time: new Date(now).toISOString(), interval_s: intervalS };
    if (reason !== undefined) value.reason = reason;
    return { ok: true, value };
  }

  /**
   * A heartbeat of an authenticated caller: judged (a bad body is refused and changes nothing
   * but the count), then applied. Refusals are counted by reason, out-of-order ones too.
   */
  take<H>(judge: Judge<H>, apply: Apply<H>, now: number): ReturnType<Apply<H>> {
    const judged = judge();
    if (!judged.ok) {
      this.countRejected(judged.error.code);
      const { status, code, message, field } = judged.error;
      return { outcome: { ok: false, status, code, message, field }, wakeBy: null };
    }
    const applied = apply(judged.value, now);
    if (!applied.outcome.ok) this.countRejected(applied.outcome.code);
    else if (applied.outcome.value.status === "ignored") this.countRejected("out_of_order");
    else this.counters.accepted += 1;
    return applied;
  }

  /** Counts a refused heartbeat of an authenticated caller (never one that is not). */
  private countRejected(reason: string): void {
    const r = this.counters.rejected;
    r[reason] = (r[reason] ?? 0) + 1;
  }

  /** `POST /v1/heartbeat`. Returns the deadline to arm an alarm for, when it is new. */
  applyWorkerHeartbeat(hb: WorkerHeartbeat, now: number): { outcome: Outcome<HeartbeatAck>; wakeBy: number | null } {
    const senderTs = Date.parse(hb.timestamp);
    const interval = this.settings.worker_interval_s;
    const events = new EventBatch();
    let entry = this.workers.get(hb.worker_id);
    let wakeBy: number | null = null;
    if (entry !== undefined && entry.senderTs !== null && senderTs < entry.senderTs) {
      return { outcome: this.ack("ignored", now, interval, "timestamp is older than the last accepted heartbeat"), wakeBy };
    }
    if (entry === undefined) {
      if (this.workers.size >= MAX_WORKERS_PER_POOL) return { outcome: poolFull("workers", MAX_WORKERS_PER_POOL), wakeBy };
      const report: WorkerReport = {
        id: hb.worker_id, status: "unknown", model_ref: null, vram_bytes: null, gpu_id: null, uri: null, capabilities: [], protocol: null,
      };
      entry = newWorker(hb.worker_id, null, report, hb.health_status, now);
      this.workers.set(entry.id, entry);
      events.add("joined", subjectOf(entry), { via: "worker_heartbeat" });
    }
    wakeBy = this.refresh(entry, now, senderTs, events, () => {
      // Only health can change here; the key is rebuilt (a JSON.stringify) only when it does.
      if (entry.health === hb.health_status) return entry.durableKey;
      entry.health = hb.health_status;
      return durableKeyOf(entry.report, entry.hostId, entry.health);
    });
    events.flush(this.store, now);
    return { outcome: this.ack("accepted", now, interval), wakeBy };
  }

  /** `POST /v2/pools/{id}/heartbeat`: one host's full GPU and worker state. */
  applyPoolHeartbeat(hb: PoolHeartbeat, now: number): { outcome: Outcome<HeartbeatAck>; wakeBy: number | null } {
    const hostId = hb.host_id ?? DEFAULT_HOST_ID;
    const senderTs = Date.parse(hb.timestamp);
    const interval = this.settings.pool_interval_s;
    const events = new EventBatch();
    let host = this.hosts.get(hostId);
    if (host !== undefined && host.senderTs !== null && senderTs < host.senderTs) {
      return { outcome: this.ack("ignored", now, interval, "timestamp is older than the last accepted heartbeat"), wakeBy: null };
    }
    if (hb.leaving === true) {
      this.removeHost(hostId, "left", events);
      events.flush(this.store, now);
      return { outcome: this.ack("left", now, interval), wakeBy: null };
    }
    if (host === undefined && this.hosts.size >= MAX_HOSTS_PER_POOL) return { outcome: poolFull("host_id", MAX_HOSTS_PER_POOL), wakeBy: null };
    const added = hb.workers.reduce((n, w) => n + (this.workers.has(w.id) ? 0 : 1), 0);
    if (this.workers.size + added > MAX_WORKERS_PER_POOL) return { outcome: poolFull("workers", MAX_WORKERS_PER_POOL), wakeBy: null };

    let wakeBy: number | null = null;
    const earliest = (t: number | null) => {
      if (t !== null && (wakeBy === null || t < wakeBy)) wakeBy = t;
    };
    if (host === undefined) {
      host = { kind: "host", id: hostId, gpus: [], gpusReceivedAt: now, sidecarVersion: null, durableKey: "", lastSeen: now, seenBound: now, persisted: false,
        deadline: 0, state: "fresh", senderTs: null, skewMs: null, joinedAt: now };
      this.hosts.set(hostId, host);
      events.add("joined", subjectOf(host), { gpus: hb.gpus.length, workers: hb.workers.length });
    }
    const h = host;
    earliest(this.refresh(h, now, senderTs, events, () => {
      h.gpus = hb.gpus;
      h.gpusReceivedAt = now;
      h.sidecarVersion = hb.sidecar_version ?? null;
      return hostKeyOf(hb.gpus, h.sidecarVersion);
    }));
    // Workers removed at this host's hive: gone at once, as a leave (no stale alert). Another
    // host's worker of the same name is not this host's to remove.
    for (const id of hb.left_workers ?? []) {
      const w = this.workers.get(id);
      if (w !== undefined && w.hostId === hostId) this.removeWorker(w, "left", events, { host_id: hostId });
    }
    for (const incoming of hb.workers) {
      // A hive only relays workers it heard from recently; one it heard from longer ago than
      // the edge's own window would be stale on arrival, so it is left as it is.
      const age = incoming.heartbeat_age_ms ?? 0;
      if (age >= this.windows.workerStaleMs) continue;
      // The age and health ride along but are not part of the stored descriptor.
      const { heartbeat_age_ms: _age, health_status: health, ...report } = incoming;
      let w = this.workers.get(report.id);
      if (w === undefined) {
        w = newWorker(report.id, hostId, report, health ?? null, now);
        this.workers.set(w.id, w);
        events.add("joined", subjectOf(w), { host_id: hostId });
      }
      const entry = w;
      earliest(this.refresh(entry, now, senderTs, events, () => {
        entry.report = report;
        entry.hostId = hostId;
        if (health !== undefined) entry.health = health;
        return durableKeyOf(entry.report, entry.hostId, entry.health);
      }, true, now - age));
    }
    events.flush(this.store, now);
    return { outcome: this.ack("accepted", now, interval), wakeBy };
  }

  /**
   * Applies one heartbeat to one sender. `update` changes the record and returns its
   * durable key; the row is written only when the sender joined, recovered, or that key
   * changed. Volatile fields are flushed separately. Returns a deadline that may need an
   * earlier alarm.
   */
  private refresh(e: Entry, now: number, senderTs: number, events: EventBatch, update: () => string, relayed = false, seenAt = now): number | null {
    const before = e.durableKey;
    const isNew = !e.persisted;
    if (!isNew && isQuietAtFlush(e.lastSeen, intervalOf(e, this.windows), this.lastFlushAt)) this.flushNeeded = true;
    const wasStale = e.state === "stale";
    const key = update();
    e.durableKey = key;
    const { skewStarted } = touch(e, now, senderTs, staleWindowOf(e, this.windows), seenAt);
    if (wasStale) events.add("recovered", subjectOf(e), {});
    // A relayed worker carries its host's clock; the host's own skew event covers it.
    if (skewStarted && !relayed) events.add("skew", subjectOf(e), { skew_ms: e.skewMs });
    if (isNew || wasStale || key !== before) {
      if (e.kind === "worker") this.store.putWorker(workerRow(e));
      else this.store.putHost(hostRow(e));
    }
    return isNew || wasStale ? e.deadline : null;
  }

  /** Whether the heartbeat just applied must be flushed now; resets the flag. */
  takeFlushNeeded(): boolean {
    const needed = this.flushNeeded;
    this.flushNeeded = false;
    return needed;
  }

  /** Removes a host; one that leaves (or is removed by the admin) takes its relayed workers with it. */
  removeHost(hostId: string, kind: "left" | "evicted", events: EventBatch, withWorkers = kind === "left", detail: Record<string, unknown> = {}): void {
    if (this.hosts.delete(hostId)) {
      this.store.deleteHost(hostId);
      events.add(kind, `host:${hostId}`, detail);
    }
    if (!withWorkers) return;
    for (const w of this.workers.values()) {
      if (w.hostId === hostId) this.removeWorker(w, kind, events, detail);
    }
  }

  removeWorker(w: WorkerEntry, kind: "left" | "evicted", events: EventBatch, detail: Record<string, unknown> = {}): void {
    this.workers.delete(w.id);
    this.store.deleteWorker(w.id);
    events.add(kind, subjectOf(w), { last_heartbeat_at: new Date(w.lastSeen).toISOString(), ...detail });
  }

  /** The admin's manual eviction (e.g. workers retired without leaving while evictions are held). */
  evictByAdmin(kind: "worker" | "host", id: string, now: number): Outcome<{ removed: string }> {
    const events = new EventBatch();
    const missing: Outcome<never> = { ok: false, status: 404, code: "not_found", message: `no such ${kind}`, field: `${kind}_id` };
    if (kind === "worker") {
      const w = this.workers.get(id);
      if (w === undefined) return missing;
      this.removeWorker(w, "evicted", events, { by: "admin" });
    } else {
      if (!this.hosts.has(id)) return missing;
      this.removeHost(id, "evicted", events, true, { by: "admin" });
    }
    events.flush(this.store, now);
    return { ok: true, value: { removed: `${kind}:${id}` } };
  }
}

function newWorker(id: string, hostId: string | null, report: WorkerReport, health: HealthStatus | null, now: number): WorkerEntry {
  return {
    kind: "worker", id, hostId, report, health, durableKey: durableKeyOf(report, hostId, health),
    lastSeen: now, seenBound: now, persisted: false, deadline: 0, state: "fresh", senderTs: null, skewMs: null, joinedAt: now,
  };
}

function poolFull(field: string, max: number): Outcome<never> {
  return { ok: false, status: 413, code: "pool_full", message: `the pool already holds its maximum of ${max}`, field };
}
