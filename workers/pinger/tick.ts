// One tick, run inside the SpaceStore (its `tick()` for the Cron Trigger, its alarm while the
// cron is late): the store hands out this tick's due Spaces (plan), they are split into
// shards, each shard runs in its own PingShard invocation (its own subrequest budget), Spaces
// found down are checked again from a second region when PING_REGIONS names more than one
// (regions.ts), and the store records the results (record). This runs no external fetch, only
// Durable Object calls (1 per shard, 1 to the Alerter when it has news or is due one:
// alerter-link.ts), which count against the 1,000
// Cloudflare-service subrequests, not the 50 external ones. The contract between the tick and
// its store (TickStore) lives here.
import { publicUrl, publicUrlsIn } from "../../shared/public-url.js";
import type { ListStatus, Recorded, Thresholds, TickDraft, TickSource, TickSummary, Transition } from "./ledger.js";
import { confirmJobs, confirmRegion, combine, homeJobs, homeRegion, regionResult, retryJobs, type ShardJob } from "./regions.js";
import { cronLateMs, type PingerSettings } from "./settings.js";
import { pingShard } from "../objects.js";
import { cronSignals, spaceSignals, type AlertSignal } from "../alerts/signals.js";
import type { PlannedSpace, ShardReport, ShardSettings, SpaceCheck } from "./types.js";
import { mergeDelta, type UsageDelta } from "../usage/tally.js";
import { orderText, readReport } from "./wire.js";
import type { Plan } from "../../shared/usage.js";

export interface PlanOptions {
  interval_s: number;
  cron_late_ms: number;
  source: TickSource;
}

export type TickPlan =
  | { claimed: false }
  | {
      claimed: true;
      previous_ms: number;
      due: PlannedSpace[];
      list: Pick<ListStatus, "valid" | "invalid" | "error">;
      removed: { id: string; name: string; host: string }[];
      /** "late": the first tick the alarm ran; "back": the first cron tick after it; else null. */
      cron: "late" | "back" | null;
    };

export function shardSettings(s: PingerSettings): ShardSettings {
  return {
    subrequests: s.PING_SUBREQUESTS_PER_SHARD,
    in_flight: s.PING_MAX_IN_FLIGHT,
    retries: s.PING_RETRIES,
    backoff_ms: s.PING_BACKOFF_MS,
    hf_api_base: s.HF_API_BASE,
    hf_stage_refresh_s: s.HF_STAGE_REFRESH_S,
    hf_restart_cooldown_s: s.HF_RESTART_COOLDOWN_S,
  };
}

const log = (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ level, msg, ...fields }));

/** More state changes than this in one tick are logged as one summary. */
const STORM = 10;

/** What a tick did (the cron ignores it; tests read it through SpaceStore.tick). */
export interface TickOutcome {
  summary: TickSummary;
  transitions: Transition[];
  /** The history has upkeep waiting: the Cron entry asks for it in a request of its own (SpaceStore.maintain). */
  upkeep?: boolean;
}

/** What a tick needs of the SpaceStore, which runs it. */
export interface TickStore {
  plan(tickMs: number, opts: PlanOptions): Promise<TickPlan>;
  /** Stores the tick's results; `signals`: the usage meter's forecast alerts, handed to the Alerter with the tick's own. */
  record(tickMs: number, checks: SpaceCheck[], draft: TickDraft, thresholds: Thresholds, usage: UsageDelta, plan: Plan): Recorded & { signals: AlertSignal[] };
  /** Hands the tick's signals to the Alerter (alerter-link.ts: at once when there are any, else when one is due). */
  tellAlerter(signals: AlertSignal[], finishedAt: number): Promise<boolean>;
}

/** Runs shard jobs, each in its own PingShard invocation; a failed one loses its Spaces, not the tick. */
async function runJobs(env: Env, tickIso: string, jobs: ShardJob[], ss: ShardSettings): Promise<{ reports: ShardReport[]; lost: number }> {
  const runs = await Promise.allSettled(
    // With regions, the region is in the job's name and its object's location hint.
    jobs.map(async (job) => readReport(await pingShard(env, job.name, job.region).run({ run_id: `${tickIso}/${job.name}`, spaces: orderText(job.spaces), settings: ss }))),
  );
  const reports: ShardReport[] = [];
  let lost = 0;
  runs.forEach((run, k) => {
    if (run.status === "fulfilled") reports.push(run.value);
    else {
      // Its slots stay handed out (no second ping for them); the next slot checks them.
      lost += jobs[k]!.spaces.length;
      log("error", "shard failed", { shard: jobs[k]!.name, spaces: jobs[k]!.spaces.length, error: String(run.reason) });
    }
  });
  return { reports, lost };
}

/**
 * Runs the tick for `scheduledTime` on `store`; null when that tick's window was already
 * handled. `source`: the Cron Trigger, or the SpaceStore's alarm standing in for a cron that stopped.
 */
export async function runTick(env: Env, store: TickStore, scheduledTime: number, settings: PingerSettings, source: TickSource): Promise<TickOutcome | null> {
  const startedAt = Date.now();
  const tickIso = new Date(scheduledTime).toISOString();
  const regions = settings.PING_REGIONS;
  const plan = await store.plan(scheduledTime, { interval_s: settings.TICK_INTERVAL_S, cron_late_ms: cronLateMs(settings), source });
  if (!plan.claimed) {
    log("info", "tick already handled", { scheduled_at: tickIso, source });
    return null;
  }
  const plannedAt = Date.now();
  if (plan.list.error !== null) log("warn", "space list not used", { error: plan.list.error });
  const ss = shardSettings(settings);
  const homes = homeJobs(plan.due, regions, settings.PING_SPACES_PER_SHARD);
  const first = await runJobs(env, tickIso, homes, ss);
  let checks = first.reports.flatMap((r) => r.results);
  const reports = [...first.reports];
  let lost = first.lost;
  let confirmed = 0;
  let jobs = homes.length;
  // Failures whose retries their shard could not pay for: checked again, a few a shard.
  const cut = new Set(checks.filter((c) => c.cut_short === true).map((c) => c.id));
  if (cut.size > 0) {
    const retries = retryJobs(plan.due.filter((p) => cut.has(p.space.id)), regions, Math.max(1, Math.floor(settings.PING_SUBREQUESTS_PER_SHARD / (1 + settings.PING_RETRIES))));
    const again = await runJobs(env, tickIso, retries, ss);
    jobs += retries.length;
    reports.push(...again.reports);
    const second = new Map(again.reports.flatMap((r) => r.results).map((c) => [c.id, c]));
    checks = checks.map((c) => {
      const s = second.get(c.id);
      // The second check is the verdict; the attempts are both passes'; the first's HF stage stands.
      return s === undefined || s.outcome === "skipped" ? c : { ...s, attempts: c.attempts + s.attempts, ...(c.hf !== undefined ? { hf: c.hf } : {}) };
    });
  }
  if (regions.length > 1) {
    // Down at home: checked again from another region, in this tick, before it counts.
    const downIds = new Set(checks.filter((c) => c.outcome === "down").map((c) => c.id));
    const confirms = confirmJobs(plan.due.filter((p) => downIds.has(p.space.id)), regions, settings.PING_SPACES_PER_SHARD);
    const second = confirms.length === 0 ? { reports: [], lost: 0 } : await runJobs(env, tickIso, confirms, ss);
    jobs += confirms.length;
    reports.push(...second.reports);
    const other = new Map(second.reports.flatMap((r) => r.results).map((c) => [c.id, c]));
    confirmed = other.size;
    checks = checks.map((c) => {
      const home = homeRegion(c.id, regions);
      return c.outcome === "down" ? combine(c, home, other.get(c.id), confirmRegion(home, regions)) : { ...c, regions: [regionResult(c, home)] };
    });
  }
  const shardsDoneAt = Date.now();
  const skipped = checks.filter((c) => c.outcome === "skipped").length;
  const draft: TickDraft = {
    at: scheduledTime,
    started_at: startedAt,
    finished_at: Date.now(),
    plan_ms: plannedAt - startedAt,
    shards_ms: shardsDoneAt - plannedAt,
    source,
    due: plan.due.length,
    checked: checks.length - skipped,
    skipped,
    lost,
    shards: jobs,
    confirmations: confirmed,
    regions: [...regions],
    subrequests: reports.reduce((n, r) => n + r.subrequests, 0),
    max_subrequests_per_shard: Math.max(0, ...reports.map((r) => r.subrequests)),
    max_in_flight: Math.max(0, ...reports.map((r) => r.max_in_flight)),
  };
  // The store has the last word on each check (ping-backs, maintenance), so it counts them by outcome.
  // What each shard spent (its request, subrequests, time) rides back in its report.
  const usage = reports.reduce<UsageDelta>((d, r) => mergeDelta(d, r.usage), {});
  const { transitions, summary, signals } = store.record(scheduledTime, checks, draft, { down_after: settings.SPACE_DOWN_AFTER, up_after: settings.SPACE_UP_AFTER }, usage, settings.PLAN);
  if (transitions.length > STORM) {
    // Many at once is one event (the network, or a new list), not hundreds of log lines.
    const by: Record<string, number> = {};
    for (const t of transitions) by[t.to] = (by[t.to] ?? 0) + 1;
    log("warn", "many spaces changed state", { changes: transitions.length, to: by, first: transitions.slice(0, STORM).map((t) => publicUrl(t.id)) });
  } else {
    for (const t of transitions) log(t.to === "up" ? "info" : "warn", "space state changed", { space: publicUrl(t.id), from: t.from, to: t.to, error: t.error === null ? null : publicUrlsIn(t.error) });
  }
  if (plan.cron !== null) log(plan.cron === "late" ? "error" : "info", plan.cron === "late" ? "cron late: the pinger's alarm is running ticks" : "cron back: ticks come from the Cron Trigger again", { scheduled_at: tickIso });
  try {
    // After the pings: the Alerter only stores what changed and sends it from its own alarm.
    await store.tellAlerter([...spaceSignals(transitions, plan.removed, scheduledTime), ...cronSignals(plan.cron, scheduledTime), ...signals], summary.finished_at);
  } catch (err) {
    log("error", "could not hand state changes to the alerter", { error: String(err) });
  }
  log("info", "tick", { scheduled_at: tickIso, ...summary, at: undefined, started_at: undefined, finished_at: undefined, duration_ms: summary.finished_at - startedAt });
  return { summary, transitions };
}
