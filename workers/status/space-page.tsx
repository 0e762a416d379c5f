// A Space's own page (/spaces/{id}): its state, each region's latest check, the latency chart
// of the last 24 hours, the uptime bars with their counts, the last 50 checks as they were,
// the Hugging Face stages read, and the Space's incidents. Like the main page it shows the
// Space's name and host, never its URL, and error texts with URLs taken out.
import { hostOf } from "../../shared/public-url.js";
import { formatDuration, utcMinute } from "../../shared/duration.js";
import type { PageIncidents } from "../alerts/incidents.js";
import type { LoggedCheck } from "../pinger/check-log.js";
import type { SpaceDetail } from "../pinger/space-detail.js";
import { LatencyChart } from "./charts.js";
import { IncidentHistory, OpenIncidents } from "./incidents-view.js";
import { Layout, type Tone } from "./layout.js";
import { publicText } from "./public-text.js";
import { ago, SpaceNotes, SpaceUptime } from "./spaces-view.js";

/** The Hugging Face stages the checks read, oldest first, a repeat of the same stage left out. */
export function stageHistory(checks: LoggedCheck[]): { at: number; stage: string }[] {
  const out: { at: number; stage: string }[] = [];
  for (const c of [...checks].reverse()) if (c[5] !== null && out[out.length - 1]?.stage !== c[5]) out.push({ at: c[0], stage: c[5] });
  return out;
}

function CheckRows(props: { checks: LoggedCheck[] }) {
  return (
    <table class="compact checks">
      <caption class="muted">The last {props.checks.length} checks, newest first</caption>
      <thead><tr><th scope="col">time (UTC)</th><th scope="col">outcome</th><th scope="col">status</th><th scope="col">latency</th><th scope="col">error</th></tr></thead>
      <tbody>
        {props.checks.map(([at, outcome, status, latency, error, , maint]) => (
          <tr data-state={outcome}>
            <td>{new Date(at).toISOString().slice(5, 19).replace("T", " ")}</td>
            <td><span class={`pill ${outcome}`}>{outcome}</span>{maint === 1 && <span class="pill maintenance">maintenance</span>}</td>
            <td>{status ?? "–"}</td>
            <td>{latency === null ? "–" : `${latency} ms`}</td>
            <td class="error-cell">{publicText(error) ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpacePage(props: { d: SpaceDetail; incidents: PageIncidents; title: string; now: number }) {
  const { d, incidents, now } = props;
  const s = d.space;
  const tone: Tone = s.state === "down" ? "bad" : s.state === "degraded" || s.state === "waking" ? "warn" : "ok";
  const stages = stageHistory(d.checks);
  const heading = (
    <>
      <p class="crumbs"><a href="/">{props.title}</a> › Spaces</p>
      <h1>{s.name} <span class={`pill ${s.state}`}>{s.state}</span>{s.maintenance !== null && <span class="pill maintenance">maintenance</span>}</h1>
    </>
  );
  return (
    <Layout title={`${s.name} · ${props.title}`} heading={heading} tone={tone} problems={s.state === "up" || s.state === "unknown" ? [] : [s.state]} announcements={incidents.announcements}>
      <div class="summary" id="summary">
        <span class="meta">
          {hostOf(s.url)}{s.group !== null ? ` · group ${s.group}` : ""} · every {formatDuration(s.interval_s)}{s.critical ? " · critical" : ""} · {s.since === null ? "" : `${s.state} since ${utcMinute(s.since)} · `}checked {ago(s.last_check?.at ?? null, now)} · next check {utcMinute(s.next_check_at)}
        </span>
        <button class="refresh" type="button" id="refresh" aria-pressed="false">Pause auto-refresh</button>
      </div>
      <SpaceNotes s={s} now={now} />
      <OpenIncidents open={incidents.open} now={now} />

      <section id="latency">
        <h2>Response time <small>last 24 hours, per hour</small></h2>
        <LatencyChart hours={d.hours} large />
        <p class="legend meta"><span class="key p50" /> median <span class="key max" /> slowest <span class="key fail" /> hour with failed checks</p>
      </section>

      <section id="uptime">
        <h2>Uptime</h2>
        <SpaceUptime s={s} windows={["24h", "7d", "30d", "90d"]} hours={d.hour_bars} days={d.days} now={now} />
      </section>

      <section id="checks">
        <h2>Checks</h2>
        {d.checks.length === 0 ? <p class="muted">No checks in the last two days.</p> : <CheckRows checks={d.checks} />}
      </section>

      {s.hf !== null && (
        <section id="stages">
          <h2>Hugging Face stages <small>read when a check failed</small></h2>
          {stages.length === 0 ? (
            <p class="muted">No stage read in the last two days.</p>
          ) : (
            <ul class="stages">
              {stages.map((x) => <li><span class="meta">{utcMinute(x.at)}</span> {x.stage}</li>)}
            </ul>
          )}
        </section>
      )}
      <IncidentHistory recent={incidents.recent} heading="Incidents" />
    </Layout>
  );
}

/** What /spaces/{id} and /pools/{id} answer for an id nobody knows (a page, not JSON). */
export function NotFoundPage(props: { what: string; title: string }) {
  return (
    <Layout title={props.title} heading={<h1>Not found</h1>} tone="ok" problems={[]} announcements={[]}>
      <p>{props.what} <a href="/">Back to the status page</a>.</p>
    </Layout>
  );
}
