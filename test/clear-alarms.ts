// Edge project setup: after every test, delete the alarms of the pinger, the Alerter and every
// pool. Alarms ignore isolated storage and outlive a test (a known issue of the Workers Vitest
// integration); one left set on a pinned clock fires on the real one into a later file's test,
// and a run of vitest can then never end. A test that needs an alarm runs it itself.
import { afterEach } from "vitest";
import { clearPingerAlarms } from "./helpers.js";
import { env } from "cloudflare:workers";
import { poolIndex } from "../workers/objects.js";

afterEach(async () => {
  await clearPingerAlarms(...(await poolIndex(env).list()));
});
