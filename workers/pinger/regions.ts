// Checks from more than one place. With PING_REGIONS set, each Space has a home region (a
// stable hash of its id) and is checked there by shard objects created with that location
// hint. A Space found down at home is checked again in the same tick from the next region in
// the list, and the two results are combined: answered there too is `degraded` (one network
// path failed, not the Space), failed there too is `down`. Only `down` is confirmed: `waking`
// (HF starting the Space) alerts nothing, and `up` needs no second opinion. A hint is
// honoured only when an object is first created (best effort), and cannot be observed
// locally; the names carry the region, so tests can tell the shards apart.
import { planShards, stableHash } from "../../shared/schedule.js";
import type { CheckOutcome, PlannedSpace, RegionResult, SpaceCheck } from "./types.js";

export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];

/** The region a Space is checked from first; stable while the region list stays the same. */
export function homeRegion(spaceId: string, regions: readonly string[]): string {
  return regions[stableHash(`region:${spaceId}`) % regions.length]!;
}

/** Where a failure at `home` is checked again: the next region in the list. */
export function confirmRegion(home: string, regions: readonly string[]): string {
  return regions[(regions.indexOf(home) + 1) % regions.length]!;
}

/** One shard's worth of work: which object runs it (name, region hint) and what it checks. */
export interface ShardJob {
  /** The object's name, and the run id's suffix (so a Space's owner sees where a request came from). */
  name: string;
  region: string | null;
  spaces: PlannedSpace[];
}

/** The first pass: without regions, today's shards (`0`, `1`, ...); with them, per home region. */
export function homeJobs(due: PlannedSpace[], regions: readonly string[], perShard: number): ShardJob[] {
  if (regions.length === 0) return planShards(due, perShard).map((spaces, k) => ({ name: String(k), region: null, spaces }));
  return regions.flatMap((region) => planShards(due.filter((p) => homeRegion(p.space.id, regions) === region), perShard).map((spaces, k) => ({ name: `${region}/${k}`, region, spaces })));
}

/** The second pass: every Space found down at home, from its confirming region. */
export function confirmJobs(down: PlannedSpace[], regions: readonly string[], perShard: number): ShardJob[] {
  if (regions.length < 2) return [];
  return regions.flatMap((region) =>
    planShards(
      // The home shard already read the HF stage: the confirmation does not read it again.
      down.filter((p) => confirmRegion(homeRegion(p.space.id, regions), regions) === region).map((p) => ({ ...p, hf: null })),
      perShard,
    ).map((spaces, k) => ({ name: `${region}/confirm-${k}`, region, spaces })),
  );
}

/**
 * The retry pass: Spaces whose retries their shard's budget cut short (the first pass packs 48
 * Spaces into 50 subrequests), checked again from their home region, `perShard` a shard so each
 * has its first attempt and every retry. The first pass read the HF stage: this one does not.
 */
export function retryJobs(cut: PlannedSpace[], regions: readonly string[], perShard: number): ShardJob[] {
  return homeJobs(cut.map((p) => ({ ...p, hf: null })), regions, perShard).map((j) => ({ ...j, name: j.region === null ? `retry-${j.name}` : j.name.replace("/", "/retry-") }));
}

export function regionResult(check: SpaceCheck, region: string): RegionResult {
  return { region, outcome: check.outcome, status: check.status, latency_ms: check.latency_ms, error: check.error, at: check.at };
}

/**
 * One check from two places. Down at home and up elsewhere is degraded (with both results and
 * the reason); down in both is down (home's error, the other's result kept). A confirmation
 * that could not run (its budget or its shard failed) leaves home's result standing.
 */
export function combine(home: SpaceCheck, homeRegionName: string, other: SpaceCheck | undefined, otherRegion: string): SpaceCheck {
  const regions = [regionResult(home, homeRegionName)];
  if (other === undefined || other.outcome === "skipped") return { ...home, regions };
  regions.push(regionResult(other, otherRegion));
  const answered = other.outcome === "up";
  const outcome: CheckOutcome = answered ? "degraded" : "down";
  const error = answered ? `fails from ${homeRegionName} (${home.error ?? "no answer"}); answers from ${otherRegion}` : home.error;
  return { ...home, outcome, error, attempts: home.attempts + other.attempts, regions, ...(answered ? { status: other.status, latency_ms: other.latency_ms } : {}) };
}
