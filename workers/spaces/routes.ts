// Read endpoints of the pinger (/v1/spaces follows STATUS_PAGE, like the status page):
//   GET /v1/spaces          a page of Spaces (?limit=&cursor=, problems first): state, last check, latency,
//                           uptime, last error, HF stage; counts by state; config errors
//   GET /v1/pinger/health   200 while ticks complete (status cron_late while the pinger's own
//                           alarm runs them); 503 when none has for two intervals (for an outside monitor)
import { Hono } from "hono";
import { SpacesQuerySchema } from "../../shared/api.js";
import { valid } from "../http/body.js";
import { cronLateMs, readPingerSettings } from "../pinger/settings.js";
import { spaceStore as store } from "../objects.js";
import { viewerOnly } from "../status/access.js";

export const spaceRoutes = new Hono<{ Bindings: Env }>();

// The store answers the page as the JSON a viewer gets (redacted there): passed on untouched.
spaceRoutes.get("/v1/spaces", viewerOnly, async (c) => {
  const query = valid(SpacesQuerySchema, c.req.query(), "invalid_query", "(query)");
  return c.body(await store(c.env).report(query.limit, query.cursor ?? null), 200, { "content-type": "application/json; charset=utf-8" });
});

spaceRoutes.get("/v1/pinger/health", async (c) => {
  const settings = readPingerSettings(c.env);
  const health = await store(c.env).health();
  const now = Date.now();
  if (!settings.ok) {
    return c.json({ status: "misconfigured", error: settings.error, last_tick: health.last_tick }, 503);
  }
  const intervalS = settings.value.TICK_INTERVAL_S;
  const last = health.last_tick;
  const ageS = last === null ? null : Math.round((now - Date.parse(last.finished_at)) / 1000);
  const overdue = ageS === null || ageS > 2 * intervalS;
  const late = health.cron_late_since !== null;
  const body = {
    status: overdue ? "overdue" : late ? "cron_late" : "ok",
    message:
      last === null
        ? "no tick has completed yet"
        : overdue
          ? `no tick has completed for ${ageS} s (allowed: ${2 * intervalS} s)`
          : late
            ? `the Cron Trigger has not fired since ${health.cron_late_since}; the pinger's own alarm runs the ticks (last completed ${ageS} s ago)`
            : `last tick completed ${ageS} s ago`,
    tick_interval_s: intervalS,
    last_tick_age_s: ageS,
    last_tick: last,
    cron: { late_since: health.cron_late_since, late_after_s: cronLateMs(settings.value) / 1000, watch_alarm_at: health.watch_alarm_at },
  };
  return c.json(body, overdue ? 503 : 200);
});
