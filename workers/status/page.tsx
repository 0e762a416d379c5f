// The status page at `/`: server-rendered with Hono JSX. One small inline script reloads it
// every 30 s so a page left open keeps moving, with a button that pauses it (a meta refresh
// cannot be paused: WCAG 2.2.1); the choice is kept for the tab.
import { raw } from "hono/html";
import type { Overview } from "./overview.js";
import { PAGE_CSS } from "./page-style.js";
import { PoolsView } from "./pools-view.js";
import { ago, SpacesView } from "./spaces-view.js";
import { MaintenanceView } from "./maintenance-view.js";

export const REFRESH_S = 30;

const REFRESH_SCRIPT = `(()=>{const b=document.getElementById("refresh");let paused=sessionStorage.getItem("edge-pulse-paused")==="1",t;
const arm=()=>{clearTimeout(t);if(!paused)t=setTimeout(()=>location.reload(),${REFRESH_S * 1000})};
const show=()=>{b.textContent=paused?"Resume auto-refresh":"Pause auto-refresh";b.setAttribute("aria-pressed",String(paused))};
b.addEventListener("click",()=>{paused=!paused;sessionStorage.setItem("edge-pulse-paused",paused?"1":"0");show();arm()});show();arm()})();`;

function Summary(props: { o: Overview; overdueS: number }) {
  const { o } = props;
  const down = o.spaces.spaces.filter((s) => s.state === "down").length;
  const degraded = o.spaces.spaces.filter((s) => s.state === "degraded").length;
  const staleWorkers = o.pools.reduce((n, p) => n + p.snapshot.counts.workers.stale, 0);
  const tick = o.spaces.last_tick;
  const overdue = tick === null || o.now - Date.parse(tick.finished_at) > props.overdueS * 1000;
  const problems = [
    down > 0 ? `${down} Space${down === 1 ? "" : "s"} down` : null,
    degraded > 0 ? `${degraded} Space${degraded === 1 ? "" : "s"} degraded` : null,
    staleWorkers > 0 ? `${staleWorkers} worker${staleWorkers === 1 ? "" : "s"} stale` : null,
    overdue && tick !== null ? "the pinger is overdue" : null,
  ].filter((p): p is string => p !== null);
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

export function StatusPage(props: { o: Overview; title: string; overdueS: number }) {
  const { o } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style>{raw(PAGE_CSS)}</style>
      </head>
      <body>
        <main>
          <h1>{props.title}</h1>
          <Summary o={o} overdueS={props.overdueS} />
          {o.incidents.open.length > 0 && (
            <section id="incidents">
              <h2>Open incidents <small>{o.incidents.open.length}</small></h2>
              <ul class="incidents">
                {o.incidents.open.map((i) => (
                  <li>{i.title} <span class="meta">since {ago(new Date(i.opened_at).toISOString(), o.now)}</span></li>
                ))}
              </ul>
            </section>
          )}
          <MaintenanceView windows={o.spaces.maintenance} />
          <SpacesView data={o.spaces} now={o.now} />
          <PoolsView pools={o.pools} windows={o.spaces.maintenance} />
          <footer>
            edge-pulse · <a href="/metrics">metrics</a> · <a href="/docs">API docs</a>
          </footer>
        </main>
        <script>{raw(REFRESH_SCRIPT)}</script>
      </body>
    </html>
  );
}
