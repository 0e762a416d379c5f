// Everything the status page and /metrics show, gathered in one place: the pinger's report
// with uptime bars, each pool's snapshot and heartbeat counters, incidents and announcements. At most
// 6 Durable Object calls in flight (the per-invocation connection limit).
import type { PageIncidents } from "../alerts/incidents.js";
import { alerter, pool, poolIndex, spaceStore } from "../objects.js";
import type { SpacesOverview } from "../pinger/overview.js";
import type { PoolMetrics } from "../pools/snapshot.js";
import { FULL_CARDS, HISTORY_SHOWN } from "./limits.js";

export interface Overview {
  now: number;
  spaces: SpacesOverview;
  pools: PoolMetrics[];
  incidents: PageIncidents;
}

/** `bars`: the page's uptime bars (90 day rows a Space to read); /metrics asks for none. */
export async function loadOverview(env: Env, bars: boolean): Promise<Overview> {
  const [spaces, ids, incidents] = await Promise.all([
    spaceStore(env).overview(bars ? FULL_CARDS : 0),
    poolIndex(env).list(),
    alerter(env).pageIncidents(bars ? HISTORY_SHOWN : 0),
  ]);
  const pools: PoolMetrics[] = [];
  for (let i = 0; i < ids.length; i += 6) {
    const batch = await Promise.all(ids.slice(i, i + 6).map((id) => pool(env, id).metrics()));
    for (const p of batch) if (p !== null) pools.push(p);
  }
  return { now: Date.now(), spaces, pools, incidents };
}
