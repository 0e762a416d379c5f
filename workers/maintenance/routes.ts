// Maintenance windows (ADMIN_TOKEN, checked for every /v1/admin route in app.ts):
//   POST   /v1/admin/maintenance               add a window: subjects (Space ids, pool ids or "all"),
//                                              start and end or duration_s, optional weekly repeat, note
//   GET    /v1/admin/maintenance               windows in force or to come, and one-offs ended within a week
//   DELETE /v1/admin/maintenance/{window_id}   end a window now (alerts held by it open at once)
// Kept by the SpaceStore (shared/maintenance.ts says what a window covers). Overlapping
// windows are fine: a subject is in maintenance while any of them covers it.
import { Hono } from "hono";
import * as z from "zod";
import { MAX_WINDOWS, MaintenanceRequestSchema, toStored } from "../../shared/maintenance.js";
import { randomId } from "../auth/tokens.js";
import { parseJsonBody, valid } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { spaceStore as store } from "../objects.js";

export const maintenanceRoutes = new Hono<{ Bindings: Env }>();

const WindowId = z.string().regex(/^mw_[0-9a-f]{16}$/, "a window id looks like mw_ and 16 hex digits");

maintenanceRoutes.post("/v1/admin/maintenance", async (c) => {
  const request = await parseJsonBody(c, MaintenanceRequestSchema);
  const stored = toStored(randomId("mw"), request, Date.now());
  if (!stored.ok) throw new ApiError(400, "invalid_body", `${stored.field}: ${stored.message}; nothing was stored`, stored.field);
  const added = await store(c.env).addWindow(stored.value);
  if (added === null) throw new ApiError(409, "too_many_windows", `${MAX_WINDOWS} windows are kept already; delete one first`);
  return c.json(added, 201);
});

maintenanceRoutes.get("/v1/admin/maintenance", async (c) => c.json({ windows: await store(c.env).listWindows() }));

maintenanceRoutes.delete("/v1/admin/maintenance/:window_id", async (c) => {
  const id = valid(WindowId, c.req.param("window_id"), "invalid_id", "window_id");
  const removed = await store(c.env).removeWindow(id);
  if (removed === null) throw new ApiError(404, "not_found", `no maintenance window ${id}`, "window_id");
  return c.json(removed);
});
