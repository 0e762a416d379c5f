// What people look at:
//   GET /          the status page (HTML)
//   GET /metrics   Prometheus text format
// Both follow STATUS_PAGE (workers/status/access.ts), as does GET /v1/spaces.
import { Hono } from "hono";
import { html } from "hono/html";
import { readPingerSettings } from "../pinger/settings.js";
import { viewerOnly } from "./access.js";
import { renderMetrics } from "./metrics.js";
import { loadOverview } from "./overview.js";
import { StatusPage } from "./page.js";

export const statusRoutes = new Hono<{ Bindings: Env }>();

statusRoutes.get("/", viewerOnly, async (c) => {
  const o = await loadOverview(c.env, true);
  const settings = readPingerSettings(c.env);
  // The same rule as /v1/pinger/health: two tick intervals without a finished tick.
  const overdueS = 2 * (settings.ok ? settings.value.TICK_INTERVAL_S : 60);
  c.header("cache-control", "no-store");
  // The doctype keeps browsers out of quirks mode (JSX cannot write one).
  return c.html(html`<!doctype html>${<StatusPage o={o} title={c.env.STATUS_TITLE || "edge-pulse status"} overdueS={overdueS} />}`);
});

statusRoutes.get("/metrics", viewerOnly, async (c) => {
  const text = renderMetrics(await loadOverview(c.env, false));
  return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
});
