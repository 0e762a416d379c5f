// What the Space store, the tick and the shards pass each other (over Durable Object RPC,
// so plain data only).
import type { UsageDelta } from "../usage/tally.js";
import type { Space } from "../../shared/spaces.js";
import type { PingOutcome } from "./ping.js";

/** A Space due in this tick, with what a shard needs to decide on HF calls. */
export interface PlannedSpace {
  space: Space;
  /** `${id}@${slot}`: the slot this ping is for. */
  slot_key: string;
  /** HF id and the times kept in storage; null when the Space is not known to be on HF. */
  hf: { id: string; stage_at: number | null; restart_at: number | null } | null;
  /** The Space's config as the store keeps it (JSON): the order is written from it (wire.ts). */
  text?: string;
}

/** Per-shard settings, from PingerSettings. */
export interface ShardSettings {
  subrequests: number;
  in_flight: number;
  retries: number;
  backoff_ms: number;
  hf_api_base: string;
  hf_stage_refresh_s: number;
  hf_restart_cooldown_s: number;
}

export interface ShardOrder {
  /** `${tick ISO}/${shard}`; sent as x-edge-pulse-run so a Space's owner can tell runs apart. */
  run_id: string;
  spaces: PlannedSpace[];
  settings: ShardSettings;
}

export interface HfCheck {
  stage: string | null;
  message: string | null;
  read_at: number | null;
  error: string | null;
  restarted_at: number | null;
}

/**
 * A check's verdict: a ping's outcome, or `degraded` (it answers, but from one region only, or
 * its app has stopped pinging back), which the tick and the store decide, never a shard.
 */
export type CheckOutcome = PingOutcome | "degraded";

/** What one region found (GET /v1/spaces shows the latest per region). */
export interface RegionResult {
  region: string;
  outcome: CheckOutcome;
  status: number | null;
  latency_ms: number | null;
  error: string | null;
  at: number;
}

export interface SpaceCheck {
  id: string;
  slot_key: string;
  outcome: CheckOutcome;
  status: number | null;
  latency_ms: number | null;
  attempts: number;
  error: string | null;
  /** When the check finished (ms). */
  at: number;
  /** Only when the HF API was called for this Space. */
  hf?: HfCheck;
  /** With PING_REGIONS: what each region that checked it found, home first. */
  regions?: RegionResult[];
  /** Set by the store: checked inside a maintenance window (recorded, left out of uptime). */
  maintenance?: boolean;
  /** Its retries were cut short by its shard's budget (ping.ts): checked again in the tick's retry pass. */
  cut_short?: true;
}

/**
 * An order and a report as they cross RPC: the Spaces and the results as JSON text. A string
 * crosses as one copy; an object graph of a thousand Spaces costs the sender and the receiver
 * a few milliseconds of serialising each (the Free plan allows 10).
 */
export interface ShardWire {
  run_id: string;
  spaces: string;
  settings: ShardSettings;
}

export interface ShardWireReport extends Omit<ShardReport, "results"> {
  results: string;
}

export interface ShardReport {
  run_id: string;
  results: SpaceCheck[];
  /** External subrequests made, every redirect hop, retry and HF call included. */
  subrequests: number;
  budget: number;
  /** Most connections this object had open at once. */
  max_in_flight: number;
  started_at: number;
  finished_at: number;
  /** What the shard's invocation spent (workers/usage/tally.ts), handed back with its results. */
  usage?: UsageDelta | null;
}
