// The maintenance section of the status page: windows in force and to come, with their notes,
// so a Space down on purpose reads as planned. Subjects are ids the page shows anyway.
import type { MaintenanceWindow } from "../../shared/maintenance.js";

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function subjects(w: MaintenanceWindow): string {
  if (w.subjects === "all") return "all Spaces and pools";
  const parts = [...(w.subjects.spaces ?? []).map((s) => `Space ${s}`), ...(w.subjects.pools ?? []).map((p) => `pool ${p}`)];
  return parts.length > 4 ? `${parts.slice(0, 4).join(", ")} and ${parts.length - 4} more` : parts.join(", ");
}

export function MaintenanceView(props: { windows: MaintenanceWindow[]; now: number }) {
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
