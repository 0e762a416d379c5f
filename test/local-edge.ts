// globalSetup for the `node` project: one real local edge (`wrangler dev` with local KV and
// SQLite Durable Objects in a scratch folder) shared by the sidecar's end-to-end tests.
import type { TestProject } from "vitest/node";
import { startWrangler } from "../scripts/bench-lib.mjs";
import { TEST_ADMIN_TOKEN } from "./constants.js";

export default async function setup(project: TestProject) {
  // --test-scheduled: the e2e tests fire ticks through /cdn-cgi/handler/scheduled (the watch
  // alarm is off: test/e2e/stalled-cron.test.mjs runs its own edge). Two regions, so the page
  // shows per-region results and a degraded Space.
  const edge = await startWrangler({ port: 0, vars: { ADMIN_TOKEN: TEST_ADMIN_TOKEN, PING_BACKOFF_MS: "100", CRON_LATE_S: "0", PING_REGIONS: "enam,weur" }, args: ["--test-scheduled"] });
  project.provide("edgeUrl", edge.base);
  project.provide("adminToken", TEST_ADMIN_TOKEN);
  return async () => edge.stop();
}
