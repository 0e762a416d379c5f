// One Cron tick: the SpaceStore hands out this tick's due Spaces in shards, each shard runs
// in its own PingShard invocation (its own subrequest budget), and the results go back to
// the store in one call. This invocation makes no external fetch, only Durable Object calls
// (2 to the store, 1 per shard), which count against the 1,000 Cloudflare-service
// subrequests, not the 50 external ones.
import { publicUrl, publicUrlsIn } from "../../shared/public-url.js";
import type { TickSummary, Transition } from "./ledger.js";
import type { PingerSettings } from "./settings.js";
import { SPACE_STORE_NAME } from "./space-store.js";
import { ALERTER_NAME } from "../alerts/alerter.js";
import { spaceSignals } from "../alerts/signals.js";
import type { ShardReport, ShardSettings } from "./types.js";

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

export interface TickOutcome {
  summary: TickSummary;
  transitions: Transition[];
  reports: ShardReport[];
}

/** Runs the tick for `scheduledTime`; null when that tick's window was already handled. */
export async function runTick(env: Env, scheduledTime: number, settings: PingerSettings): Promise<TickOutcome | null> {
  const startedAt = Date.now();
  const store = env.SPACE_STORE.getByName(SPACE_STORE_NAME);
  const tickIso = new Date(scheduledTime).toISOString();
  const plan = await store.plan(scheduledTime, { spaces_per_shard: settings.PING_SPACES_PER_SHARD, interval_s: settings.TICK_INTERVAL_S });
  if (!plan.claimed) {
    log("info", "tick already handled", { scheduled_at: tickIso });
    return null;
  }
  const plannedAt = Date.now();
  if (plan.list.error !== null) log("warn", "space list not used", { error: plan.list.error });
  const ss = shardSettings(settings);
  const runs = await Promise.allSettled(
    plan.shards.map((spaces, k) => env.PING_SHARDS.getByName(`shard-${k}`).run({ run_id: `${tickIso}/${k}`, spaces, settings: ss })),
  );
  const reports: ShardReport[] = [];
  let lost = 0;
  runs.forEach((run, k) => {
    if (run.status === "fulfilled") reports.push(run.value);
    else {
      // Its slots stay handed out (no second ping for them); the next slot checks them.
      lost += plan.shards[k]!.length;
      log("error", "shard failed", { shard: k, spaces: plan.shards[k]!.length, error: String(run.reason) });
    }
  });
  const shardsDoneAt = Date.now();
  const checks = reports.flatMap((r) => r.results);
  const count = (o: string) => checks.filter((c) => c.outcome === o).length;
  const summary: TickSummary = {
    at: scheduledTime,
    started_at: startedAt,
    finished_at: Date.now(),
    plan_ms: plannedAt - startedAt,
    shards_ms: shardsDoneAt - plannedAt,
    due: plan.shards.reduce((n, s) => n + s.length, 0),
    checked: checks.length - count("skipped"),
    up: count("up"),
    down: count("down"),
    waking: count("waking"),
    skipped: count("skipped"),
    lost,
    shards: plan.shards.length,
    subrequests: reports.reduce((n, r) => n + r.subrequests, 0),
    max_subrequests_per_shard: Math.max(0, ...reports.map((r) => r.subrequests)),
    max_in_flight: Math.max(0, ...reports.map((r) => r.max_in_flight)),
  };
  const transitions = await store.record(scheduledTime, checks, summary, { down_after: settings.SPACE_DOWN_AFTER, up_after: settings.SPACE_UP_AFTER });
  if (transitions.length > STORM) {
    // Many at once is one event (the network, or a new list), not hundreds of log lines.
    const by: Record<string, number> = {};
    for (const t of transitions) by[t.to] = (by[t.to] ?? 0) + 1;
    log("warn", "many spaces changed state", { changes: transitions.length, to: by, first: transitions.slice(0, STORM).map((t) => publicUrl(t.id)) });
  } else {
    for (const t of transitions) log(t.to === "up" ? "info" : "warn", "space state changed", { space: publicUrl(t.id), from: t.from, to: t.to, error: t.error === null ? null : publicUrlsIn(t.error) });
  }
  try {
    // After the pings: the Alerter only stores what changed and sends it from its own alarm.
    await env.ALERTS.getByName(ALERTER_NAME).tick(spaceSignals(transitions, plan.removed, scheduledTime));
  } catch (err) {
    log("error", "could not hand state changes to the alerter", { error: String(err) });
  }
  log("info", "tick", { scheduled_at: tickIso, ...summary, at: undefined, started_at: undefined, finished_at: undefined, duration_ms: summary.finished_at - startedAt });
  return { summary, transitions, reports };
}
