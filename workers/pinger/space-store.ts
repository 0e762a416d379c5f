// SpaceStore: the pinger's one SQLite-backed Durable Object (workers/objects.ts names it). It
// routes calls and holds the pinger's storage: it reads the Space list from KV, runs each tick
// (tick.ts: plan, shards, record), records what the shards found (judging ping-backs and
// maintenance), keeps the maintenance windows, and answers the reads (report.ts, overview.ts,
// space-detail.ts). Its alarm stands in for the cron when ticks stop (watchdog.ts). It makes no
// external fetch itself.
import { DurableObject } from "cloudflare:workers";
import { covers, describeWindow, type MaintenanceWindow, type StoredWindow } from "../../shared/maintenance.js";
import type { Plan, UsageReport } from "../../shared/usage.js";
import type { AlertSignal } from "../alerts/signals.js";
import { MaintenanceBook } from "../maintenance/book.js";
import type { StoredUsage } from "../usage/book.js";
import { UsageHub } from "../usage/hub.js";
import { AlerterLink } from "./alerter-link.js";
import { countedKv } from "../usage/kv.js";
import type { UsageDelta } from "../usage/tally.js";
import { SpaceLedger, type Recorded, type Thresholds, type TickDraft, type TickSource, type TickSummary } from "./ledger.js";
import { ListRefresh } from "./list.js";
import { buildMetricsPart, buildOverview, type PackedOverview, type SpacesMetrics } from "./overview.js";
import { PingbackBook } from "./pingbacks.js";
import { buildSpacesReport, tickBody, type ReportExtras, type SpacesBody } from "./report.js";
import { cronLateMs, readPingerSettings, type PingerSettings } from "./settings.js";
import { buildSpaceDetail, buildSpaceStatus, type SpaceDetail } from "./space-detail.js";
import { publicSpacesReport } from "../spaces/public-report.js";
import { durableSql } from "./sql.js";
import { runTick, type PlanOptions, type TickOutcome, type TickPlan, type TickStore } from "./tick.js";
import type { SpaceCheck } from "./types.js";
import { judgeWatch, watchAfterTick, type PingerHealth } from "./watchdog.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const log = (level: string, msg: string, fields: object) => console.log(JSON.stringify({ level, msg, ...fields }));

export class SpaceStore extends DurableObject<Env> {
  private readonly ledger: SpaceLedger;
  private readonly pingbacks: PingbackBook;
  /** The Space list from KV, a changed one put in force a slice a tick (list.ts). */
  private readonly list: ListRefresh;
  private readonly windows: MaintenanceBook;
  private readonly startedAt = Date.now();
  /** The account's usage today, the governor and the forecast alerts (workers/usage/). */
  private readonly hub: UsageHub;
  /** What a tick needs of this object (tick.ts); not callable over RPC. */
  private readonly tickStore: TickStore = {
    plan: (tickMs, opts) => this.plan(tickMs, opts),
    record: (tickMs, checks, draft, thresholds, usage, plan) => this.record(tickMs, checks, draft, thresholds, usage, plan),
    tellAlerter: (signals, finishedAt) => this.alerts.afterTick(signals, finishedAt, this.windows.all()),
  };
  /** Tells the Alerter of ticks and maintenance windows. */
  private readonly alerts: AlerterLink;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ledger = new SpaceLedger(durableSql(ctx.storage.sql));
    this.hub = new UsageHub(this.ledger.getMeta<{ usage?: StoredUsage }>("last_tick")?.usage);
    this.pingbacks = new PingbackBook(this.ledger);
    this.list = new ListRefresh(this.ledger);
    this.windows = new MaintenanceBook(this.ledger);
    this.alerts = new AlerterLink(env, (usage) => this.hub.merge(usage));
    // A store with Spaces to check always has its watch set, even if no cron ever fired.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.ledger.rows("SELECT 1 FROM spaces LIMIT 1").length > 0) await this.armWatch();
    });
  }

  /**
   * The Cron Trigger's tick, run here (plan, shards, record in one request to this object, not
   * one per step), with the settings the cron checked. `usage`: what the cron's isolate counted
   * since it last handed counts on. Null when that tick's window was already handled.
   */
  async tick(scheduledTime: number, settings: PingerSettings, usage: UsageDelta | null): Promise<TickOutcome | null> {
    this.used("tick");
    this.hub.merge(usage);
    const started = Date.now();
    const outcome = await runTick(this.env, this.tickStore, scheduledTime, settings, "cron");
    this.hub.meter.duration(Date.now() - started);
    return outcome === null ? null : { ...outcome, upkeep: this.ledger.upkeepDue(this.lastTickMs()) };
  }

  /**
   * One step of the history's upkeep (ledger.maintain), asked for by the Cron entry after a tick
   * that said some is waiting: a request of its own, so neither it nor the tick goes past the
   * Free plan's 10 ms of CPU at 5,000 Spaces. Returns whether more is left (the next tick asks again).
   */
  maintain(): { more: boolean } {
    this.used("maintain");
    return { more: this.ledger.maintain(this.lastTickMs()) };
  }

  /** The last tick's time: the history is kept by tick time, not the clock. */
  private lastTickMs(): number {
    return this.ledger.getMeta<number>("window_end") ?? Date.now();
  }

  /** Counts handed on by another object or a Worker isolate (tally.ts). */
  usage(delta: UsageDelta | null): void {
    this.used("usage");
    this.hub.merge(delta);
  }

  /** GET /v1/usage; `usage`: the asking isolate's own counts, so the answer includes them. */
  usageReport(usage: UsageDelta | null = null): UsageReport {
    this.used("rpc");
    this.hub.merge(usage);
    return this.currentUsage();
  }

  private currentUsage(): UsageReport {
    const settings = readPingerSettings(this.env);
    this.hub.meter.rows(this.ledger.rowsWritten);
    this.hub.merge(this.hub.meter.tally.take());
    return this.hub.book.report(Date.now(), settings.ok ? settings.value.PLAN : "free");
  }

  private setAlarm(at: number): Promise<void> {
    return this.hub.meter.setAlarm(this.ctx.storage, at);
  }

  /** This object's own requests, by cause. */
  private used(cause: string): void {
    this.hub.meter.request(cause);
  }

  private async plan(tickMs: number, opts: PlanOptions): Promise<TickPlan> {
    const list = await this.list.step(countedKv(this.env.SPACES, this.hub.meter.tally, "spaces"), Date.now());
    if (list.removed !== undefined && list.removed.length > 0) this.pingbacks.forget(list.removed.map((r) => r.id));
    // No await from here on: the window is read and written in one go.
    const window = this.ledger.claimWindow(tickMs, opts.interval_s * 1000);
    if (window === null) return { claimed: false };
    const due = this.ledger.due(tickMs, window.previousMs, this.hub.book.governor.stretch);
    const cron = this.cronState(opts.source, tickMs);
    if (opts.source === "cron" && opts.cron_late_ms > 0) {
      const at = watchAfterTick(await this.ctx.storage.getAlarm(), tickMs, opts.cron_late_ms);
      if (at !== null) await this.setAlarm(at);
    }
    return { claimed: true, previous_ms: window.previousMs, due, list: { valid: list.valid, invalid: list.invalid, error: list.error }, removed: list.removed ?? [], cron };
  }

  /** Notes the cron going quiet (an alarm tick) and coming back (a cron tick); writes only on a change. */
  private cronState(source: TickSource, tickMs: number): "late" | "back" | null {
    const since = this.ledger.getMeta<number>("cron_late_since");
    if (source === "alarm" && since === null) {
      this.ledger.setMeta("cron_late_since", tickMs);
      return "late";
    }
    if (source === "cron" && since !== null) {
      this.ledger.deleteMeta("cron_late_since");
      return "back";
    }
    return null;
  }

  private record(tickMs: number, checks: SpaceCheck[], summary: TickDraft, thresholds: Thresholds, usage: UsageDelta, plan: Plan): Recorded & { signals: AlertSignal[] } {
    const windows = this.windows.all();
    this.hub.merge(usage);
    const { signals, carry } = this.hub.settle(Date.now(), plan, this.ledger.rowsWritten, () => this.ledger.nonCriticalShare());
    const recorded = this.ledger.record(
      tickMs,
      checks,
      summary,
      thresholds,
      (check, space) => {
        const judged = this.pingbacks.judge(check, space);
        return covers(windows, `space:${check.id}`, check.at) === null ? judged : { ...judged, maintenance: true };
      },
      carry,
    );
    this.pingbacks.flush();
    return { ...recorded, signals };
  }

  /** A ping-back from inside a Space; false when no listed Space has that id. */
  pingback(id: string): { known: boolean; at: number } {
    this.used("pingback");
    const now = Date.now();
    const known = this.ledger.rows("SELECT 1 FROM spaces WHERE id = ?", id).length > 0;
    if (known) this.pingbacks.note(id, now);
    return { known, at: now };
  }

  async addWindow(w: StoredWindow): Promise<MaintenanceWindow | null> {
    this.used("rpc");
    const added = this.windows.add(w, Date.now());
    if (added === null) return null;
    await this.windowsChanged();
    return describeWindow(added, Date.now());
  }

  /** The Alerter holds alerts by the windows: it hears of a change now, not at the next tell. */
  private async windowsChanged(): Promise<void> {
    try {
      await this.alerts.windowsChanged(this.windows.all());
    } catch (err) {
      // The next tick's tell carries them.
      log("error", "could not tell the alerter of a maintenance change", { error: String(err) });
    }
  }

  listWindows(): MaintenanceWindow[] {
    this.used("rpc");
    return this.listedWindows(Date.now());
  }

  private listedWindows(now: number): MaintenanceWindow[] {
    return this.windows.listed(now).map((w) => describeWindow(w, now));
  }

  async removeWindow(id: string): Promise<MaintenanceWindow | null> {
    this.used("rpc");
    const removed = this.windows.remove(id);
    if (removed === null) return null;
    await this.windowsChanged();
    return describeWindow(removed, Date.now());
  }

  /**
   * GET /v1/spaces, a page: `limit` Spaces after `cursor`, problems first. As the JSON text a
   * viewer gets (URLs and errors redacted here, spaces/public-report.ts): the Worker passes it on.
   */
  report(limit: number, cursor: string | null): string {
    this.used("rpc");
    return JSON.stringify(publicSpacesReport(buildSpacesReport(this.ledger, Date.now(), this.reportExtras(), limit, cursor)));
  }

  /**
   * The status page's page of Spaces plus running totals and usage, and the uptime bars (24
   * hourly, 90 daily) and latency chart of at most `page.cards` Spaces it draws as cards.
   */
  overview(page: { limit: number; cursor: string | null; cards: number }): PackedOverview {
    this.used("rpc");
    return buildOverview(this.ledger, Date.now(), this.reportExtras(), page, this.currentUsage());
  }

  /** /metrics: the Spaces of one part (`size` a part, in the list's order), with the pinger's own figures in the first. */
  metrics(part: number, size: number): SpacesMetrics {
    this.used("rpc");
    return buildMetricsPart(this.ledger, Date.now(), this.reportExtras(), part, size, () => this.currentUsage());
  }

  /** One Space's detail page; null when no listed Space has that id. Reads that Space's rows only. */
  detail(id: string): SpaceDetail | null {
    this.used("rpc");
    return buildSpaceDetail(this.ledger, Date.now(), this.reportExtras(), id);
  }

  /** One Space's status (a badge), or null when no listed Space has that id. */
  spaceStatus(id: string): SpacesBody["spaces"][number] | null {
    this.used("rpc");
    return buildSpaceStatus(this.ledger, Date.now(), this.reportExtras(), id);
  }

  private reportExtras(): ReportExtras {
    return { windows: this.windows.all(), listed: this.listedWindows(Date.now()), pingbackAt: (id) => this.pingbacks.lastAt(id), governor: this.hub.book.governorView(), applying: this.list.progress() };
  }

  /** `usage`: the Alerter's counts, riding on its regular call. */
  async health(usage: UsageDelta | null = null): Promise<PingerHealth> {
    this.used("rpc");
    this.hub.merge(usage);
    return {
      last_tick: tickBody(this.ledger.getMeta<TickSummary>("last_tick")),
      started_at: new Date(this.startedAt).toISOString(),
      rows_written: this.ledger.rowsWritten,
      cron_late_since: iso(this.ledger.getMeta<number>("cron_late_since")),
      watch_alarm_at: iso(await this.ctx.storage.getAlarm()),
      maintenance: this.windows.all(),
    };
  }

  /** Sets the watch when none is set (a list was just stored). */
  async watch(): Promise<void> {
    this.used("rpc");
    await this.armWatch();
  }

  /** watch()'s work; the constructor's too (the object just started: no request to count). */
  private async armWatch(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return;
    const settings = readPingerSettings(this.env);
    if (!settings.ok || cronLateMs(settings.value) === 0) return;
    // Counted from the last tick, or from now for a store that has never ticked.
    const from = this.ledger.getMeta<number>("window_end") ?? Date.now();
    await this.setAlarm(Math.max(Date.now() + 1_000, watchAfterTick(null, from, cronLateMs(settings.value))!));
  }

  override async alarm(): Promise<void> {
    this.used("alarm");
    const settings = readPingerSettings(this.env);
    if (!settings.ok) {
      // The cron handler refuses the same settings; the watchdog endpoint says why.
      log("error", "watch: invalid setting", { field: settings.error.field });
      await this.setAlarm(Date.now() + 10 * 60_000);
      return;
    }
    await this.watchTick(settings.value);
  }

  /** The watch (the alarm, with the settings in force): runs the tick itself when the cron has not for too long. */
  async watchTick(s: PingerSettings): Promise<void> {
    if (cronLateMs(s) === 0) return; // turned off: the alarm is not set again
    const driving = this.ledger.getMeta<number>("cron_late_since") !== null;
    const verdict = judgeWatch(Date.now(), this.ledger.getMeta<number>("window_end"), s.TICK_INTERVAL_S * 1000, cronLateMs(s), driving);
    if (verdict.run) {
      try {
        await runTick(this.env, this.tickStore, verdict.tickMs, s, "alarm");
        // While the cron is silent nobody else asks for the upkeep: a step in the same invocation.
        if (this.ledger.upkeepDue(this.lastTickMs())) this.ledger.maintain(this.lastTickMs());
      } catch (err) {
        log("error", "watch: the alarm's tick failed", { error: String(err) });
      }
    }
    // Set last: a tick's plan must not move the watch while the alarm is driving.
    await this.setAlarm(verdict.at);
  }
}
