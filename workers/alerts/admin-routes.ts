// Admin endpoints for alerts (ADMIN_TOKEN, checked for every /v1/admin route in app.ts):
//   PUT  /v1/admin/alerts        validate and store the settings in KV (key `alerts`); 400 names the field
//   GET  /v1/admin/alerts        settings in force (targets by type, name and host; URLs never shown),
//                                open and recent incidents, the outbox and recent deliveries
//   POST /v1/admin/alerts/test   send a test message to every target
import { Hono } from "hono";
import * as z from "zod";
import { ALERTS_KEY } from "../../shared/alerts.js";
import { parseJsonBody } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { alerter } from "../objects.js";
import { parseAlertConfig } from "./config.js";

export const adminAlertRoutes = new Hono<{ Bindings: Env }>();


adminAlertRoutes.put("/v1/admin/alerts", async (c) => {
  const raw = await parseJsonBody(c, z.record(z.string(), z.unknown(), { error: "the alert settings must be a JSON object" }));
  const parsed = parseAlertConfig(raw);
  if (!parsed.ok) throw new ApiError(400, parsed.error.code, `${parsed.error.message}; nothing was stored`, parsed.error.field, parsed.error.issues);
  await c.env.SPACES.put(ALERTS_KEY, JSON.stringify(raw));
  // The Alerter reads the new text now rather than at its next alarm.
  const status = await alerter(c.env).status();
  return c.json({ stored: true, config: status.config });
});

adminAlertRoutes.get("/v1/admin/alerts", async (c) => c.json(await alerter(c.env).status()));

adminAlertRoutes.post("/v1/admin/alerts/test", async (c) => c.json({ queued: (await alerter(c.env).sendTest()).targets }));
