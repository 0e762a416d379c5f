// Incidents on the status pages: those open now and the history of closed ones (the last 90
// days, with how long each lasted), each with the notes people added
// (POST /v1/admin/incidents/{id}/notes). Titles name Spaces and hosts, never URLs.
import { formatDuration, utcMinute } from "../../shared/duration.js";
import type { ClosedIncident, Incident } from "../alerts/incidents.js";
import { publicText } from "./public-text.js";

function Notes(props: { notes: { at: number; text: string }[] }) {
  if (props.notes.length === 0) return null;
  return (
    <ul class="notes">
      {props.notes.map((n) => (
        <li>
          <span class="meta">{utcMinute(n.at)}</span> {publicText(n.text)}
        </li>
      ))}
    </ul>
  );
}

export function OpenIncidents(props: { open: Incident[]; now: number }) {
  if (props.open.length === 0) return null;
  return (
    <section id="incidents">
      <h2>Open incidents <small>{props.open.length}</small></h2>
      <ul class="incidents">
        {props.open.map((i) => (
          <li>
            {i.title} <span class="meta">#{i.id} · since {utcMinute(i.opened_at)} ({formatDuration((props.now - i.opened_at) / 1000)})</span>
            {i.detail !== null && <div class="meta">{publicText(i.detail)}</div>}
            <Notes notes={i.notes} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `total`: how many closed incidents are kept, so a cut list says what it leaves out. */
export function IncidentHistory(props: { recent: ClosedIncident[]; total?: number; heading?: string }) {
  const { recent } = props;
  return (
    <section id="history">
      <h2>{props.heading ?? "Incident history"} <small>last 90 days</small></h2>
      {recent.length === 0 ? (
        <p class="muted">No incidents in the last 90 days.</p>
      ) : (
        <ul class="incidents history">
          {recent.map((i) => (
            <li>
              {i.title} <span class="meta">#{i.id} · {utcMinute(i.opened_at)}, lasted {formatDuration((i.closed_at - i.opened_at) / 1000)} · {i.how}</span>
              <Notes notes={i.notes} />
            </li>
          ))}
        </ul>
      )}
      {props.total !== undefined && props.total > recent.length && <p class="muted">Showing the latest {recent.length} of {props.total}; GET /v1/admin/alerts and the detail pages list more.</p>}
    </section>
  );
}
