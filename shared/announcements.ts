// Announcements: a banner on the status page (and its detail pages) until it expires, for
// what checks cannot say ("we are moving to new GPUs tonight"). Set with
// POST /v1/admin/announcements; kept by the Alerter beside the incidents they often explain.
import * as z from "zod";

export const MAX_ANNOUNCEMENTS = 50;
const DAY_S = 86_400;
const Iso = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-11-23T22:00:00Z" });

export const AnnouncementRequestSchema = z
  .object({
    text: z.string().trim().min(1).max(500).meta({ description: "Shown as it is (plain text); never put secrets here" }),
    level: z.enum(["info", "warning", "critical"]).default("info"),
    starts_at: Iso.optional().meta({ description: "Default: now" }),
    expires_at: Iso.optional().meta({ description: "Give expires_at or duration_s; default: 24 hours after starts_at" }),
    duration_s: z.number().int().min(60).max(90 * DAY_S).optional(),
  })
  .strict()
  .superRefine((a, cx) => {
    if (a.expires_at !== undefined && a.duration_s !== undefined) cx.addIssue({ code: "custom", path: ["expires_at"], message: "give expires_at or duration_s, not both" });
    const start = a.starts_at === undefined ? Date.now() : Date.parse(a.starts_at);
    if (a.expires_at !== undefined && Date.parse(a.expires_at) <= Math.max(start, Date.now())) cx.addIssue({ code: "custom", path: ["expires_at"], message: "must be later than now and than starts_at" });
    if (a.expires_at !== undefined && Date.parse(a.expires_at) - start > 90 * DAY_S * 1000) cx.addIssue({ code: "custom", path: ["expires_at"], message: "at most 90 days after starts_at" });
  });
export type AnnouncementRequest = z.output<typeof AnnouncementRequestSchema>;

export const AnnouncementSchema = z.object({
  id: z.string().meta({ description: "an_ and 16 hex digits" }),
  text: z.string(),
  level: z.enum(["info", "warning", "critical"]),
  starts_at: z.string(),
  expires_at: z.string(),
  created_at: z.string(),
  active: z.boolean().meta({ description: "Shown now (started and not expired)" }),
});
export type Announcement = z.infer<typeof AnnouncementSchema>;

export const AnnouncementListSchema = z.object({ announcements: z.array(AnnouncementSchema) });

export const AnnouncementIdSchema = z.string().regex(/^an_[0-9a-f]{16}$/, "an announcement id looks like an_ and 16 hex digits");

/** The stored form: times in ms. */
export interface StoredAnnouncement {
  id: string;
  text: string;
  level: Announcement["level"];
  starts_at: number;
  expires_at: number;
  created_at: number;
}

export function toStoredAnnouncement(id: string, a: AnnouncementRequest, now: number): StoredAnnouncement {
  const start = a.starts_at === undefined ? now : Date.parse(a.starts_at);
  const end = a.expires_at !== undefined ? Date.parse(a.expires_at) : start + (a.duration_s ?? DAY_S) * 1000;
  return { id, text: a.text, level: a.level, starts_at: start, expires_at: end, created_at: now };
}

export function describeAnnouncement(a: StoredAnnouncement, now: number): Announcement {
  const iso = (ms: number) => new Date(ms).toISOString();
  return { id: a.id, text: a.text, level: a.level, starts_at: iso(a.starts_at), expires_at: iso(a.expires_at), created_at: iso(a.created_at), active: a.starts_at <= now && now < a.expires_at };
}
