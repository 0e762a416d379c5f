// edge-pulse Worker entry. Routes:
//   GET  /                                status page (HTML); GET /metrics (Prometheus) (workers/status/routes.tsx)
//   GET  /health                          {"status":"alive"} (seed Spaces ping back here)
//   POST /v1/heartbeat, /v2/pools/...     pool registry (workers/pools/routes.ts)
//   /v1/admin/pools/...                   pool admin API, ADMIN_TOKEN (workers/pools/admin-routes.ts)
//   /v1/admin/spaces                      the Space list in KV (workers/spaces/admin-routes.ts)
//   /v1/admin/alerts[/test]               alert settings, incidents, deliveries (workers/alerts/admin-routes.ts)
//   GET  /v1/spaces, /v1/pinger/health    the pinger's results and its watchdog (workers/spaces/routes.ts)
//   GET  /openapi.json, /docs             the API, generated from the zod schemas at build time
//                                         (workers/openapi/) and served as static files
// Cron: scheduled() (workers/scheduled.ts).
import { app } from "./app.js";
import { scheduled } from "./scheduled.js";
import { meteredEnv } from "./usage/worker-usage.js";

export { PoolRegistry } from "./pools/pool-registry.js";
export { PoolIndex } from "./pools/pool-index.js";
export { SpaceStore } from "./pinger/space-store.js";
export { PingShard } from "./pinger/shard.js";
export { Alerter } from "./alerts/alerter.js";

export default {
  // KV reads and writes of every route counted for the usage meter (workers/usage/).
  fetch: (request, env, ctx) => app.fetch(request, meteredEnv(env), ctx),
  scheduled,
} satisfies ExportedHandler<Env>;
