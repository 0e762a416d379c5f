// Alerter: one SQLite-backed Durable Object (workers/objects.ts names it) that turns state
// changes into alerts. Producers hand it signals and return at once (the tick after its pings,
// the pool registries after their sweeps); everything slow (grouping, webhooks, retries)
// happens in its own alarm. It also watches the watcher: when no tick has finished for
// `pinger_overdue_s`, it raises "the pinger stopped", and clears it at the next tick. Ticks
// tell it only what changed, and otherwise once every `tellEveryMs()` (a proof of life, its
// usage counts riding back), not every minute: the Free plan's Durable Object requests are
// the tightest quota at 5,000 Spaces. It routes
// and holds the storage; the books beside it keep their tables: intake.ts (waiting and held
// signals), incidents.ts, outbox.ts, announcements.ts.
import { DurableObject } from "cloudflare:workers";
import { describeTarget, type AlertConfig } from "../../shared/alerts.js";
import { describeAnnouncement, type Announcement, type StoredAnnouncement } from "../../shared/announcements.js";
import type { AlertStatus } from "../../shared/api.js";
import { covers, type StoredWindow } from "../../shared/maintenance.js";
import { spaceStore } from "../objects.js";
import type { PingerHealth } from "../pinger/watchdog.js";
import { countedKv } from "../usage/kv.js";
import { countingSql, ObjectMeter, type UsageDelta } from "../usage/tally.js";
import { ANNOUNCEMENT_SCHEMA, AnnouncementBook } from "./announcements.js";
import { requestsFor } from "./channels.js";
import { knownTargets, refreshConfig, type ConfigState } from "./config.js";
import { IncidentBook, INCIDENT_SCHEMA, type ClosedIncident, type Incident, type PageIncidents } from "./incidents.js";
import { IntakeBook, INTAKE_SCHEMA } from "./intake.js";
import { messagesFor, type AlertMessage, type Notice } from "./messages.js";
import { deliverDue, enqueue, nextDeliveryAt, OUTBOX_SCHEMA, outboxStatus, type DeliveryOutcome, type KnownTarget } from "./outbox.js";
import type { AlertSignal } from "./signals.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
${INTAKE_SCHEMA}
${INCIDENT_SCHEMA}
${OUTBOX_SCHEMA}
${ANNOUNCEMENT_SCHEMA}`;

const log = (level: string, msg: string, fields: object) => console.log(JSON.stringify({ level, msg, ...fields }));

/** What a tick tells the Alerter besides its signals. */
export interface PingerTold {
  /** When the tick finished (ms). */
  finished_at: number;
  /** Every maintenance window the SpaceStore keeps: they decide which alerts are held. */
  windows: StoredWindow[];
}

export interface AlerterAnswer {
  /** Tell again within this long even when nothing changed (proof the pinger runs). */
  tell_every_ms: number;
  /** The Alerter's own counts since its last answer, for the usage meter. */
  usage: UsageDelta | null;
}

/**
 * How often a quiet pinger must prove it runs: often enough that the watch alarm (last told +
 * `pinger_overdue_s`) never fires while ticks come, a minute or two under it, at most every 10 min.
 */
export function tellEveryMs(overdueS: number): number {
  return Math.min(600_000, Math.max(60_000, overdueS * 1000 - 120_000));
}

export class Alerter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly book: IncidentBook;
  private readonly announcements: AnnouncementBook;
  private readonly intake: IntakeBook;
  private targets: { hash: string | null; list: KnownTarget[] } = { hash: null, list: [] };
  /** Maintenance windows as the SpaceStore last told them (kept in meta: they decide which alerts are held). */
  private windows: StoredWindow[];
  /** Requests, rows, KV reads and deliveries, for the usage meter (workers/usage/). */
  private readonly meter = new ObjectMeter("Alerter");
  private readonly rows: () => number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const counted = countingSql(ctx.storage.sql);
    this.sql = counted.sql;
    this.rows = counted.written;
    this.sql.exec(SCHEMA);
    this.book = new IncidentBook(this.sql);
    this.announcements = new AnnouncementBook(this.sql);
    this.intake = new IntakeBook(this.sql);
    this.windows = this.meta<StoredWindow[]>("windows") ?? [];
  }

  /** Queues a message for a target, unless its service is not told this kind (PagerDuty and reminders). */
  private queue(t: KnownTarget, m: AlertMessage, now: number): void {
    if (requestsFor(t.target, m).length > 0) enqueue(this.sql, t.fp, m, now);
  }

  /** Counts this request; its counts travel with the alarm's call to the SpaceStore. */
  private used(cause: string): void {
    this.meter.request(cause);
  }

  private meta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row === undefined ? null : (JSON.parse(row.value) as T);
  }

  private setMeta(key: string, value: unknown): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  /** The settings in force, re-read from KV when its text changed. */
  async config(now = Date.now()): Promise<ConfigState> {
    const last = this.meta<ConfigState>("config");
    const next = await refreshConfig(countedKv(this.env.SPACES, this.meter.tally, "alerts"), last, now);
    // Written only when the text or the verdict changed, not at every look.
    if (last === null || next.hash !== last.hash || next.error !== last.error) this.setMeta("config", next);
    if (this.targets.hash !== next.hash) this.targets = { hash: next.hash, list: await knownTargets(next.config) };
    return next;
  }

  /** State changes from a pool registry or the pinger. Stored at once; sent from the alarm. */
  async notify(signals: AlertSignal[]): Promise<void> {
    this.used("rpc");
    await this.store(signals);
  }

  /** notify()'s work, for this object's own callers (an RPC is counted once, where it enters). */
  private async store(signals: AlertSignal[]): Promise<void> {
    if (signals.length === 0) return;
    const now = Date.now();
    this.intake.add(signals, now);
    await this.wakeBy(now + (await this.storedConfig(now)).group_wait_s * 1000);
  }

  /**
   * From a tick (after its pings) with state changes, or every `tell_every_ms` as proof the
   * pinger runs: its signals, when it finished and the maintenance windows in force. Answers
   * how often to be told and this object's usage counts since the last answer.
   */
  async tick(signals: AlertSignal[], told: PingerTold): Promise<AlerterAnswer> {
    this.used("tick");
    const now = Date.now();
    this.heard(told);
    const watching = this.book.get("pinger");
    if (watching !== null) signals = [...signals, { key: "pinger", subject: "pinger", bad: false, title: "The pinger is running again", detail: null, at: now }];
    if (signals.length > 0) await this.store(signals);
    // The watch moves on to this tick: no need to ask the SpaceStore.
    await this.rearm(now, told.finished_at);
    this.meter.rows(this.rows(), now);
    return { tell_every_ms: tellEveryMs((await this.storedConfig(now)).pinger_overdue_s), usage: this.meter.tally.take(now) };
  }

  /** Keeps the last tick and the windows; each written only when it changed. */
  private heard(told: PingerTold): void {
    if (told.finished_at > (this.meta<number>("last_tick_at") ?? 0)) this.setMeta("last_tick_at", told.finished_at);
    if (JSON.stringify(told.windows) !== JSON.stringify(this.windows)) {
      this.windows = told.windows;
      this.setMeta("windows", told.windows);
    }
  }

  /** Closes every open incident whose key starts with one of `prefixes` (a deleted pool's). */
  async closeMatching(prefixes: string[], title: string): Promise<number> {
    this.used("rpc");
    const keys = this.book.open().filter((i) => prefixes.some((p) => i.key.startsWith(p)));
    const now = Date.now();
    await this.store(keys.map((i) => ({ key: i.key, subject: i.subject, bad: false, title: `${title}; closed: ${i.title}`, detail: null, at: now })));
    return keys.length;
  }

  /** Queues a test message to every target now (POST /v1/admin/alerts/test). */
  async sendTest(): Promise<{ targets: number }> {
    this.used("rpc");
    const now = Date.now();
    await this.config(now);
    const m: AlertMessage = { source: "edge-pulse", event: "test", subject: "many", incident: null, key: "test", title: "edge-pulse test alert: this target works", detail: null, at: new Date(now).toISOString(), opened_at: null, duration_s: null };
    for (const t of this.targets.list) this.queue(t, m, now);
    await this.wakeBy(now);
    return { targets: this.targets.list.length };
  }

  /**
   * A person's note on an incident, open or closed: kept (the page shows it) and sent to every
   * target as an update. Null when there is no such incident.
   */
  async addNote(id: number, text: string): Promise<Incident | ClosedIncident | null> {
    this.used("rpc");
    const now = Date.now();
    const added = this.book.addNote(id, text, now);
    if (added === null) return null;
    const { config } = await this.config(now);
    const i = added.incident;
    const notice: Notice = { event: "note", id: i.id, key: i.key, subject: i.subject, title: i.title, detail: text, at: now, opened_at: i.opened_at, open: added.open };
    for (const t of this.targets.list) for (const m of messagesFor(t.target, [notice], config.storm_threshold, now)) this.queue(t, m, now);
    await this.wakeBy(now);
    return i;
  }

  addAnnouncement(a: StoredAnnouncement): Announcement | null {
    this.used("rpc");
    const now = Date.now();
    const added = this.announcements.add(a, now);
    return added === null ? null : describeAnnouncement(added, now);
  }

  listAnnouncements(): Announcement[] {
    this.used("rpc");
    const now = Date.now();
    return this.announcements.current(now).map((a) => describeAnnouncement(a, now));
  }

  removeAnnouncement(id: string): Announcement | null {
    this.used("rpc");
    const removed = this.announcements.remove(id);
    return removed === null ? null : describeAnnouncement(removed, Date.now());
  }

  async status(): Promise<AlertStatus> {
    this.used("rpc");
    const state = await this.config();
    const c = state.config;
    const { outbox, sent } = outboxStatus(this.sql);
    return {
      config: { targets: c.targets.map(describeTarget), remind_every_s: c.remind_every_s, storm_threshold: c.storm_threshold, group_wait_s: c.group_wait_s, pinger_overdue_s: c.pinger_overdue_s, error: state.error },
      open: this.book.open(),
      recent: this.book.recent(),
      outbox,
      sent,
      alarm_at: await this.ctx.storage.getAlarm(),
    };
  }

  /**
   * The status page's incidents: open ones, closed ones of the history kept (at most `limit`),
   * and announcements in force. `keys`: only a detail page's subject (an exact key, or a
   * prefix ending in "/").
   */
  async pageIncidents(limit: number, keys: string[] | null = null): Promise<PageIncidents> {
    this.used("rpc");
    const now = Date.now();
    return {
      open: keys === null ? this.book.open() : this.book.openMatching(keys),
      recent: this.book.recent(limit, keys),
      closed_total: this.book.closedCount(),
      announcements: this.announcements.current(now).filter((a) => a.starts_at <= now).map((a) => describeAnnouncement(a, now)),
    };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.meter.request("alarm", now);
    const { config } = await this.config(now);
    const notices: Notice[] = [];

    const lastTick = await this.lastTickAt(now, config.pinger_overdue_s);
    const due = this.intake.takeDue(now, config.group_wait_s * 1000);
    if (due.length > 0) notices.push(...this.book.apply(this.intake.holdForMaintenance(due, this.windows)));
    notices.push(...this.book.apply(this.intake.releaseHeld(now, this.windows)));
    notices.push(...this.watchPinger(now, lastTick, config.pinger_overdue_s));
    notices.push(...this.book.reminders(now, config.remind_every_s, (key) => covers(this.windows, key, now) !== null));

    if (notices.length > 0) {
      log("info", "alerts", { notices: notices.length, opened: notices.filter((n) => n.event === "opened").map((n) => n.key).slice(0, 10), targets: this.targets.list.length });
      for (const t of this.targets.list) for (const m of messagesFor(t.target, notices, config.storm_threshold, now)) this.queue(t, m, now);
    }
    const delivered: DeliveryOutcome = await deliverDue(this.sql, this.targets.list, now, log);
    this.meter.subrequests(delivered.sent + delivered.failed, "alerts");
    if (delivered.sent + delivered.failed + delivered.dropped > 0) log("info", "alert deliveries", delivered);
    await this.rearm(Date.now(), lastTick);
  }

  /** Opens "the pinger stopped" when the last finished tick is too old. */
  private watchPinger(now: number, last: number, overdueS: number): Notice[] {
    if (now - last < overdueS * 1000 || this.book.get("pinger") !== null) return [];
    const ago = Math.round((now - last) / 1000);
    return this.book.apply([{ key: "pinger", subject: "pinger", bad: true, title: "The pinger has stopped", detail: `no tick has finished for ${ago} s (limit ${overdueS} s); check the Worker's Cron Trigger and logs`, at: now }]);
  }

  /** Maintenance windows changed (an admin added or removed one): these are in force now; look again soon. */
  async maintenanceChanged(windows: StoredWindow[]): Promise<void> {
    this.used("rpc");
    this.heard({ finished_at: 0, windows });
    await this.wakeBy(Date.now() + 1_000);
  }

  /**
   * The last tick the pinger finished, as told. When that looks overdue the SpaceStore is asked
   * (one request, only then): a tell may have failed while ticks went on. This object's usage
   * counts ride along.
   */
  private async lastTickAt(now: number, overdueS: number): Promise<number> {
    const told = this.meta<number>("last_tick_at");
    if (told !== null && (now - told < overdueS * 1000 || this.book.get("pinger") !== null)) return told;
    this.meter.rows(this.rows(), now);
    const usage = this.meter.tally.take(now);
    const health: PingerHealth = await spaceStore(this.env)
      .health(usage)
      .catch((err: unknown) => {
        if (usage !== null) this.meter.tally.restore(usage);
        throw err;
      });
    this.heard({ finished_at: health.last_tick === null ? 0 : Date.parse(health.last_tick.finished_at), windows: health.maintenance });
    const finished = this.meta<number>("last_tick_at");
    if (finished !== null) return finished;
    // Never ticked: count from when this object started watching.
    const since = this.meta<number>("watch_since");
    if (since !== null) return since;
    this.setMeta("watch_since", now);
    return now;
  }

  private async wakeBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.meter.setAlarm(this.ctx.storage, at);
  }

  /** The settings as last read (no KV read): for timing, between alarms. */
  private async storedConfig(now: number): Promise<AlertConfig> {
    return (this.meta<ConfigState>("config") ?? (await this.config(now))).config;
  }

  /** The earliest of: grouped signals due, a delivery retry, a reminder, the pinger watch, a held signal's window ending. */
  private async rearm(now: number, lastTick: number): Promise<void> {
    const config = await this.storedConfig(now);
    const pending = this.intake.oldestAt();
    // While the pinger is marked stopped, tick() clears it; otherwise look again when it would be overdue.
    const watchAt = this.book.get("pinger") !== null ? null : lastTick + config.pinger_overdue_s * 1000 + 1_000;
    const heldUntil = this.intake.heldUntil(now, this.windows);
    const candidates = [pending === null ? null : pending + config.group_wait_s * 1000, nextDeliveryAt(this.sql), this.book.nextReminderAt(config.remind_every_s, (key) => covers(this.windows, key, now)?.until ?? null), watchAt, ...heldUntil].filter(
      (t): t is number => t !== null,
    );
    const at = Math.max(now, Math.min(...candidates));
    if ((await this.ctx.storage.getAlarm()) !== at) await this.meter.setAlarm(this.ctx.storage, at);
  }
}
