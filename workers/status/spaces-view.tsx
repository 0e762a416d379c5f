// The Spaces section of the status page: state, latency (a 24 h chart), HF stage and uptime
// bars per Space, under their groups; each name links to the Space's detail page.
// Shows each Space's name and host, never its URL (a URL may carry a token in its query).
import { hostOf } from "../../shared/public-url.js";
import type { SpaceStatusBody } from "../pinger/report.js";
import { cardedSpaces, type CardBars, type SpacesOverview } from "../pinger/overview.js";
import type { HourLatency, Window } from "../pinger/history.js";
import { UptimeBars } from "./bars.js";
import { LatencyChart } from "./charts.js";
import { MaintenanceNote } from "./maintenance-view.js";
import { formatDuration } from "../../shared/duration.js";
import { FULL_CARDS } from "./limits.js";
import { publicText } from "./public-text.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function ago(iso: string | null, now: number): string {
  return iso === null ? "never" : `${formatDuration((now - Date.parse(iso)) / 1000)} ago`;
}

/** The Space's detail page (ids derived from URLs hold slashes: encoded as one path segment). */
export const spaceHref = (id: string) => `/spaces/${encodeURIComponent(id)}`;

export const percent = (r: number | null) => (r === null ? "–" : `${(r * 100).toFixed(r === 1 ? 0 : 2)}%`);

/** Each region's latest check, home first (only with PING_REGIONS). */
export function Regions(props: { s: SpaceStatusBody; now: number }) {
  if (props.s.regions.length === 0) return null;
  return (
    <p class="regions meta">
      {props.s.regions.map((r, i) => (
        <span>
          {i > 0 ? " · " : ""}
          <b>{r.region}</b>
          {r.home ? " (home)" : ""}: {r.outcome}
          {r.latency_ms !== null ? `, ${r.latency_ms} ms` : ""}, {ago(r.at, props.now)}
        </span>
      ))}
    </p>
  );
}

/** What a Space's card and its page both say under the heading: HF stage, maintenance, error, regions, ping-back. */
export function SpaceNotes(props: { s: SpaceStatusBody; now: number }) {
  const { s, now } = props;
  return (
    <>
      {s.hf !== null && s.hf.stage !== null && <p class="hf">HF stage: <b>{s.hf.stage}</b>{s.hf.message !== null ? ` – ${s.hf.message}` : ""}</p>}
      {s.maintenance !== null && <MaintenanceNote until={s.maintenance.until} note={s.maintenance.note} meaning="Checks go on; no alerts, and uptime leaves them out." />}
      {s.state !== "up" && s.last_error !== null && <p class="error">{publicText(s.last_error.message)}</p>}
      <Regions s={s} now={now} />
      {s.pingback.expected && <p class="meta">Ping-back from the app: {ago(s.pingback.last_at, now)}</p>}
    </>
  );
}

/**
 * The bars' cell names ("13:00", "11-21"), made once an hour or a day, not per cell: a page of
 * 60 cards names 13,680 cells, and a Date to string each was most of its render (bench:limits).
 */
const names = { hour: -1, hours: [] as string[], day: -1, days: [] as string[] };
function hourLabels(hourStart: number): string[] {
  if (names.hour !== hourStart) {
    names.hours = Array.from({ length: 24 }, (_, i) => `${new Date(hourStart - (23 - i) * HOUR_MS).toISOString().slice(11, 13)}:00`);
    names.hour = hourStart;
  }
  return names.hours;
}
function dayLabels(dayStart: number): string[] {
  if (names.day !== dayStart) {
    names.days = Array.from({ length: 90 }, (_, i) => new Date(dayStart - (89 - i) * DAY_MS).toISOString().slice(5, 10));
    names.day = dayStart;
  }
  return names.days;
}

const WINDOW_NAMES = { "24h": "24 h", "7d": "7 d", "30d": "30 d", "90d": "90 d" } as const;

/** Uptime figures, then the 24 hourly and 90 daily bars (a card shows 24 h, 7 d and 90 d; a Space's page adds 30 d). */
export function SpaceUptime(props: { s: SpaceStatusBody; windows: (keyof typeof WINDOW_NAMES)[]; hours: Window[]; days: Window[]; now: number; chart?: HourLatency[] }) {
  const { s, now } = props;
  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const last = props.windows[props.windows.length - 1];
  return (
    <>
      <div class="uptime">
        {/* How many checks each figure rests on, so 100% of two checks does not read as 90 days of proof. */}
        {props.windows.map((w) => (
          <span>{WINDOW_NAMES[w]} <b>{percent(s.uptime[w])}</b> <small>of {s.checks[w]}{w === last ? " checks" : ""}</small></span>
        ))}
        <span class="since">{s.monitoring_since === null ? "not checked yet" : `monitoring since ${s.monitoring_since}`}</span>
      </div>
      {props.chart !== undefined && props.chart.some((h) => h.checks > 0) && <LatencyChart hours={props.chart} />}
      <UptimeBars kind="hours" cells={props.hours} label={(i) => hourLabels(hourStart)[i]!} />
      <UptimeBars kind="days" cells={props.days} label={(i) => dayLabels(dayStart)[i]!} />
      <div class="bars-caption"><span>90 days ago</span><span>today</span></div>
    </>
  );
}

function SpaceCard(props: { s: SpaceStatusBody; bars: CardBars | undefined; now: number; grouped: boolean }) {
  const { s, bars, now } = props;
  const Name = props.grouped ? "h4" : "h3";
  return (
    <article class="card space" data-state={s.state}>
      <header>
        <span class={`pill ${s.state}`}>{s.state}</span>
        {s.maintenance !== null && <span class="pill maintenance">maintenance</span>}
        <Name class="name"><a href={spaceHref(s.id)}>{s.name}</a></Name>
        <span class="meta">
          {hostOf(s.url)} · {s.last_check?.latency_ms != null ? `${s.last_check.latency_ms} ms` : "–"} · checked {ago(s.last_check?.at ?? null, now)}
        </span>
      </header>
      <SpaceNotes s={s} now={now} />
      <SpaceUptime s={s} windows={["24h", "7d", "90d"]} hours={bars?.hours ?? []} days={bars?.days ?? []} now={now} chart={bars?.latency} />
    </article>
  );
}

/** Spaces by their list's `group`, in the order groups first appear; those without one last, as "Other". */
export function byGroup<T extends { group: string | null }>(all: T[]): [string | null, T[]][] {
  const groups = new Map<string | null, T[]>();
  for (const s of all) {
    const list = groups.get(s.group ?? null);
    if (list === undefined) groups.set(s.group ?? null, [s]);
    else list.push(s);
  }
  const other = groups.get(null);
  groups.delete(null);
  return [...groups, ...(other === undefined ? [] : [[null, other] as [null, T[]]])];
}

function CompactRows(props: { rows: SpaceStatusBody[] }) {
  if (props.rows.length === 0) return null;
  return (
    <table class="compact">
      <thead><tr><th>Space</th><th>state</th><th>latency</th><th>24 h</th><th>90 d</th></tr></thead>
      <tbody>
        {props.rows.map((s) => (
          <tr data-state={s.state}>
            <td><a href={spaceHref(s.id)}>{s.name}</a> <small class="muted">{hostOf(s.url)}</small></td>
            <td><span class={`pill ${s.state}`}>{s.state}</span>{s.maintenance !== null && <span class="pill maintenance">maintenance</span>}</td>
            <td>{s.last_check?.latency_ms != null ? `${s.last_check.latency_ms} ms` : "–"}</td>
            <td>{percent(s.uptime["24h"])}</td>
            <td>{percent(s.uptime["90d"])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where the next page of Spaces is (a private page keeps its ?token= on the link). */
function Pager(props: { data: SpacesOverview; token: string | null }) {
  const { page, spaces } = props.data;
  if (page.next_cursor === null && spaces.length === page.total) return null;
  const q = (cursor: string) => `?${new URLSearchParams({ cursor, ...(props.token === null ? {} : { token: props.token }) }).toString()}`;
  return (
    <nav class="pager" aria-label="More Spaces">
      <span class="meta">{spaces.length} of {page.total} shown, problems first</span>
      {" · "}
      <a href="/">first page</a>
      {page.next_cursor !== null && (
        <>
          {" · "}
          <a href={q(page.next_cursor)} rel="next">next {page.limit}</a>
        </>
      )}
    </nav>
  );
}

export function SpacesView(props: { data: SpacesOverview; now: number; token?: string | null }) {
  const { data, now } = props;
  const all = data.spaces;
  // A long list puts its problems first and keeps the page small (bars cost ~4 KB a Space).
  const carded = new Set(cardedSpaces(all, FULL_CARDS).map((s) => s.id));
  const groups = byGroup(all);
  const grouped = groups.some(([g]) => g !== null);
  const body = (list: SpaceStatusBody[]) => (
    <>
      {list.filter((s) => carded.has(s.id)).map((s) => <SpaceCard s={s} bars={data.bars[s.id]} now={now} grouped={grouped} />)}
      <CompactRows rows={list.filter((s) => !carded.has(s.id))} />
    </>
  );
  return (
    <section id="spaces">
      <h2>Spaces <small>{data.page?.total ?? all.length}</small></h2>
      {all.length === 0 && <p class="muted">No Spaces listed yet. Put a list in KV (key "spaces") or PUT /v1/admin/spaces.</p>}
      {grouped
        ? groups.map(([group, list]) => {
            const bad = list.filter((s) => s.state === "down" || s.state === "degraded").length;
            return (
              <div class="group">
                <h3 class="group-name">{group ?? "Other"} <small>{list.length}{bad > 0 ? ` · ${bad} not up` : ""}</small></h3>
                {body(list)}
              </div>
            );
          })
        : body(all)}
      {data.page !== undefined && <Pager data={data} token={props.token ?? null} />}
      {data.list?.invalid > 0 && <p class="muted">{data.list.invalid} entries of the Space list could not be used (see GET /v1/spaces).</p>}
    </section>
  );
}
