// GET /v1/usage (admin): today's use of each quota of the plan named by PLAN, its forecast
// to 00:00 UTC and what uses it, the governor's stretch, and what the meter cannot see.
import { Hono } from "hono";
import { requireAdmin } from "../auth/access.js";
import { spaceStore } from "../objects.js";
import { workerTally } from "./worker-usage.js";

export const usageRoutes = new Hono<{ Bindings: Env }>();

usageRoutes.get("/v1/usage", async (c) => {
  await requireAdmin(c);
  // This isolate's own counts go with the question, so the answer includes the request asking.
  return c.json(await spaceStore(c.env).usageReport(workerTally.take()));
});
