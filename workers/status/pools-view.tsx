// The GPU pools section of the status page: per pool its hosts, their GPUs (VRAM used of
// total; on the pool's own page with a 24 h chart each) and workers with their states. Worker
// URIs never reach this file (PublicSnapshot).
import type { MaintenanceWindow } from "../../shared/maintenance.js";
import { PoolMaintenance } from "./maintenance-view.js";
import type { PoolMetrics } from "../pools/snapshot.js";
import type { VramSeries } from "../pools/vram-history.js";
import { gib, UsageBar } from "./bars.js";
import { VramChart } from "./charts.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const staleFirst = <T extends { state: string }>(list: T[]) => [...list.filter((x) => x.state === "stale"), ...list.filter((x) => x.state !== "stale")];

export const poolHref = (id: string) => `/pools/${encodeURIComponent(id)}`;

/** A pool's hosts, GPUs and workers; `vram` (the pool's page) adds each GPU's 24 h chart. */
export function PoolBody(props: { p: PoolMetrics["snapshot"]; windows: MaintenanceWindow[]; vram?: VramSeries; now?: number }) {
  const { p } = props;
  // The pool sends the hosts and workers shown (MAX_HOSTS, MAX_WORKER_ROWS, stale first); the counts say how many there are.
  const hostsAll = p.counts.hosts.fresh + p.counts.hosts.stale;
  const workersAll = p.counts.workers.fresh + p.counts.workers.stale;
  return (
    <>
      <PoolMaintenance windows={props.windows} poolId={p.pool_id} />
      {p.eviction.suspended && <p class="error">Evictions held: {p.eviction.reason}</p>}
      {staleFirst(p.hosts).map((h) => (
        <div class="host" data-state={h.state}>
          <h4>
            <span class={`pill ${h.state}`}>{h.state}</span> {h.host_id} <small>last heartbeat {h.age_s} s ago{h.draining && <strong> · draining: no new work</strong>}</small>
          </h4>
          {h.sidecar_version !== null && (
            <p class={h.sidecar_differs ? "version differs" : "version"}>
              heartbeat-sidecar {h.sidecar_version}
              {h.sidecar_differs && <strong> · this edge serves {p.edge_sidecar_version}: reinstall from /heartbeat-sidecar.tgz</strong>}
            </p>
          )}
          <ul class="gpus">
            {p.gpus.filter((g) => g.host_id === h.host_id).map((g) => {
              const series = props.vram?.[`${h.host_id}/${g.id}`];
              return (
                <li>
                  <span class="gpu-name">GPU {g.id} · {g.device_name}</span>
                  <UsageBar label={`GPU ${g.id}`} used={g.total_vram_bytes !== null && g.free_vram_bytes !== null ? g.total_vram_bytes - g.free_vram_bytes : null} total={g.total_vram_bytes} />
                  {props.vram !== undefined && <div class="gpu-chart">{series === undefined ? <span class="muted">No readings kept yet.</span> : <VramChart points={series.points} total={g.total_vram_bytes ?? series.total} now={props.now!} label={`${h.host_id} GPU ${g.id}`} />}</div>}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      {p.workers.length > 0 && (
        <table class="workers">
          <thead>
            <tr><th>worker</th><th>state</th><th>status</th><th>model</th><th>host · GPU</th><th>age</th></tr>
          </thead>
          <tbody>
            {staleFirst(p.workers).map((w) => (
              <tr data-state={w.state}>
                <td>{w.id}</td>
                <td><span class={`pill ${w.state}`}>{w.state}</span></td>
                <td>{w.status}{w.draining && <strong> · draining</strong>}</td>
                <td>{w.model_ref ?? "–"}</td>
                <td>{w.host_id ?? "direct"}{w.gpu_id !== null ? ` · ${w.gpu_id}` : ""}</td>
                <td>{w.age_s} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(hostsAll > p.hosts.length || workersAll > p.workers.length) && (
        <p class="muted">
          Showing {p.hosts.length} of {plural(hostsAll, "host")} and {p.workers.length} of {plural(workersAll, "worker")}, stale first; GET /v2/pools/{p.pool_id} lists them all, a page of workers at a time.
        </p>
      )}
    </>
  );
}

/** The pool's headline: fresh and stale workers, hosts, free VRAM, reservations. */
export function PoolMeta(props: { p: PoolMetrics["snapshot"] }) {
  const { p } = props;
  return (
    <span class="meta">
      {plural(p.counts.hosts.fresh + p.counts.hosts.stale, "host")} · free {gib(p.vram.free_bytes)} of {gib(p.vram.total_bytes)} GiB
      {p.vram.unknown_gpus > 0 ? ` · ${plural(p.vram.unknown_gpus, "GPU")} unknown` : ""}
      {/* Holders stay off the page (they may name jobs); counts and bytes are enough here. */}
      {p.reservations.length > 0 ? ` · ${plural(p.reservations.length, "reservation")} holding ${gib(p.reservations.reduce((n, r) => n + r.vram_bytes, 0))} GiB` : ""}
    </span>
  );
}

export const poolPill = (p: PoolMetrics["snapshot"]) => (p.counts.workers.stale + p.counts.hosts.stale > 0 ? "stale" : "fresh");

export function PoolsView(props: { pools: PoolMetrics[]; windows: MaintenanceWindow[] }) {
  return (
    <section id="pools">
      <h2>GPU pools <small>{props.pools.length}</small></h2>
      {props.pools.length === 0 && <p class="muted">No pools yet. Create one with POST /v1/admin/pools/&lt;id&gt;/tokens and start heartbeat-sidecar on a GPU host.</p>}
      {props.pools.map(({ snapshot: p }) => (
        <article class="card pool">
          <header>
            <span class={`pill ${poolPill(p)}`}>
              {p.counts.workers.fresh} fresh · {p.counts.workers.stale} stale
            </span>
            <h3><a href={poolHref(p.pool_id)}>{p.pool_id}</a></h3>
            <PoolMeta p={p} />
          </header>
          <PoolBody p={p} windows={props.windows} />
        </article>
      ))}
    </section>
  );
}
