// PoolRegistry: one SQLite-backed Durable Object per GPU pool (named by pool id). It routes
// calls and holds the pool's state: the registry in memory (pool-state.ts) and its storage
// (registry-store.ts), with one alarm at the earliest deadline so state changes happen on time
// without any reader. The concerns live beside it: tokens (pool-tokens.ts), flushes
// (volatile.ts), read shapes (snapshot.ts), the alert cursor (alert-cursor.ts), scheduling,
// streams, the queen push and the VRAM history.
import { DurableObject } from "cloudflare:workers";
import type { PoolStats, TokenInfo } from "../../shared/api.js";
import { DEFAULT_HOST_ID, DEFAULT_POOL_SETTINGS, PoolSettingsSchema } from "../../shared/index.js";
import type { ForwardStatus, Placement, PlacementQuery, PoolEvent, PoolSettings, PoolSettingsPatch, PoolSnapshot, Reservation, ReservationRequest, TokenScope } from "../../shared/index.js";
import type { Need } from "../auth/scopes.js";
import type { BodyText } from "../http/body.js";
import type { Outcome } from "../http/errors.js";
import { alerter } from "../objects.js";
import { handOnUsage } from "../usage/hand-on.js";
import { ObjectMeter } from "../usage/tally.js";
import { AlertCursor } from "./alert-cursor.js";
import { Forwarder } from "./forward.js";
import { judgePoolHeartbeat, judgeWorkerHeartbeat } from "./heartbeat-body.js";
import { Live, type StreamKind } from "./live.js";
import { PoolState, type Apply, type HeartbeatAck, type Judge } from "./pool-state.js";
import { evictionHoldReason, nextWakeAt, sweep } from "./pool-sweep.js";
import { PoolTokens, unauthorized, type PoolAccess } from "./pool-tokens.js";
import { RegistryStore } from "./registry-store.js";
import { Scheduling } from "./scheduling.js";
import { EDGE_SIDECAR_VERSION } from "./sidecar-version.js";
import { PoolAlarm } from "./pool-alarm.js";
import { buildSnapshot, pageEvents, streamSource, summaryOf, withoutUris, type PoolDetail, type PoolMetrics, type PoolSummary, type PoolView, type SnapshotFilter, type SnapshotShape } from "./snapshot.js";
import { Flusher } from "./volatile.js";
import { VramHistory } from "./vram-history.js";

/** A heartbeat's answer: the pool's ack plus which pool and which sidecar this edge serves. */
type Ack = HeartbeatAck & { pool_id: string; edge_sidecar_version: string };

const noSuchPool = <T>(): Outcome<T> => ({ ok: false, status: 404, code: "not_found", message: "no such pool" });
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

export class PoolRegistry extends DurableObject<Env> {
  private store!: RegistryStore;
  private pool!: PoolState;
  private poolId: string | null = null;
  // The concerns beside the registry, each with its own file (named in the header).
  private tokens!: PoolTokens;
  private flusher!: Flusher;
  private alerts!: AlertCursor;
  private scheduling!: Scheduling;
  private live!: Live;
  private forwarder!: Forwarder;
  private vram!: VramHistory;
  private heartbeats = 0;
  private readonly startedAt = Date.now();
  /** This pool's requests and rows, for the usage meter (workers/usage/). */
  private readonly meter = new ObjectMeter("PoolRegistry");
  private readonly alarmClock: PoolAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.alarmClock = new PoolAlarm(ctx.storage, this.meter);
    void ctx.blockConcurrencyWhile(async () => {
      const now = Date.now();
      this.open(now);
      // Recomputed quietly: a held eviction was logged when it began, not at every wake.
      this.pool.evictionHold = evictionHoldReason(this.pool);
      await this.alarmClock.load();
      await this.rearm(now);
    });
  }

  /** Loads everything from storage (an empty store after destroy()). */
  private open(now: number): void {
    this.store = new RegistryStore(this.ctx.storage.sql);
    this.poolId = this.store.getMeta("pool_id");
    const stored = this.store.getMeta("settings");
    this.pool = new PoolState(this.store, stored === null ? DEFAULT_POOL_SETTINGS : PoolSettingsSchema.parse(JSON.parse(stored)));
    this.tokens = new PoolTokens(this.store);
    this.flusher = new Flusher(this.store, this.pool, this.pool.restore(now));
    this.alerts = new AlertCursor(this.store, (signals) => alerter(this.env).notify(signals), this.poolId);
    this.scheduling = new Scheduling(this.store);
    this.forwarder = new Forwarder(this.store);
    this.vram = new VramHistory(this.store);
    this.live = new Live(streamSource(() => ({ poolId: this.poolId, pool: this.pool, store: this.store, scheduling: this.scheduling })));
    // Streams hear of every event the store writes.
    this.store.onEvent = () => this.live.eventWritten();
  }

  /** Counts this request (usage meter), and hands the counts on when due (workers/usage/hand-on.ts). */
  private used(cause: string): void {
    this.meter.request(cause);
    handOnUsage(this.ctx, this.env, this.meter, this.store?.rowsWritten ?? 0);
  }

  /**
   * Every RPC method's prologue: counts the request, then lets the admin through (the Worker
   * checked ADMIN_TOKEN) or checks a pool token for `need` (pool-tokens.ts). A pool that does
   * not exist is a 404 for the admin and a 401 for a token.
   */
  private async guard<T>(cause: string, caller: PoolAccess, need: Need, work: (poolId: string) => Outcome<T> | Promise<Outcome<T>>): Promise<Outcome<T>> {
    this.used(cause);
    if (this.poolId === null) return caller.kind === "admin" ? noSuchPool() : unauthorized();
    const auth = await this.tokens.authorize(caller, need);
    return auth.ok ? work(this.poolId) : auth;
  }

  /** An admin call: the Worker has already checked ADMIN_TOKEN. */
  private admin<T>(work: (poolId: string) => Outcome<T> | Promise<Outcome<T>>): Promise<Outcome<T>> {
    return this.guard("admin", { kind: "admin" }, "read", work);
  }

  /** Checks a token without doing anything (used to tell 403 "another pool's token" from 401). */
  verify(access: PoolAccess): Promise<Outcome<{ pool_id: string }>> {
    return this.guard("rpc", access, "read", (pool_id) => ok({ pool_id }));
  }

  /** A worker heartbeat's body as read by the Worker; judged here, after the caller. */
  workerHeartbeat(access: PoolAccess, body: BodyText): Promise<Outcome<Ack>> {
    return this.guard("heartbeat", access, "write", (poolId) => this.heartbeat(poolId, this.pool.windows.workerIntervalMs, () => judgeWorkerHeartbeat(body), (hb, now) => this.pool.applyWorkerHeartbeat(hb, now)));
  }

  poolHeartbeat(access: PoolAccess, body: BodyText): Promise<Outcome<Ack>> {
    return this.guard("heartbeat", access, "write", (poolId) =>
      this.heartbeat(poolId, this.pool.windows.hostIntervalMs, () => judgePoolHeartbeat(body, poolId), (hb, now) => {
        const applied = this.pool.applyPoolHeartbeat(hb, now);
        if (applied.outcome.ok && applied.outcome.value.status === "accepted") {
          const hostId = hb.host_id ?? DEFAULT_HOST_ID;
          // Reservations whose VRAM this heartbeat shows in use end; stream readers see the host.
          this.scheduling.hostReported(this.pool, hostId, hb.workers, now);
          this.live.hostReported(hostId);
          this.vram.note(now, hostId, hb.gpus);
        }
        return applied;
      }),
    );
  }

  /**
   * After the caller, the body (so a forged token learns nothing about bodies and moves no
   * counter); applies the heartbeat (PoolState.take), flushes volatile state if due, arms the
   * alarm. `everyMs`: how often this kind of sender heartbeats.
   */
  private async heartbeat<H>(
    poolId: string,
    everyMs: number,
    judge: Judge<H>,
    apply: Apply<H>,
  ): Promise<Outcome<Ack>> {
    const now = Date.now();
    const seqBefore = this.store.lastSeq;
    const { outcome, wakeBy } = this.pool.take(judge, apply, now);
    if (!outcome.ok) return outcome;
    this.heartbeats += 1;
    const force = this.pool.takeFlushNeeded();
    if (outcome.value.status === "accepted") this.flusher.afterHeartbeat(now, this.pool.settings.flush_interval_s * 1000, force);
    // Only a new or recovered sender can need an earlier alarm; a steady heartbeat moves the
    // alarm on when it was about to fire for a deadline that has since moved (pool-alarm.ts).
    if (wakeBy !== null) await this.alarmClock.wakeBy(wakeBy);
    else if (this.alarmClock.near(now, everyMs)) await this.alarmClock.moveOn(this.wakeTimes(now));
    // A forwarding pool's first fresh host starts the pushes (wakeBy writes nothing when the alarm is already earlier).
    const push = this.forwarder.wakeAt(this.pool, now);
    if (push !== null) await this.alarmClock.wakeBy(push);
    // A host that left takes its drain marks and reservations with it.
    if (this.store.lastSeq > seqBefore) this.scheduling.settle(this.pool, now);
    // Not awaited: the heartbeat's answer never waits for alerting.
    if (this.alerts.behind) this.ctx.waitUntil(this.alerts.forward(this.poolId));
    return ok({ ...outcome.value, pool_id: poolId, edge_sidecar_version: EDGE_SIDECAR_VERSION });
  }

  /** The closing flush (volatile.ts), run by its timer; tests call it directly, their clock being frozen. */
  closeBurst(): boolean {
    return this.flusher.closeBurst(Date.now());
  }

  /** Drops the closing flush's timer: what a kill does (tests model one with it before evicting). */
  stopClosingFlush(): void {
    this.flusher.stop();
  }

  private snapshotNow(poolId: string, filter: SnapshotFilter, shape?: SnapshotShape): PoolSnapshot {
    const now = Date.now();
    this.scheduling.settle(this.pool, now);
    return buildSnapshot(poolId, this.pool, now, filter, this.scheduling, this.forwarder.status(this.pool, now), shape);
  }

  /**
   * What /metrics and the status page need (snapshot.ts): the hosts and workers `view` asks for
   * (stale first), never every worker of a big pool; null for a pool that does not exist.
   */
  async metrics(view: PoolView): Promise<PoolMetrics | null> {
    this.used("rpc");
    return this.poolId === null ? null : { snapshot: withoutUris(this.snapshotNow(this.poolId, {}, { view })), counters: this.pool.counters };
  }

  /** The pool's page: what metrics() gives, VRAM over 24 h and the latest events. */
  async details(view: PoolView): Promise<PoolDetail | null> {
    const m = await this.metrics(view);
    return m === null ? null : { ...m, vram: this.vram.series(Date.now()), events: pageEvents(this.store) };
  }

  async summary(): Promise<PoolSummary | null> {
    this.used("rpc");
    return this.poolId === null ? null : summaryOf(this.poolId, this.pool);
  }

  /** GET /v2/pools/{id}: the workers come a page at a time (`page`), so a big pool's answer fits one invocation. */
  snapshot(access: PoolAccess, filter: SnapshotFilter = {}, page: { offset: number; limit: number } = { offset: 0, limit: Infinity }): Promise<Outcome<PoolSnapshot>> {
    return this.guard("rpc", access, "read", (poolId) => ok(this.snapshotNow(poolId, filter, { page })));
  }

  /** The event log after `afterSeq`; with `waitS`, waits up to that long for one (long-poll). */
  events(access: PoolAccess, afterSeq: number, limit: number, waitS = 0): Promise<Outcome<PoolEvent[]>> {
    return this.guard("rpc", access, "read", async () => {
      await this.live.wait(afterSeq, waitS * 1000);
      return ok(this.store.listEvents(afterSeq, limit));
    });
  }

  /** Server-Sent Events: the pool's events and summaries, or rbee's queen stream. */
  stream(access: PoolAccess, kind: StreamKind, lastEventId: number | null): Promise<Outcome<ReadableStream<Uint8Array>>> {
    return this.guard("stream", access, "read", () => ok(this.live.open(kind, lastEventId, Date.now())));
  }

  placement(access: PoolAccess, q: PlacementQuery): Promise<Outcome<Placement>> {
    return this.guard("rpc", access, "read", (poolId) => ok(this.scheduling.placement(poolId, this.pool, q, Date.now())));
  }

  /** No await from the check to the write: concurrent requests are decided one after another. */
  reserve(access: PoolAccess, req: ReservationRequest): Promise<Outcome<Reservation>> {
    return this.guard("rpc", access, "schedule", () => this.scheduling.reserve(this.pool, req, Date.now()));
  }

  reservations(access: PoolAccess): Promise<Outcome<Reservation[]>> {
    return this.guard("rpc", access, "schedule", () => ok(this.scheduling.list(this.pool, Date.now())));
  }

  cancelReservation(access: PoolAccess, id: string): Promise<Outcome<Reservation>> {
    return this.guard("rpc", access, "schedule", () => this.scheduling.cancel(this.pool, id, Date.now()));
  }

  override async alarm(): Promise<void> {
    this.used("alarm");
    this.alarmClock.fired();
    const now = Date.now();
    sweep(this.pool, now);
    // A host that went stale or was evicted releases its reservations and drain marks.
    this.scheduling.settle(this.pool, now);
    if (this.poolId !== null) await this.forwarder.runIfDue(this.poolId, this.pool, this.pool.settings.pool_interval_s * 1000, Date.now());
    await this.rearm(Date.now());
    await this.alerts.forward(this.poolId);
  }

  /** The earliest of the senders' deadlines and the queen push (pool-alarm.ts); `force` after a settings change. */
  private rearm(now: number, force = false): Promise<void> {
    return this.alarmClock.rearm(this.wakeTimes(now), force);
  }

  private wakeTimes(now: number): (number | null)[] {
    return [nextWakeAt(this.pool, now), this.forwarder.wakeAt(this.pool, now)];
  }

  // ---- Admin (the Worker has already checked ADMIN_TOKEN) ----

  /** Creates the pool if needed; idempotent. Returns whether it was new. */
  async create(poolId: string): Promise<boolean> {
    this.used("admin");
    return this.adopt(poolId);
  }

  /** create()'s work, for this object's own callers (an RPC is counted once, where it enters). */
  private adopt(poolId: string): boolean {
    if (this.poolId === poolId) return false;
    this.poolId = poolId;
    this.store.setMeta("pool_id", poolId);
    this.alerts.save();
    return true;
  }

  async issueToken(poolId: string, label: string | null, scope: TokenScope = "write"): Promise<{ token: string } & TokenInfo> {
    this.used("admin");
    this.adopt(poolId);
    return this.tokens.issue(poolId, label, scope);
  }

  listTokens(): Promise<Outcome<TokenInfo[]>> {
    return this.admin(() => ok(this.tokens.list()));
  }

  /** A pool that does not exist has no tokens: "no such token". */
  async revokeToken(tokenId: string): Promise<Outcome<TokenInfo>> {
    this.used("admin");
    return this.tokens.revoke(tokenId, Date.now());
  }

  getSettings(): Promise<Outcome<PoolSettings>> {
    return this.admin(() => ok(this.pool.settings));
  }

  /** Changes an existing pool's settings (a typo in the pool id is a 404, never a new pool). */
  updateSettings(patch: PoolSettingsPatch): Promise<Outcome<PoolSettings>> {
    return this.admin(async () => {
      const changed = this.pool.changeSettings(patch);
      if (changed.ok) await this.rearm(Date.now(), true);
      return changed;
    });
  }

  evict(kind: "worker" | "host", id: string): Promise<Outcome<{ removed: string }>> {
    return this.admin(async () => {
      const now = Date.now();
      const evicted = this.pool.evictByAdmin(kind, id, now);
      if (evicted.ok) {
        this.scheduling.settle(this.pool, now);
        await this.alerts.forward(this.poolId);
      }
      return evicted;
    });
  }

  /** Sets (or, with url null, stops) the queen push. */
  setForward(url: string | null, token: string | null): Promise<Outcome<ForwardStatus | null>> {
    return this.admin(async () => {
      const now = Date.now();
      this.forwarder.configure(url === null ? null : { url, token }, now);
      await this.rearm(now, true);
      return ok(this.forwarder.status(this.pool, now));
    });
  }

  /** Marks a worker or host as draining (never placed on) or not. */
  drain(kind: "worker" | "host", id: string, draining: boolean): Promise<Outcome<{ subject: string; draining: boolean }>> {
    return this.admin(() => this.scheduling.drain(this.pool, kind, id, draining, Date.now()));
  }

  stats(): Promise<Outcome<PoolStats>> {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const { workers, hosts } = this.pool;
    return this.admin((pool_id) => ok({ pool_id, started_at: iso(this.startedAt)!, heartbeats: this.heartbeats, rows_written: this.store.rowsWritten, workers: workers.size, hosts: hosts.size, alarm_at: iso(this.alarmClock.armedAt) }));
  }

  /** Deletes the pool: every row, the alarm, open streams and the in-memory registry. */
  destroy(): Promise<Outcome<{ pool_id: string; deleted: true }>> {
    return this.admin(async (poolId) => {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.live.closeAll();
      this.flusher.stop();
      this.open(Date.now());
      this.alarmClock.fired();
      return ok({ pool_id: poolId, deleted: true as const });
    });
  }
}
