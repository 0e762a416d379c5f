// Durations in words for people (alerts, the status page): seconds under 90 s, minutes
// under 90 min, then hours with one decimal.
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A moment for people, to the minute: "2026-11-23 22:00 UTC" (from ms or an ISO string). */
export function utcMinute(at: number | string): string {
  const iso = typeof at === "number" ? new Date(at).toISOString() : at;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
