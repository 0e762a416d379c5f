// With the Cron Trigger never firing, Spaces are still checked every interval: a real local
// edge (wrangler dev without --test-scheduled, so nothing can fire a scheduled event) gets a
// Space list through the admin API, and the SpaceStore's own alarm runs the ticks. It also
// says so: /v1/pinger/health answers cron_late, and one "cron late" incident opens.
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWrangler } from "../../scripts/bench-lib.mjs";

const ADMIN = "stalled-cron-admin-token-0123456789";
let edge;
let space;
const checks = [];

beforeAll(async () => {
  space = createServer((req, res) => {
    checks.push({ at: Date.now(), run: req.headers["x-edge-pulse-run"] });
    res.end("ok");
  });
  await new Promise((r) => space.listen(0, "127.0.0.1", r));
  // CRON_LATE_S=20: the alarm steps in 20 s after the list arrives instead of two minutes.
  edge = await startWrangler({ vars: { ADMIN_TOKEN: ADMIN, CRON_LATE_S: "20", PING_BACKOFF_MS: "100" } });
}, 90_000);

afterAll(async () => {
  await edge?.stop();
  await new Promise((r) => space.close(r));
});

const get = async (path, token) => (await fetch(`${edge.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).json();

describe("a Cron Trigger that never fires", () => {
  it("does not stop the checks: the pinger's alarm ticks every interval and says the cron is late", { timeout: 150_000 }, async () => {
    const put = await fetch(`${edge.base}/v1/admin/spaces`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify([{ id: "unattended", url: `http://127.0.0.1:${space.address().port}/`, interval_s: 60 }]),
    });
    expect(put.status).toBe(200);
    const started = Date.now();
    // First check within late + slack (25 s) of the list; the next one interval later.
    while (checks.length < 2 && Date.now() - started < 140_000) await new Promise((r) => setTimeout(r, 1000));
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks[0].at - started).toBeLessThan(40_000);
    // A new Space is checked at once, then once per 60 s slot (its slot boundary can come soon
    // after the first check, so the gap is at most about one interval plus the alarm's slack).
    expect(checks[1].at - checks[0].at).toBeLessThan(100_000);
    expect(new Set(checks.map((c) => c.run)).size).toBe(checks.length); // one check per tick
    const health = await get("/v1/pinger/health");
    expect(health).toMatchObject({ status: "cron_late", last_tick: { source: "alarm" }, cron: { late_after_s: 20 } });
    expect(health.cron.late_since).not.toBeNull();
    const report = await get("/v1/spaces");
    expect(report.spaces[0]).toMatchObject({ id: "unattended", state: "up", checks: { "24h": 2 } });
    // The Alerter groups for 10 s before it opens the incident.
    let alerts;
    for (let i = 0; i < 20; i++) {
      alerts = await get("/v1/admin/alerts", ADMIN);
      if (alerts.open.some((o) => o.key === "cron")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(alerts.open.filter((o) => o.key === "cron")).toEqual([expect.objectContaining({ subject: "pinger", title: "The Cron Trigger is late: the pinger's own alarm is running the checks" })]);
  });
});
