// edge-pulse Worker entry. Routes:
//   GET  /                                status page (HTML); GET /metrics (Prometheus) (workers/status/routes.tsx)
//   GET  /health                          {"status":"alive"} (seed Spaces ping back here)
//   POST /v1/heartbeat, /v2/pools/...     pool registry (workers/pools/routes.ts)
//   /v1/admin/pools/...                   pool admin API, ADMIN_TOKEN (workers/pools/admin-routes.ts)
//   /v1/admin/spaces                      the Space list in KV (workers/spaces/admin-routes.ts)
//   /v1/admin/alerts[/test]               alert settings, incidents, deliveries (workers/alerts/admin-routes.ts)
//   GET  /v1/spaces, /v1/pinger/health    the pinger's results and its watchdog (workers/spaces/routes.ts)
// Cron: scheduled() (workers/scheduled.ts).
import { Hono } from "hono";
import { ApiError, onError } from "./http/errors.js";
import { adminAlertRoutes } from "./alerts/admin-routes.js";
import { adminPoolRoutes } from "./pools/admin-routes.js";
import { poolRoutes } from "./pools/routes.js";
import { adminSpaceRoutes } from "./spaces/admin-routes.js";
import { spaceRoutes } from "./spaces/routes.js";
import { statusRoutes } from "./status/routes.js";
import { scheduled } from "./scheduled.js";

export { PoolRegistry } from "./pools/pool-registry.js";
export { PoolIndex } from "./pools/pool-index.js";
export { SpaceStore } from "./pinger/space-store.js";
export { PingShard } from "./pinger/shard.js";
export { Alerter } from "./alerts/alerter.js";

const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
app.notFound((c) => c.json(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`).toBody(), 404));

app.get("/health", (c) => c.json({ status: "alive" }));
app.route("/", adminPoolRoutes);
app.route("/", adminSpaceRoutes);
app.route("/", adminAlertRoutes);
app.route("/", spaceRoutes);
app.route("/", statusRoutes);
app.route("/", poolRoutes);

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
