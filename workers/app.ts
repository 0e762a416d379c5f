// The HTTP app: every feature router mounted, one error envelope (workers/http/errors.ts).
// Kept apart from index.ts so tests can list its routes against the OpenAPI operations.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requireAdmin } from "./auth/access.js";
import { ApiError, onError } from "./http/errors.js";
import { allowedMethods } from "./http/methods.js";
import { adminAlertRoutes } from "./alerts/admin-routes.js";
import { incidentRoutes } from "./alerts/incident-routes.js";
import { adminPoolRoutes } from "./pools/admin-routes.js";
import { poolRoutes } from "./pools/routes.js";
import { scheduleRoutes } from "./pools/schedule-routes.js";
import { streamRoutes } from "./pools/stream-routes.js";
import { adminSpaceRoutes } from "./spaces/admin-routes.js";
import { maintenanceRoutes } from "./maintenance/routes.js";
import { pingbackRoutes } from "./spaces/pingback-routes.js";
import { spaceRoutes } from "./spaces/routes.js";
import { statusRoutes } from "./status/routes.js";
import { detailRoutes } from "./status/detail-routes.js";
import { badgeRoutes } from "./status/badge-routes.js";
import { countRequest } from "./usage/worker-usage.js";
import { usageRoutes } from "./usage/routes.js";

export const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
// Every request counted by route family for the usage meter (workers/usage/).
app.use("*", countRequest);
app.notFound((c) => {
  const allowed = allowedMethods(app, c.req.path);
  if (allowed.length === 0) return c.json(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`).toBody(), 404);
  c.header("allow", allowed.join(", "));
  return c.json(new ApiError(405, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(", ")}`).toBody(), 405);
});

// What a queen's web UI on another origin reads (rbee: /health, /v1/info, the heartbeat
// stream); no cookies are involved, tokens travel in a header or as a read token in the URL.
const uiCors = cors({ origin: "*", allowMethods: ["GET"], allowHeaders: ["authorization", "last-event-id"], maxAge: 600 });
for (const path of ["/health", "/v1/info", "/v1/heartbeats/stream", "/v2/pools/:id/stream"]) app.use(path, uiCors);

// One guard for every admin route, whichever feature router serves it (a guard per router
// ran more than once: Hono applies a mounted router's middleware to the whole path).
app.use("/v1/admin/*", async (c, next) => {
  await requireAdmin(c);
  await next();
});
app.route("/", adminPoolRoutes);
app.route("/", adminSpaceRoutes);
app.route("/", adminAlertRoutes);
app.route("/", incidentRoutes);
app.route("/", maintenanceRoutes);
app.route("/", pingbackRoutes);
app.route("/", spaceRoutes);
app.route("/", statusRoutes);
app.route("/", detailRoutes);
app.route("/", badgeRoutes);
app.route("/", poolRoutes);
app.route("/", scheduleRoutes);
app.route("/", streamRoutes);
app.route("/", usageRoutes);
