// A pool's own page (/pools/{id}): its hosts, each GPU's VRAM used over the last 24 hours
// (vram-history.ts), its workers, its latest events (kind and subject: details may name
// URIs) and its incidents. Worker URIs never reach this file.
import { utcMinute } from "../../shared/duration.js";
import type { MaintenanceWindow } from "../../shared/maintenance.js";
import type { PageIncidents } from "../alerts/incidents.js";
import type { PoolDetail } from "../pools/snapshot.js";
import { IncidentHistory, OpenIncidents } from "./incidents-view.js";
import { Layout, type Tone } from "./layout.js";
import { PoolBody, PoolMeta, poolPill } from "./pools-view.js";

export function PoolPage(props: { d: PoolDetail; incidents: PageIncidents; windows: MaintenanceWindow[]; title: string; now: number }) {
  const { d, incidents, now } = props;
  const p = d.snapshot;
  const stale = p.counts.workers.stale + p.counts.hosts.stale;
  const tone: Tone = p.counts.workers.fresh === 0 && p.counts.workers.stale > 0 ? "bad" : stale > 0 ? "warn" : "ok";
  const heading = (
    <>
      <p class="crumbs"><a href="/">{props.title}</a> › GPU pools</p>
      <h1>{p.pool_id} <span class={`pill ${poolPill(p)}`}>{p.counts.workers.fresh} fresh · {p.counts.workers.stale} stale</span></h1>
    </>
  );
  return (
    <Layout title={`${p.pool_id} · ${props.title}`} heading={heading} tone={tone} problems={stale > 0 ? [`${stale} stale`] : []} announcements={incidents.announcements}>
      <div class="summary" id="summary">
        <PoolMeta p={p} />
        <button class="refresh" type="button" id="refresh" aria-pressed="false">Pause auto-refresh</button>
      </div>
      <OpenIncidents open={incidents.open} now={now} />
      <section id="hosts">
        <h2>Hosts and GPUs <small>VRAM used, last 24 hours (most per 10 minutes)</small></h2>
        {p.hosts.length === 0 && <p class="muted">No host has sent a heartbeat yet.</p>}
        <PoolBody p={p} windows={props.windows} vram={d.vram} now={now} />
      </section>
      <section id="events">
        <h2>Recent events <small>{d.events.length}</small></h2>
        {d.events.length === 0 ? (
          <p class="muted">No events yet.</p>
        ) : (
          <ul class="events">
            {d.events.map((e) => (
              <li><span class="meta">{utcMinute(e.at)}</span> {e.subject}: {e.kind.replace(/_/g, " ")}</li>
            ))}
          </ul>
        )}
      </section>
      <IncidentHistory recent={incidents.recent} heading="Incidents" />
    </Layout>
  );
}
