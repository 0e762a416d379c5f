// The status page at `/`: server-rendered with Hono JSX in the shared frame (layout.tsx: title
// and favicon that say the state, announcements, auto-refresh with a pause button).
import { GovernorNotice, UsageLine } from "./usage-view.js";
import type { Overview } from "./overview.js";
import { IncidentHistory, OpenIncidents } from "./incidents-view.js";
import { Layout, REFRESH_S, type Tone } from "./layout.js";
import { PoolsView } from "./pools-view.js";
import { ago, SpacesView } from "./spaces-view.js";
import { MaintenanceView } from "./maintenance-view.js";
import { HISTORY_SHOWN } from "./limits.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** How many of each problem there are; the headline and the tab's title word them. */
function countsOf(o: Overview, overdueS: number) {
  const tick = o.spaces.last_tick;
  return {
    // Every page's, not only this page's Spaces.
    down: o.spaces.counts.down,
    degraded: o.spaces.counts.degraded,
    staleWorkers: o.pools.reduce((n, p) => n + p.snapshot.counts.workers.stale, 0),
    // Never ticked is not "overdue": the page says the pinger has not ticked yet.
    overdue: tick !== null && o.now - Date.parse(tick.finished_at) > overdueS * 1000,
  };
}

/** What is wrong, in a few words each (`short`: the tab's title), and how bad it is. */
export function problemsOf(o: Overview, overdueS: number, short = true): { problems: string[]; tone: Tone } {
  const c = countsOf(o, overdueS);
  const problems = [
    c.down > 0 ? (short ? `${c.down} down` : `${plural(c.down, "Space")} down`) : null,
    c.degraded > 0 ? (short ? `${c.degraded} degraded` : `${plural(c.degraded, "Space")} degraded`) : null,
    c.staleWorkers > 0 ? `${plural(c.staleWorkers, "worker")} stale` : null,
    c.overdue ? (short ? "pinger overdue" : "the pinger is overdue") : null,
  ].filter((p): p is string => p !== null);
  const tone: Tone = c.down > 0 || c.overdue ? "bad" : problems.length > 0 ? "warn" : "ok";
  return { problems, tone };
}

function Summary(props: { o: Overview; overdueS: number }) {
  const { o } = props;
  const tick = o.spaces.last_tick;
  const { problems } = problemsOf(o, props.overdueS, false);
  return (
    <div class={`summary ${problems.length === 0 ? "ok" : "bad"}`} id="summary">
      <span class="headline">{problems.length === 0 ? "All systems operational" : problems.join(" · ")}</span>
      <span class="meta" id="last-tick">
        {tick === null
          ? "The pinger has not ticked yet"
          : `Last tick ${ago(tick.finished_at, o.now)}: ${tick.checked} checked, ${tick.up} up, ${tick.down} down, ${tick.degraded} degraded, ${tick.waking} waking in ${Date.parse(tick.finished_at) - Date.parse(tick.started_at)} ms`}
      </span>
      {tick?.source === "alarm" && <span class="meta">The Cron Trigger is late: the pinger's own alarm is running the checks.</span>}
      <span class="meta">Updated {new Date(o.now).toISOString().slice(11, 19)} UTC · refreshes every {REFRESH_S} s</span>
      <button class="refresh" type="button" id="refresh" aria-pressed="false">Pause auto-refresh</button>
    </div>
  );
}

export function StatusPage(props: { o: Overview; title: string; overdueS: number; token?: string | null }) {
  const { o } = props;
  const { problems, tone } = problemsOf(o, props.overdueS);
  return (
    <Layout title={props.title} heading={<h1>{props.title}</h1>} tone={tone} problems={problems} announcements={o.incidents.announcements} footer={<UsageLine usage={o.spaces.usage} />}>
      <Summary o={o} overdueS={props.overdueS} />
      <GovernorNotice usage={o.spaces.usage} />
      <OpenIncidents open={o.incidents.open} now={o.now} />
      <MaintenanceView windows={o.spaces.maintenance} />
      <SpacesView data={o.spaces} now={o.now} token={props.token ?? null} />
      <PoolsView pools={o.pools} windows={o.spaces.maintenance} />
      <IncidentHistory recent={o.incidents.recent.slice(0, HISTORY_SHOWN)} total={o.incidents.closed_total} />
    </Layout>
  );
}
