// PingShard: a Durable Object that runs one shard of a tick. Each request to it is its own
// invocation with its own subrequest budget, which is what lets the pinger go past the
// ~50 Spaces a single Worker invocation can reach. The connection limiter belongs to the
// object, so two runs that overlap in one object still share 6 connections. No storage.
import { DurableObject } from "cloudflare:workers";
import { Limiter } from "../http/limiter.js";
import { SubrequestBudget } from "./budget.js";
import { readStage, restartSpace, type HfContext } from "./hf.js";
import { pingSpace } from "./ping.js";
import { ObjectMeter } from "../usage/tally.js";
import type { HfCheck, PlannedSpace, ShardOrder, ShardReport, ShardWire, ShardWireReport, SpaceCheck } from "./types.js";
import { readOrder, writeReport } from "./wire.js";

interface HfEnv {
  HF_TOKEN?: string;
}

async function hfCheck(planned: PlannedSpace, order: ShardOrder, cx: HfContext, now: number): Promise<HfCheck | undefined> {
  const hf = planned.hf;
  if (hf === null) return undefined;
  const { settings } = order;
  if (hf.stage_at !== null && now - hf.stage_at < settings.hf_stage_refresh_s * 1000) return undefined;
  const read = await readStage(cx, hf.id);
  if (!read.ok) return { stage: null, message: null, read_at: null, error: read.error, restarted_at: null };
  const check: HfCheck = { stage: read.stage, message: read.message, read_at: Date.now(), error: null, restarted_at: null };
  const cooled = hf.restart_at === null || now - hf.restart_at >= settings.hf_restart_cooldown_s * 1000;
  if (read.stage === "RUNTIME_ERROR" && planned.space.hf_restart && cx.token !== undefined && cooled) {
    const restart = await restartSpace(cx, hf.id);
    // The attempt starts the cooldown even when HF refused it: never hammer the API.
    check.restarted_at = Date.now();
    check.error = restart.error;
  }
  return check;
}

/** Pings every Space of the order within its budget, at most `limiter.max` at a time. */
export async function runShard(order: ShardOrder, limiter: Limiter, hfToken: string | undefined): Promise<ShardReport> {
  const started = Date.now();
  const budget = new SubrequestBudget(order.settings.subrequests);
  budget.reserve(order.spaces.length);
  const headers = { "x-edge-pulse-run": order.run_id };
  const hf: HfContext = { base: order.settings.hf_api_base, token: hfToken, budget, limiter, headers };
  const results = await Promise.all(
    order.spaces.map(async (planned): Promise<SpaceCheck> => {
      const r = await pingSpace(planned.space, { budget, limiter, headers, retries: order.settings.retries, backoffMs: order.settings.backoff_ms });
      const check: SpaceCheck = { id: planned.space.id, slot_key: planned.slot_key, outcome: r.outcome, status: r.status, latency_ms: r.latency_ms, attempts: r.attempts, error: r.error, at: Date.now(), ...(r.cut_short ? { cut_short: true as const } : {}) };
      if (r.outcome === "down" || r.outcome === "waking") {
        const h = await hfCheck(planned, order, hf, check.at);
        if (h !== undefined) check.hf = h;
      }
      return check;
    }),
  );
  return { run_id: order.run_id, results, subrequests: budget.spent, budget: order.settings.subrequests, max_in_flight: limiter.maxSeen, started_at: started, finished_at: Date.now() };
}

export class PingShard extends DurableObject<Env> {
  private limiter: Limiter | null = null;
  private readonly meter = new ObjectMeter("PingShard");

  /** One shard of a tick: its order and report cross as JSON text (wire.ts). */
  async run(wire: ShardWire): Promise<ShardWireReport> {
    this.meter.request("rpc");
    const order: ShardOrder = { run_id: wire.run_id, spaces: readOrder(wire), settings: wire.settings };
    if (this.limiter?.max !== order.settings.in_flight) this.limiter = new Limiter(order.settings.in_flight);
    const report = await runShard(order, this.limiter, (this.env as Env & HfEnv).HF_TOKEN);
    this.meter.subrequests(report.subrequests);
    // In memory from the call to the answer: waiting on Spaces is billed as duration.
    this.meter.duration(report.finished_at - report.started_at);
    return writeReport({ ...report, usage: this.meter.tally.take() });
  }
}
