// Maintenance windows: a time when named Spaces and pools (or all of them) are expected to
// be down. Checks and heartbeats go on and are recorded, but nothing alerts, uptime leaves
// those checks out, and the status page shows the window and its note. One function decides
// whether a window covers an alert key at a moment (`covers`), for the Alerter and the
// pinger's uptime alike.
import * as z from "zod";
import { PoolIdSchema } from "./ids.js";

export const MAX_WINDOWS = 100;
const WEEK_MS = 7 * 86_400_000;

/** A Space's id as GET /v1/spaces shows it (a list id, or one derived from its URL). */
const SpaceRef = z.string().min(1).max(2_200);
const Iso = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-11-23T22:00:00Z" });

export const MaintenanceSubjectsSchema = z.union([
  z.literal("all").meta({ description: "Every Space and every pool" }),
  z
    .object({
      spaces: z.array(SpaceRef).max(500).optional().meta({ description: "Space ids as GET /v1/spaces shows them" }),
      pools: z.array(PoolIdSchema).max(100).optional(),
    })
    .strict()
    .refine((s) => (s.spaces?.length ?? 0) + (s.pools?.length ?? 0) > 0, { message: 'name at least one Space or pool, or use "all"' }),
]);

export const MaintenanceRequestSchema = z
  .object({
    subjects: MaintenanceSubjectsSchema,
    start: Iso.optional().meta({ description: "Default: now" }),
    end: Iso.optional().meta({ description: "Give end or duration_s" }),
    duration_s: z.number().int().min(60).max(30 * 86_400).optional(),
    repeat: z.enum(["weekly"]).optional().meta({ description: "Every week at the same time, until deleted (a weekly window lasts under 7 days)" }),
    note: z.string().max(500).default("").meta({ description: "Shown on the status page; never put secrets here" }),
  })
  .strict()
  .superRefine((w, cx) => {
    if ((w.end === undefined) === (w.duration_s === undefined)) cx.addIssue({ code: "custom", path: ["end"], message: "give end or duration_s (one of them)" });
    if (w.end !== undefined && w.start !== undefined && Date.parse(w.end) <= Date.parse(w.start)) cx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
    if (w.end !== undefined && w.start === undefined && Date.parse(w.end) <= Date.now()) cx.addIssue({ code: "custom", path: ["end"], message: "is in the past" });
  });
export type MaintenanceRequest = z.output<typeof MaintenanceRequestSchema>;

export const MaintenanceWindowSchema = z.object({
  id: z.string(),
  subjects: MaintenanceSubjectsSchema,
  start: z.string(),
  end: z.string().meta({ description: "End of the first (or only) occurrence" }),
  repeat: z.enum(["weekly"]).nullable(),
  note: z.string(),
  created_at: z.string(),
  active: z.boolean().meta({ description: "In force now" }),
  next: z.object({ start: z.string(), end: z.string() }).nullable().meta({ description: "The current or next occurrence; null once a one-off window has ended" }),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

export const MaintenanceListSchema = z.object({ windows: z.array(MaintenanceWindowSchema) });

/** What the stores keep: times in ms, the rest as given. */
export interface StoredWindow {
  id: string;
  subjects: "all" | { spaces?: string[]; pools?: string[] };
  start: number;
  end: number;
  repeat: "weekly" | null;
  note: string;
  created_at: number;
}

/** A request as stored (start defaults to now; a weekly window must be shorter than a week). */
export function toStored(id: string, r: MaintenanceRequest, now: number): { ok: true; value: StoredWindow } | { ok: false; field: string; message: string } {
  const start = r.start === undefined ? now : Date.parse(r.start);
  const end = r.end !== undefined ? Date.parse(r.end) : start + r.duration_s! * 1000;
  if (r.repeat === "weekly" && end - start >= WEEK_MS) return { ok: false, field: r.end !== undefined ? "end" : "duration_s", message: "a weekly window must last less than 7 days" };
  return { ok: true, value: { id, subjects: r.subjects, start, end, repeat: r.repeat ?? null, note: r.note, created_at: now } };
}

/** The occurrence in force at `at`, or the next one; null when a one-off has ended. */
export function occurrence(w: StoredWindow, at: number): { start: number; end: number } | null {
  if (w.repeat === null) return at < w.end ? { start: w.start, end: w.end } : null;
  if (at < w.start) return { start: w.start, end: w.end };
  const n = Math.floor((at - w.start) / WEEK_MS);
  const start = w.start + n * WEEK_MS;
  const end = start + (w.end - w.start);
  return at < end ? { start, end } : { start: start + WEEK_MS, end: end + WEEK_MS };
}

export function activeAt(w: StoredWindow, at: number): boolean {
  const o = occurrence(w, at);
  return o !== null && o.start <= at && at < o.end;
}

/**
 * Whether the window speaks for an alert key (space:<id>, worker:<pool>/<id>,
 * host:<pool>/<id>, pool:<id>). The pinger's own alerts (pinger, cron) are never silenced.
 */
export function namesKey(w: Pick<StoredWindow, "subjects">, key: string): boolean {
  const colon = key.indexOf(":");
  if (colon < 0) return false;
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === "space") return w.subjects === "all" || (w.subjects.spaces ?? []).includes(rest);
  if (kind === "pool" || kind === "worker" || kind === "host") {
    const pool = kind === "pool" ? rest : rest.slice(0, rest.indexOf("/"));
    return w.subjects === "all" || (w.subjects.pools ?? []).includes(pool);
  }
  return false;
}

/** The window in force over `key` at `at`, if any (the one ending last, when several overlap). */
export function covers(windows: StoredWindow[], key: string, at: number): { window: StoredWindow; until: number } | null {
  let best: { window: StoredWindow; until: number } | null = null;
  for (const w of windows) {
    if (!namesKey(w, key) || !activeAt(w, at)) continue;
    const until = occurrence(w, at)!.end;
    if (best === null || until > best.until) best = { window: w, until };
  }
  return best;
}

export function describeWindow(w: StoredWindow, now: number): MaintenanceWindow {
  const iso = (ms: number) => new Date(ms).toISOString();
  const next = occurrence(w, now);
  return {
    id: w.id,
    subjects: w.subjects,
    start: iso(w.start),
    end: iso(w.end),
    repeat: w.repeat,
    note: w.note,
    created_at: iso(w.created_at),
    active: activeAt(w, now),
    next: next === null ? null : { start: iso(next.start), end: iso(next.end) },
  };
}
