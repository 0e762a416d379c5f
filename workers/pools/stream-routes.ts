// Pushed changes (live.ts does the work inside the pool's object):
//   GET /v2/pools/:id/events?after=&wait=   long-poll (in routes.ts, with the plain read)
//   GET /v2/pools/:id/stream                Server-Sent Events: pool events (id = seq, resume
//                                           with Last-Event-ID) and a summary every pool interval
//   GET /v1/heartbeats/stream               rbee's queen stream for the pool the token names
//                                           (the admin names it with ?pool=)
//   GET /v1/info                            what a queen answers there
// A browser's EventSource cannot set headers, so these streams also take `?token=`, but only
// a read-scope token: a URL ends up in logs and history, and a read token cannot write.
// CORS lets a UI on another origin read them (app.ts).
import type { Context } from "hono";
import { Hono } from "hono";
import * as z from "zod";
import { PoolIdSchema } from "../../shared/index.js";
import { bearerToken, parsePoolToken } from "../auth/tokens.js";
import { valid } from "../http/body.js";
import { ApiError, unwrap } from "../http/errors.js";
import type { PoolAccess } from "./pool-tokens.js";
import { pool } from "../objects.js";
import { poolAccess, poolIdParam } from "./stub.js";
// Only `version` is bundled (esbuild keeps the JSON fields used).
import { version as EDGE_VERSION } from "../../package.json";

export const streamRoutes = new Hono<{ Bindings: Env }>();

const StreamQuerySchema = z.object({ token: z.string().max(200).optional(), pool: PoolIdSchema.optional() }).strict();
const LastEventIdSchema = z.coerce.number().int().nonnegative();

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" };

/**
 * The pool and the caller: a bearer header as everywhere, or a token in `?token=`, which the
 * pool's object accepts only with read scope (pool-tokens.ts).
 */
async function streamAccess(c: Context<{ Bindings: Env }>, pathPool: string | null): Promise<{ poolId: string; access: PoolAccess }> {
  const query = valid(StreamQuerySchema, c.req.query(), "invalid_query", "(query)");
  if (query.token !== undefined) {
    if (c.req.header("authorization") !== undefined) throw new ApiError(400, "invalid_query", "send the token in the header or in ?token=, not both", "token");
    const token = parsePoolToken(query.token);
    if (token === null) throw new ApiError(401, "unauthorized", "invalid token");
    const access: PoolAccess = { kind: "token", tokenId: token.tokenId, secret: token.secret, inUrl: true };
    if (pathPool !== null && token.poolId !== pathPool) {
      unwrap(await pool(c.env, token.poolId).verify(access));
      throw new ApiError(403, "forbidden", "this token belongs to another pool");
    }
    return { poolId: token.poolId, access };
  }
  if (pathPool !== null) return { poolId: pathPool, access: await poolAccess(c, pathPool) };
  // /v1/heartbeats/stream: the token names its pool; the admin names one with ?pool=.
  const presented = bearerToken(c.req.header("authorization"));
  const poolId = (presented === null ? null : parsePoolToken(presented))?.poolId ?? query.pool;
  if (poolId === undefined) throw new ApiError(400, "invalid_query", "name the pool with ?pool= (a pool token names its own)", "pool");
  return { poolId, access: await poolAccess(c, poolId) };
}

function lastEventId(c: Context): number | null {
  const raw = c.req.header("last-event-id");
  return raw === undefined || raw === "" ? null : valid(LastEventIdSchema, raw, "invalid_header", "last-event-id");
}

streamRoutes.get("/v2/pools/:id/stream", async (c) => {
  const { poolId, access } = await streamAccess(c, poolIdParam(c));
  const stream = unwrap(await pool(c.env, poolId).stream(access, "pool", lastEventId(c)));
  return new Response(stream, { headers: SSE_HEADERS });
});

streamRoutes.get("/v1/heartbeats/stream", async (c) => {
  const { poolId, access } = await streamAccess(c, null);
  const stream = unwrap(await pool(c.env, poolId).stream(access, "queen", null));
  return new Response(stream, { headers: SSE_HEADERS });
});

streamRoutes.get("/v1/info", (c) => {
  const url = new URL(c.req.url);
  return c.json({
    base_url: url.origin,
    port: url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port),
    version: EDGE_VERSION,
    features: ["pool-heartbeats", "placement", "reservations", "heartbeat-stream"],
    build_timestamp: "unknown",
  });
});
