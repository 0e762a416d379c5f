// What people add to what the checks found (ADMIN_TOKEN, checked for every /v1/admin route in app.ts):
//   POST   /v1/admin/incidents/{id}/notes          a note on an open or closed incident: shown on the
//                                                  page and sent to every alert target as an update
//   POST   /v1/admin/announcements                 a banner on the status pages until it expires
//   GET    /v1/admin/announcements                 those not expired (active or to come)
//   DELETE /v1/admin/announcements/{announcement_id}  take one down now
import { Hono } from "hono";
import * as z from "zod";
import { AnnouncementIdSchema, AnnouncementRequestSchema, MAX_ANNOUNCEMENTS, toStoredAnnouncement } from "../../shared/announcements.js";
import { IncidentNoteRequestSchema } from "../../shared/api.js";
import { randomId } from "../auth/tokens.js";
import { parseJsonBody, valid } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { alerter } from "../objects.js";

export const incidentRoutes = new Hono<{ Bindings: Env }>();

const IncidentId = z.coerce.number({ error: "an incident number, as GET /v1/admin/alerts shows it" }).int().min(1).max(Number.MAX_SAFE_INTEGER);

incidentRoutes.post("/v1/admin/incidents/:id/notes", async (c) => {
  const id = valid(IncidentId, c.req.param("id"), "invalid_id", "id");
  const { text } = await parseJsonBody(c, IncidentNoteRequestSchema);
  const incident = await alerter(c.env).addNote(id, text);
  if (incident === null) throw new ApiError(404, "not_found", `no incident ${id} (closed ones are kept 90 days)`, "id");
  return c.json(incident, 201);
});

incidentRoutes.post("/v1/admin/announcements", async (c) => {
  const request = await parseJsonBody(c, AnnouncementRequestSchema);
  const added = await alerter(c.env).addAnnouncement(toStoredAnnouncement(randomId("an"), request, Date.now()));
  if (added === null) throw new ApiError(409, "too_many_announcements", `${MAX_ANNOUNCEMENTS} announcements are kept already; delete one first`);
  return c.json(added, 201);
});

incidentRoutes.get("/v1/admin/announcements", async (c) => c.json({ announcements: await alerter(c.env).listAnnouncements() }));

incidentRoutes.delete("/v1/admin/announcements/:announcement_id", async (c) => {
  const id = valid(AnnouncementIdSchema, c.req.param("announcement_id"), "invalid_id", "announcement_id");
  const removed = await alerter(c.env).removeAnnouncement(id);
  if (removed === null) throw new ApiError(404, "not_found", `no announcement ${id}`, "announcement_id");
  return c.json(removed);
});
