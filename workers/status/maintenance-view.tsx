// The maintenance section of the status page (windows in force and to come, with their notes,
// so a Space down on purpose reads as planned) and the note a Space's or pool's card carries
// while one covers it. Subjects are ids the page shows anyway.
import { utcMinute as when } from "../../shared/duration.js";
import { namesKey, type MaintenanceWindow } from "../../shared/maintenance.js";

/** On a card: until when, the window's note, and what it means for this kind of subject. */
export function MaintenanceNote(props: { until: string; note: string; meaning: string }) {
  return (
    <p class="maint">
      In maintenance until {when(props.until)}
      {props.note !== "" ? `: ${props.note}` : ""}. {props.meaning}
    </p>
  );
}

/** A pool card's note while a window covers the pool. */
export function PoolMaintenance(props: { windows: MaintenanceWindow[]; poolId: string }) {
  const w = props.windows.find((x) => x.active && namesKey(x, `pool:${props.poolId}`));
  return w === undefined ? null : <MaintenanceNote until={w.next!.end} note={w.note} meaning="Stale hosts and workers alert nothing." />;
}

function subjects(w: MaintenanceWindow): string {
  if (w.subjects === "all") return "all Spaces and pools";
  const parts = [...(w.subjects.spaces ?? []).map((s) => `Space ${s}`), ...(w.subjects.pools ?? []).map((p) => `pool ${p}`)];
  return parts.length > 4 ? `${parts.slice(0, 4).join(", ")} and ${parts.length - 4} more` : parts.join(", ");
}

export function MaintenanceView(props: { windows: MaintenanceWindow[] }) {
  // Ended one-offs stay in the API for a week; the page shows what is on or to come.
  const shown = props.windows.filter((w) => w.next !== null);
  if (shown.length === 0) return null;
  return (
    <section id="maintenance">
      <h2>Maintenance <small>{shown.length}</small></h2>
      <ul class="windows">
        {shown.map((w) => (
          <li>
            <span class={`pill ${w.active ? "maintenance" : ""}`}>{w.active ? "now" : "planned"}</span> {subjects(w)}: {w.active ? `until ${when(w.next!.end)}` : `${when(w.next!.start)} to ${when(w.next!.end)}`}
            {w.repeat === "weekly" ? " (every week)" : ""}
            {w.note !== "" ? ` – ${w.note}` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}
