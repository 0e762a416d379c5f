// PoolRegistry: one SQLite-backed Durable Object per GPU pool (named by pool id). Holds the
// worker and host registry in memory, persists changes and flushes volatile state, keeps one alarm
// at the earliest deadline so state changes happen on time without any reader.
import { ObjectMeter } from "../usage/tally.js";
import { handOnUsage } from "../usage/hand-on.js";
import { DurableObject } from "cloudflare:workers";
import type { PoolStats, TokenInfo } from "../../shared/api.js";
import {
  DEFAULT_HOST_ID,
  DEFAULT_POOL_SETTINGS,
  PoolSettingsSchema,
  validate,
  type PoolEvent,
  type FlushRecord,
  type PoolSettings,
  type PoolSettingsPatch,
  type Placement,
  type PlacementQuery,
  type PoolSnapshot,
  type Reservation,
  type ReservationRequest,
  type TokenScope,
  type ForwardStatus,
} from "../../shared/index.js";
import type { BodyError, BodyText } from "../http/body.js";
import { judgePoolHeartbeat, judgeWorkerHeartbeat } from "./heartbeat-body.js";
import type { Outcome } from "../http/errors.js";
import { fixedLengthEqual, newPoolToken, sha256Hex } from "../auth/tokens.js";
import { PoolState, type HeartbeatAck } from "./pool-state.js";
import { evictionHoldReason, nextWakeAt, sweep } from "./pool-sweep.js";
import { RegistryStore, type HeartbeatCounters, type TokenRow } from "./registry-store.js";
import { buildSnapshot, vramOf, type SnapshotFilter } from "./snapshot.js";
import { FlushPolicy, HOT_GAP_MS, packChunks } from "./volatile.js";
import { EDGE_SIDECAR_VERSION } from "./sidecar-version.js";
import { scopeAllows, type Need } from "../auth/scopes.js";
import { Live, type StreamKind } from "./live.js";
import { hiveTelemetry, queenBeat } from "./queen-shape.js";
import { Scheduling } from "./scheduling.js";
import { Forwarder } from "./forward.js";
import { VramHistory, type VramSeries } from "./vram-history.js";
import { ALERTER_NAME } from "../alerts/alerter.js";
import { poolSignals } from "../alerts/signals.js";

/** Who calls: the admin (checked by the Worker) or a pool token (checked here, where hashes live). */
export type PoolAccess = { kind: "admin" } | { kind: "token"; tokenId: string; secret: string; inUrl?: true };

export interface PoolSummary {
  pool_id: string;
  workers: { fresh: number; stale: number };
  hosts: { fresh: number; stale: number };
  eviction_suspended: boolean;
}

// The admin API's shapes (documented in the OpenAPI document) are the types here.
export type { PoolStats, TokenInfo } from "../../shared/api.js";

/** A snapshot without worker URIs: what the public status page and /metrics may see. */
export type PublicSnapshot = Omit<PoolSnapshot, "workers"> & { workers: Omit<PoolSnapshot["workers"][number], "uri">[] };

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


/** A heartbeat's answer: the pool's ack plus which pool and which sidecar this edge serves. */
type Ack = HeartbeatAck & { pool_id: string; edge_sidecar_version: string };

const unauthorized = <T>(message = "invalid token"): Outcome<T> => ({ ok: false, status: 401, code: "unauthorized", message });
const noSuchPool = <T>(): Outcome<T> => ({ ok: false, status: 404, code: "not_found", message: "no such pool" });

export class PoolRegistry extends DurableObject<Env> {
  private store!: RegistryStore;
  private pool!: PoolState;
  private poolId: string | null = null;
  private tokens = new Map<string, TokenRow>();
  /** Secrets already checked against their hash, so a sender's heartbeats skip SHA-256. */
  private verified = new Map<string, string>();
  private armedAt: number | null = null;
  private heartbeats = 0;
  private flush = new FlushPolicy(null);
  private readonly startedAt = Date.now();
  /** Events up to this number have been handed to the Alerter. */
  private alertSeq = 0;
  private forwarding: Promise<void> | null = null;
  /** The closing flush's timer (FlushPolicy.closing), and how many times it found heartbeats still coming. */
  private closing: ReturnType<typeof setTimeout> | null = null;
  private closingTries = 0;
  /** Placement, reservations and draining (scheduling.ts). */
  private scheduling!: Scheduling;
  /** Long-polls and streams (live.ts). */
  private live!: Live;
  /** The seed's queen push (forward.ts). */
  private forwarder!: Forwarder;
  /** Each GPU's VRAM over 24 h for the pool's page (vram-history.ts). */
  private vram!: VramHistory;
  /** This pool's requests and rows, for the usage meter (workers/usage/). */
  private readonly meter = new ObjectMeter("PoolRegistry");

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.openStore();
      this.poolId = this.store.getMeta("pool_id");
      const stored = this.store.getMeta("settings");
      const settings = stored === null ? DEFAULT_POOL_SETTINGS : PoolSettingsSchema.parse(JSON.parse(stored));
      this.pool = new PoolState(this.store, settings);
      for (const t of this.store.loadTokens()) this.tokens.set(t.id, t);
      const now = Date.now();
      this.flush = new FlushPolicy(this.pool.restore(now));
      // Recomputed quietly: a held eviction was logged when it began, not at every wake.
      this.pool.evictionHold = evictionHoldReason(this.pool);
      this.armedAt = await ctx.storage.getAlarm();
      const cursor = this.store.getMeta("alert_seq");
      // A pool older than alerts starts from now: its past events are not news.
      this.alertSeq = cursor === null ? this.store.lastSeq : Number(cursor);
      if (cursor === null && this.poolId !== null) this.store.setMeta("alert_seq", String(this.alertSeq));
      await this.rearm(now);
    });
  }

  /**
   * Hands new alert-worthy events to the Alerter (which sends them from its own alarm). On
   * failure the cursor stays, so the next heartbeat or sweep tries again.
   */
  private forwardAlerts(): Promise<void> {
    if (this.store.lastSeq <= this.alertSeq || this.poolId === null) return Promise.resolve();
    if (this.forwarding !== null) return this.forwarding;
    const run = async () => {
      // Yield first, so `forwarding` is set before any path can clear it.
      await Promise.resolve();
      try {
        while (this.store.lastSeq > this.alertSeq) {
          const events = this.store.listEvents(this.alertSeq, 500);
          if (events.length === 0) break;
          const signals = poolSignals(this.poolId as string, events);
          const upTo = events[events.length - 1]!.seq;
          // The cursor is stored only when something was handed over: after a restart, events
          // without alerts (joins, skew) are read again and still say nothing.
          if (signals.length > 0) {
            await this.env.ALERTS.getByName(ALERTER_NAME).notify(signals);
            this.store.setMeta("alert_seq", String(upTo));
          }
          this.alertSeq = upTo;
        }
      } catch (err) {
        console.log(JSON.stringify({ level: "error", msg: "could not hand events to the alerter", pool_id: this.poolId, error: String(err) }));
      } finally {
        this.forwarding = null;
      }
    };
    this.forwarding = run();
    return this.forwarding;
  }

  /** Counts this request (usage meter), and hands the counts on when due (workers/usage/hand-on.ts). */
  private used(cause: string): void {
    this.meter.request(cause);
    handOnUsage(this.ctx, this.env, this.meter, this.store?.rowsWritten ?? 0);
  }

  /** The store and what keeps its own tables beside it; streams hear of every event the store writes. */
  private openStore(): void {
    this.store = new RegistryStore(this.ctx.storage.sql);
    this.scheduling = new Scheduling(this.store);
    this.forwarder = new Forwarder(this.store);
    this.vram = new VramHistory(this.store);
    this.live = this.newLive();
    this.store.onEvent = () => this.live.eventWritten();
  }

  private newLive(): Live {
    return new Live({
      lastSeq: () => this.store.lastSeq,
      eventsAfter: (seq, limit) => this.store.listEvents(seq, limit),
      // Counts only: a summary never walks every worker to build a snapshot.
      summary: () => ({
        pool_id: this.poolId,
        timestamp: new Date().toISOString(),
        counts: this.pool.counts(),
        vram: vramOf(this.pool),
        reservations: this.scheduling.book.size,
        eviction: { suspended: this.pool.evictionHold !== null, reason: this.pool.evictionHold },
      }),
      summaryEveryMs: () => this.pool.settings.pool_interval_s * 1000,
      queenBeat: () => queenBeat(this.pool, this.scheduling.drains, Date.now()),
      hiveTelemetry: (hostId) => hiveTelemetry(this.pool, hostId, Date.now()),
    });
  }

  /**
   * Checks the caller: the admin may do anything; a pool token must be this pool's, not
   * revoked, and its scope must allow `need` (scopes.ts).
   */
  private async authorize(access: PoolAccess, need: Need = "read"): Promise<Outcome<void>> {
    if (this.poolId === null) return access.kind === "admin" ? noSuchPool() : unauthorized();
    if (access.kind === "admin") return { ok: true, value: undefined };
    const row = this.tokens.get(access.tokenId);
    if (row === undefined) return unauthorized();
    if (row.revoked_at !== null) return unauthorized("token has been revoked");
    const known = this.verified.get(access.tokenId);
    if (known === undefined || !fixedLengthEqual(known, access.secret)) {
      if (!fixedLengthEqual(await sha256Hex(access.secret), row.hash)) return unauthorized();
      this.verified.set(access.tokenId, access.secret);
    }
    if (!scopeAllows(row.scope, need)) return { ok: false, status: 403, code: "insufficient_scope", message: `this token's scope is ${row.scope}; this needs ${need}` };
    // A URL ends up in logs and history: only a token that cannot write may travel in one.
    if (access.inUrl === true && row.scope !== "read") return { ok: false, status: 403, code: "insufficient_scope", message: "only a read-scope token may travel in a URL; send this one as a bearer header", field: "token" };
    return { ok: true, value: undefined };
  }

  /** Checks a token without doing anything (used to tell 403 "another pool's token" from 401). */
  async verify(access: PoolAccess): Promise<Outcome<{ pool_id: string }>> {
    this.used("rpc");
    const auth = await this.authorize(access);
    return auth.ok ? { ok: true, value: { pool_id: this.poolId as string } } : auth;
  }

  /** A worker heartbeat's body as read by the Worker; judged here, after the caller. */
  async workerHeartbeat(access: PoolAccess, body: BodyText): Promise<Outcome<Ack>> {
    this.used("heartbeat");
    return this.heartbeat(access, () => judgeWorkerHeartbeat(body), (hb, now) => this.pool.applyWorkerHeartbeat(hb, now));
  }

  async poolHeartbeat(access: PoolAccess, body: BodyText): Promise<Outcome<Ack>> {
    this.used("heartbeat");
    return this.heartbeat(access, () => judgePoolHeartbeat(body, this.poolId as string), (hb, now) => {
      const applied = this.pool.applyPoolHeartbeat(hb, now);
      if (applied.outcome.ok && applied.outcome.value.status === "accepted") {
        const hostId = hb.host_id ?? DEFAULT_HOST_ID;
        // Reservations whose VRAM this heartbeat shows in use end; stream readers see the host.
        this.scheduling.hostReported(this.pool, hostId, hb.workers, now);
        this.live.hostReported(hostId);
        this.vram.note(now, hostId, hb.gpus);
      }
      return applied;
    });
  }

  /**
   * Checks the caller, then the body (so a forged token learns nothing about bodies and
   * moves no counter), applies the heartbeat, flushes volatile state if due, arms the alarm.
   */
  private async heartbeat<H>(
    access: PoolAccess,
    judge: () => { ok: true; value: H } | { ok: false; error: BodyError },
    apply: (hb: H, now: number) => { outcome: Outcome<HeartbeatAck>; wakeBy: number | null },
  ): Promise<Outcome<Ack>> {
    const auth = await this.authorize(access, "write");
    if (!auth.ok) return auth;
    const judged = judge();
    if (!judged.ok) {
      this.countRejected(judged.error.code);
      const { status, code, message, field } = judged.error;
      return { ok: false, status, code, message, field };
    }
    const hb = judged.value;
    const now = Date.now();
    const seqBefore = this.store.lastSeq;
    const { outcome, wakeBy } = apply(hb, now);
    if (!outcome.ok) {
      this.countRejected(outcome.code);
      return outcome;
    }
    this.heartbeats += 1;
    if (outcome.value.status === "ignored") this.countRejected("out_of_order");
    else this.pool.counters.accepted += 1;
    const force = this.pool.takeFlushNeeded();
    if (outcome.value.status === "accepted") {
      const record = this.flush.decide(now, this.pool.settings.flush_interval_s * 1000, force);
      if (record !== null) this.writeFlush(record);
    }
    // Only a new or recovered sender can need an earlier alarm; steady heartbeats never set one.
    if (wakeBy !== null) await this.wakeBy(wakeBy);
    // A forwarding pool's first fresh host starts the pushes (wakeBy writes nothing when the alarm is already earlier).
    const push = this.forwarder.wakeAt(this.pool, now);
    if (push !== null) await this.wakeBy(push);
    // A host that left takes its drain marks and reservations with it.
    if (this.store.lastSeq > seqBefore) this.scheduling.settle(this.pool, now);
    // Not awaited: the heartbeat's answer never waits for alerting.
    if (this.store.lastSeq > this.alertSeq) this.ctx.waitUntil(this.forwardAlerts());
    return { ok: true, value: { ...outcome.value, pool_id: this.poolId as string, edge_sidecar_version: EDGE_SIDECAR_VERSION } };
  }

  private writeFlush(record: FlushRecord): void {
    this.store.writeVolatile(packChunks(this.pool), record);
    this.flush.wrote(record);
    this.pool.lastFlushAt = record.flushedAtMs;
    if (record.dirty) {
      this.closingTries = 0;
      this.scheduleClosingFlush(HOT_GAP_MS + 1000);
    }
  }

  private scheduleClosingFlush(delayMs: number): void {
    if (this.closing !== null) return;
    this.closing = setTimeout(() => {
      this.closing = null;
      this.closeBurst();
    }, delayMs);
  }

  /**
   * The closing flush (FlushPolicy.closing), run by its timer after each dirty flush; tests
   * call it directly, their clock being frozen. Gives up after 30 tries while heartbeats keep
   * coming: the next dirty flush starts it again.
   */
  closeBurst(): boolean {
    const next = this.flush.closing(Date.now());
    if (next === null) return false;
    if ("waitMs" in next) {
      if (++this.closingTries < 30) this.scheduleClosingFlush(next.waitMs);
      return false;
    }
    this.writeFlush(next.record);
    return true;
  }

  /** Drops the closing flush's timer: what a kill does (tests model one with it before evicting). */
  stopClosingFlush(): void {
    if (this.closing !== null) clearTimeout(this.closing);
    this.closing = null;
  }

  /** Counts a refused heartbeat of an authenticated caller (never one that is not). */
  private countRejected(reason: string): void {
    const r = this.pool.counters.rejected;
    r[reason] = (r[reason] ?? 0) + 1;
  }

  private snapshotNow(filter: SnapshotFilter): PoolSnapshot {
    const now = Date.now();
    this.scheduling.settle(this.pool, now);
    return buildSnapshot(this.poolId as string, this.pool, now, filter, this.scheduling, this.forwarder.status(this.pool, now));
  }

  /** A snapshot without worker URIs: URIs are left out here, at the source, so no page, metric or summary can show one. */
  private publicSnapshot(): PublicSnapshot {
    const snap = this.snapshotNow({});
    return { ...snap, workers: snap.workers.map(({ uri: _, ...w }) => w) };
  }

  /** What /metrics and the status page need: counts, GPUs and workers, no URIs or tokens. */
  async metrics(): Promise<PoolMetrics | null> {
    this.used("rpc");
    if (this.poolId === null) return null;
    return { snapshot: this.publicSnapshot(), counters: this.pool.counters };
  }

  /** The pool's page: what metrics() gives, VRAM over 24 h and the latest events (their details may name URIs: left out). */
  async details(): Promise<PoolDetail | null> {
    this.used("rpc");
    if (this.poolId === null) return null;
    const events = this.store.listEvents(Math.max(0, this.store.lastSeq - PAGE_EVENTS), PAGE_EVENTS).map(({ seq, at, kind, subject }) => ({ seq, at, kind, subject }));
    return { snapshot: this.publicSnapshot(), counters: this.pool.counters, vram: this.vram.series(Date.now()), events: events.reverse() };
  }

  async snapshot(access: PoolAccess, filter: SnapshotFilter = {}): Promise<Outcome<PoolSnapshot>> {
    this.used("rpc");
    const auth = await this.authorize(access);
    if (!auth.ok) return auth;
    return { ok: true, value: this.snapshotNow(filter) };
  }

  /** The event log after `afterSeq`; with `waitS`, waits up to that long for one (long-poll). */
  async events(access: PoolAccess, afterSeq: number, limit: number, waitS = 0): Promise<Outcome<PoolEvent[]>> {
    this.used("rpc");
    const auth = await this.authorize(access);
    if (!auth.ok) return auth;
    await this.live.wait(afterSeq, waitS * 1000);
    return { ok: true, value: this.store.listEvents(afterSeq, limit) };
  }

  /** Server-Sent Events: the pool's events and summaries, or rbee's queen stream. */
  async stream(access: PoolAccess, kind: StreamKind, lastEventId: number | null): Promise<Outcome<ReadableStream<Uint8Array>>> {
    this.used("stream");
    const auth = await this.authorize(access);
    if (!auth.ok) return auth;
    return { ok: true, value: this.live.open(kind, lastEventId, Date.now()) };
  }

  async placement(access: PoolAccess, q: PlacementQuery): Promise<Outcome<Placement>> {
    this.used("rpc");
    const auth = await this.authorize(access);
    if (!auth.ok) return auth;
    return { ok: true, value: this.scheduling.placement(this.poolId as string, this.pool, q, Date.now()) };
  }

  async reserve(access: PoolAccess, req: ReservationRequest): Promise<Outcome<Reservation>> {
    this.used("rpc");
    const auth = await this.authorize(access, "schedule");
    if (!auth.ok) return auth;
    // No await from here to the write: concurrent requests are decided one after another.
    return this.scheduling.reserve(this.pool, req, Date.now());
  }

  async reservations(access: PoolAccess): Promise<Outcome<Reservation[]>> {
    this.used("rpc");
    const auth = await this.authorize(access, "schedule");
    if (!auth.ok) return auth;
    return { ok: true, value: this.scheduling.list(this.pool, Date.now()) };
  }

  async cancelReservation(access: PoolAccess, id: string): Promise<Outcome<Reservation>> {
    this.used("rpc");
    const auth = await this.authorize(access, "schedule");
    if (!auth.ok) return auth;
    return this.scheduling.cancel(this.pool, id, Date.now());
  }

  override async alarm(): Promise<void> {
    this.used("alarm");
    this.armedAt = null;
    const now = Date.now();
    sweep(this.pool, now);
    // A host that went stale or was evicted releases its reservations and drain marks.
    this.scheduling.settle(this.pool, now);
    if (this.poolId !== null) await this.forwarder.runIfDue(this.poolId, this.pool, this.pool.settings.pool_interval_s * 1000, Date.now());
    await this.rearm(Date.now());
    await this.forwardAlerts();
  }

  private async wakeBy(at: number): Promise<void> {
    if (this.armedAt !== null && this.armedAt <= at) return;
    this.armedAt = at;
    await this.meter.setAlarm(this.ctx.storage, at);
  }

  private async rearm(now: number): Promise<void> {
    const deadline = nextWakeAt(this.pool, now);
    const push = this.forwarder.wakeAt(this.pool, now);
    const next = deadline === null ? push : push === null ? deadline : Math.min(deadline, push);
    if (next === null) {
      if (this.armedAt !== null) await this.ctx.storage.deleteAlarm();
      this.armedAt = null;
      return;
    }
    if (this.armedAt === next) return;
    this.armedAt = next;
    await this.meter.setAlarm(this.ctx.storage, next);
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
    this.store.setMeta("alert_seq", String(this.alertSeq));
    return true;
  }

  async issueToken(poolId: string, label: string | null, scope: TokenScope = "write"): Promise<{ token: string } & TokenInfo> {
    this.used("admin");
    this.adopt(poolId);
    const fresh = newPoolToken(poolId);
    const row: TokenRow = { id: fresh.tokenId, hash: await sha256Hex(fresh.secret), label, scope, created_at: Date.now(), revoked_at: null };
    this.store.addToken(row);
    this.tokens.set(row.id, row);
    return { token: fresh.token, ...tokenInfo(row) };
  }

  async listTokens(): Promise<Outcome<TokenInfo[]>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    return { ok: true, value: [...this.tokens.values()].map(tokenInfo) };
  }

  async revokeToken(tokenId: string): Promise<Outcome<TokenInfo>> {
    this.used("admin");
    const row = this.tokens.get(tokenId);
    if (this.poolId === null || row === undefined) return { ok: false, status: 404, code: "not_found", message: "no such token", field: "token_id" };
    this.verified.delete(tokenId);
    if (row.revoked_at === null) {
      row.revoked_at = Date.now();
      this.store.revokeToken(tokenId, row.revoked_at);
    }
    return { ok: true, value: tokenInfo(row) };
  }

  async getSettings(): Promise<Outcome<PoolSettings>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    return { ok: true, value: this.pool.settings };
  }

  /** Changes an existing pool's settings (a typo in the pool id is a 404, never a new pool). */
  async updateSettings(patch: PoolSettingsPatch): Promise<Outcome<PoolSettings>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    const merged = validate(PoolSettingsSchema, { ...this.pool.settings, ...patch });
    if (!merged.ok) return { ok: false, status: 400, ...merged.error };
    this.store.setMeta("settings", JSON.stringify(merged.value));
    this.pool.updateSettings(merged.value);
    this.armedAt = null;
    await this.rearm(Date.now());
    return { ok: true, value: merged.value };
  }

  async evict(kind: "worker" | "host", id: string): Promise<Outcome<{ removed: string }>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    const now = Date.now();
    if (!this.pool.evictByAdmin(kind, id, now)) return { ok: false, status: 404, code: "not_found", message: `no such ${kind}`, field: `${kind}_id` };
    this.scheduling.settle(this.pool, now);
    await this.forwardAlerts();
    return { ok: true, value: { removed: `${kind}:${id}` } };
  }

  /** Sets (or, with url null, stops) the queen push. */
  async setForward(url: string | null, token: string | null): Promise<Outcome<ForwardStatus | null>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    const now = Date.now();
    this.forwarder.configure(url === null ? null : { url, token }, now);
    this.armedAt = null;
    await this.rearm(now);
    return { ok: true, value: this.forwarder.status(this.pool, now) };
  }

  /** Marks a worker or host as draining (never placed on) or not. */
  async drain(kind: "worker" | "host", id: string, draining: boolean): Promise<Outcome<{ subject: string; draining: boolean }>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    const done = this.scheduling.drain(this.pool, kind, id, draining, Date.now());
    return done;
  }

  async summary(): Promise<PoolSummary | null> {
    this.used("rpc");
    if (this.poolId === null) return null;
    return { pool_id: this.poolId, ...this.pool.counts(), eviction_suspended: this.pool.evictionHold !== null };
  }

  async stats(): Promise<Outcome<PoolStats>> {
    this.used("admin");
    if (this.poolId === null) return noSuchPool();
    return { ok: true, value: {
      pool_id: this.poolId,
      started_at: new Date(this.startedAt).toISOString(),
      heartbeats: this.heartbeats,
      rows_written: this.store.rowsWritten,
      workers: this.pool.workers.size,
      hosts: this.pool.hosts.size,
      alarm_at: this.armedAt === null ? null : new Date(this.armedAt).toISOString(),
    } };
  }

  /** Deletes the pool: every row, the alarm, and the in-memory registry. A pool that does not exist is a 404. */
  async destroy(): Promise<Outcome<{ pool_id: string; deleted: true }>> {
    this.used("admin");
    const poolId = this.poolId;
    if (poolId === null) return noSuchPool();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.live.closeAll();
    this.openStore();
    this.pool = new PoolState(this.store, DEFAULT_POOL_SETTINGS);
    this.flush = new FlushPolicy(null);
    if (this.closing !== null) clearTimeout(this.closing);
    this.closing = null;
    this.poolId = null;
    this.alertSeq = 0;
    this.tokens.clear();
    this.verified.clear();
    this.armedAt = null;
    return { ok: true, value: { pool_id: poolId, deleted: true } };
  }
}

function tokenInfo(row: TokenRow): TokenInfo {
  return {
    token_id: row.id,
    label: row.label,
    scope: row.scope,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}
