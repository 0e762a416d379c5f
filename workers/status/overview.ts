// Everything the status page and /metrics show, gathered in one place: a page (or part) of the
// pinger's Spaces with their bars, each pool's snapshot and heartbeat counters, incidents and
// announcements. At most 6 Durable Object calls in flight (the per-invocation connection limit).
import type { PageIncidents } from "../alerts/incidents.js";
import { alerter, pool, poolIndex, spaceStore } from "../objects.js";
import { unpackOverview, type SpacesMetrics, type SpacesOverview } from "../pinger/overview.js";
import type { PoolMetrics, PoolView } from "../pools/snapshot.js";
import { FULL_CARDS, HISTORY_SHOWN, MAX_HOSTS, MAX_WORKER_ROWS, METRICS_PART, PAGE_ROWS } from "./limits.js";

export interface Overview {
  now: number;
  spaces: SpacesOverview;
  pools: PoolMetrics[];
  incidents: PageIncidents;
}

/** What /metrics renders: a part of the Spaces; with the first, pools and incidents too. */
export interface MetricsData {
  spaces: SpacesMetrics;
  pools: PoolMetrics[];
  incidents: PageIncidents | null;
}

/** The page shows MAX_HOSTS hosts and MAX_WORKER_ROWS workers of a pool (stale first); /metrics its GPUs alone. */
export const PAGE_VIEW: PoolView = { hosts: MAX_HOSTS, workers: MAX_WORKER_ROWS, gpus: "shown" };
const METRICS_VIEW: PoolView = { hosts: 0, workers: 0, gpus: "all" };

async function poolMetrics(env: Env, ids: string[], view: PoolView): Promise<PoolMetrics[]> {
  const pools: PoolMetrics[] = [];
  for (let i = 0; i < ids.length; i += 6) {
    const batch = await Promise.all(ids.slice(i, i + 6).map((id) => pool(env, id).metrics(view)));
    for (const p of batch) if (p !== null) pools.push(p);
  }
  return pools;
}

/** The status page: PAGE_ROWS Spaces after `cursor` (problems first), cards for at most FULL_CARDS of them. */
export async function loadOverview(env: Env, cursor: string | null): Promise<Overview> {
  const [spaces, ids, incidents] = await Promise.all([spaceStore(env).overview({ limit: PAGE_ROWS, cursor, cards: FULL_CARDS }), poolIndex(env).list(), alerter(env).pageIncidents(HISTORY_SHOWN)]);
  return { now: Date.now(), spaces: unpackOverview(spaces), pools: await poolMetrics(env, ids, PAGE_VIEW), incidents };
}

/** /metrics?part=N: METRICS_PART Spaces a part; pools and incidents with the first. */
export async function loadMetrics(env: Env, part: number): Promise<MetricsData> {
  if (part > 1) return { spaces: await spaceStore(env).metrics(part, METRICS_PART), pools: [], incidents: null };
  const [spaces, ids, incidents] = await Promise.all([spaceStore(env).metrics(1, METRICS_PART), poolIndex(env).list(), alerter(env).pageIncidents(0)]);
  return { spaces, pools: await poolMetrics(env, ids, METRICS_VIEW), incidents };
}
