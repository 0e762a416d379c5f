// Liveness, and proof of life from inside a Space (workers/pinger/pingbacks.ts):
//   GET  /health                 {"status":"alive"}: the Worker answers (no Durable Object call)
//   GET  /health?space=<id>      the same, and a ping-back recorded for that Space (the seed's
//                                ping_master() with one parameter added)
//   POST /v1/pingback/<id>       a ping-back for apps that would rather POST
// A ping-back costs one Worker request and one SpaceStore request; nothing is written until
// the next tick. Other query parameters are ignored, so a monitor's cache-buster still works.
import { Hono, type Context } from "hono";
import { HealthQuerySchema } from "../../shared/api.js";
import { valid } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { spaceStore } from "../objects.js";

export const pingbackRoutes = new Hono<{ Bindings: Env }>();

/**
 * Ping-backs this isolate handed to the store in the last minute: an app that calls back
 * more often than that costs no more Durable Object requests (a Space is judged over two of
 * its intervals, at least two minutes). Per isolate, so a best-effort saving, never a loss.
 */
const FORWARD_EVERY_MS = 60_000;
const forwarded = new Map<string, number>();

async function pingback(c: Context<{ Bindings: Env }>, id: string): Promise<Response> {
  const now = Date.now();
  const last = forwarded.get(id);
  if (last !== undefined && now - last < FORWARD_EVERY_MS) return c.json({ status: "alive", space: id, received_at: new Date(last).toISOString() });
  const got = await spaceStore(c.env).pingback(id);
  if (!got.known) throw new ApiError(404, "unknown_space", `no listed Space has the id "${id}"; use the id GET /v1/spaces shows`, "space");
  if (forwarded.size >= 10_000) forwarded.clear();
  forwarded.set(id, got.at);
  return c.json({ status: "alive", space: id, received_at: new Date(got.at).toISOString() });
}

pingbackRoutes.get("/health", async (c) => {
  const { space } = valid(HealthQuerySchema, c.req.query(), "invalid_query", "(query)");
  if (space === undefined) return c.json({ status: "alive" });
  return pingback(c, space);
});

pingbackRoutes.post("/v1/pingback/:space_id", async (c) => pingback(c, valid(HealthQuerySchema.shape.space.unwrap(), c.req.param("space_id"), "invalid_id", "space_id")));
