// SpaceStore: the pinger's one SQLite-backed Durable Object (named "pinger"). It reads the
// Space list from KV, hands each tick its window of due Spaces split into shards, records
// what the shards found, and answers GET /v1/spaces. It makes no external fetch itself.
import { DurableObject } from "cloudflare:workers";
import { planShards } from "../../shared/schedule.js";
import { cardedSpaces } from "../status/limits.js";
import { readDailyBars, type Window } from "./history.js";
import { SpaceLedger, type ListStatus, type PingTotals, type Thresholds, type TickSummary, type Transition } from "./ledger.js";
import { refreshList } from "./list.js";
import { buildSpacesReport, tickBody, type SpacesBody } from "./report.js";
import { durableSql } from "./sql.js";
import type { PlannedSpace, SpaceCheck } from "./types.js";

export const SPACE_STORE_NAME = "pinger";

export type TickPlan =
  | { claimed: false }
  | { claimed: true; previous_ms: number; shards: PlannedSpace[][]; list: Pick<ListStatus, "valid" | "invalid" | "error">; removed: { id: string; name: string; host: string }[] };

export interface SpacesOverview extends SpacesBody {
  bars: Record<string, { hours: Window[]; days: Window[] }>;
  totals: PingTotals | null;
}

export interface PingerHealth {
  last_tick: SpacesBody["last_tick"];
  started_at: string;
  rows_written: number;
}

export class SpaceStore extends DurableObject<Env> {
  private readonly ledger: SpaceLedger;
  private readonly startedAt = Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ledger = new SpaceLedger(durableSql(ctx.storage.sql));
  }

  async plan(tickMs: number, opts: { spaces_per_shard: number; interval_s: number }): Promise<TickPlan> {
    const list = await refreshList(this.env.SPACES, this.ledger, Date.now());
    // No await from here on: the window is read and written in one go.
    const window = this.ledger.claimWindow(tickMs, opts.interval_s * 1000);
    if (window === null) return { claimed: false };
    const due = this.ledger.due(tickMs, window.previousMs);
    return {
      claimed: true,
      previous_ms: window.previousMs,
      shards: planShards(due, opts.spaces_per_shard),
      list: { valid: list.valid, invalid: list.invalid, error: list.error },
      removed: list.removed ?? [],
    };
  }

  record(tickMs: number, checks: SpaceCheck[], summary: TickSummary, thresholds: Thresholds): Transition[] {
    return this.ledger.record(tickMs, checks, summary, thresholds);
  }

  report(): SpacesBody {
    const { history: _, ...body } = buildSpacesReport(this.ledger, Date.now());
    return body;
  }

  /**
   * The report plus running totals, and with `bars` the uptime bars (24 hourly, 90 daily)
   * for the Spaces the status page draws them for (/metrics needs none).
   */
  overview(withBars: boolean): SpacesOverview {
    const now = Date.now();
    const { history, ...body } = buildSpacesReport(this.ledger, now);
    const carded = withBars ? cardedSpaces(body.spaces).map((s) => s.id) : [];
    const days = readDailyBars(this.ledger.sql, now, carded);
    const bars: SpacesOverview["bars"] = {};
    for (const id of carded) bars[id] = { hours: history.get(id)?.hours ?? [], days: days.get(id) ?? [] };
    return { ...body, bars, totals: this.ledger.getMeta<TickSummary>("last_tick")?.totals ?? null };
  }

  health(): PingerHealth {
    return { last_tick: tickBody(this.ledger.getMeta<TickSummary>("last_tick")), started_at: new Date(this.startedAt).toISOString(), rows_written: this.ledger.rowsWritten };
  }
}
