// What people look at:
//   GET /          the status page (HTML), a page of Spaces at a time (?cursor= from its "next" link)
//   GET /metrics   Prometheus text format (?part=2.. for the Spaces past the first METRICS_PART)
// Both follow STATUS_PAGE (workers/status/access.ts), as does GET /v1/spaces.
import { Hono } from "hono";
import { html } from "hono/html";
import { MetricsQuerySchema, StatusPageQuerySchema } from "../../shared/api.js";
import { valid } from "../http/body.js";
import { readPingerSettings } from "../pinger/settings.js";
import { viewerOnly } from "./access.js";
import { renderMetrics } from "./metrics.js";
import { loadMetrics, loadOverview } from "./overview.js";
import { StatusPage } from "./page.js";

export const statusRoutes = new Hono<{ Bindings: Env }>();

statusRoutes.get("/", viewerOnly, async (c) => {
  const query = valid(StatusPageQuerySchema, c.req.query(), "invalid_query", "(query)");
  const o = await loadOverview(c.env, query.cursor ?? null);
  const settings = readPingerSettings(c.env);
  // The same rule as /v1/pinger/health: two tick intervals without a finished tick.
  const overdueS = 2 * (settings.ok ? settings.value.TICK_INTERVAL_S : 60);
  c.header("cache-control", "no-store");
  // The doctype keeps browsers out of quirks mode (JSX cannot write one).
  return c.html(html`<!doctype html>${<StatusPage o={o} title={c.env.STATUS_TITLE || "edge-pulse status"} overdueS={overdueS} token={query.token ?? null} />}`);
});

statusRoutes.get("/metrics", viewerOnly, async (c) => {
  const query = valid(MetricsQuerySchema, c.req.query(), "invalid_query", "(query)");
  const text = renderMetrics(await loadMetrics(c.env, query.part));
  return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
});
