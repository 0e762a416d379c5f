// Pool endpoints spoken by rbee hives, workers and schedulers:
//   POST /v1/heartbeat                 worker heartbeat; the pool is the token's pool
//   POST /v2/pools/:id/heartbeat       one host's GPUs and workers
//   GET  /v2/pools/:id                 aggregated snapshot (?state=fresh|stale, ?host_id=)
//   GET  /v2/pools/:id/events          event log (?after=<seq>&limit=&wait=<s>: long-poll up to 30 s)
//   GET  /v2/pools                     pools with counts (admin: all; pool token: its own)
import { Hono } from "hono";
import { EventsQuerySchema, SnapshotQuerySchema } from "../../shared/api.js";
import { resolveAccess } from "../auth/access.js";
import { readBody, valid } from "../http/body.js";
import { ApiError, unwrap } from "../http/errors.js";
import { pool, poolIndex } from "../objects.js";
import type { PoolSummary } from "./snapshot.js";
import { poolAccess, poolIdParam } from "./stub.js";

export const poolRoutes = new Hono<{ Bindings: Env }>();

poolRoutes.post("/v1/heartbeat", async (c) => {
  const access = await resolveAccess(c);
  if (access.kind !== "token") throw new ApiError(403, "pool_token_required", "worker heartbeats need a pool token: it names the pool");
  const { token } = access;
  // The body is read here and judged in the pool's object, after the token.
  const body = await readBody(c);
  return c.json(unwrap(await pool(c.env, token.poolId).workerHeartbeat({ kind: "token", tokenId: token.tokenId, secret: token.secret }, body)));
});

poolRoutes.post("/v2/pools/:id/heartbeat", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const body = await readBody(c);
  return c.json(unwrap(await pool(c.env, poolId).poolHeartbeat(access, body)));
});

poolRoutes.get("/v2/pools/:id", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const query = valid(SnapshotQuerySchema, c.req.query(), "invalid_query", "(query)");
  const filter: { state?: "fresh" | "stale"; host_id?: string } = {};
  if (query.state !== undefined) filter.state = query.state;
  if (query.host_id !== undefined) filter.host_id = query.host_id;
  return c.json(unwrap(await pool(c.env, poolId).snapshot(access, filter, { offset: Number(query.cursor ?? 0), limit: query.limit })));
});

poolRoutes.get("/v2/pools/:id/events", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const query = valid(EventsQuerySchema, c.req.query(), "invalid_query", "(query)");
  const events = unwrap(await pool(c.env, poolId).events(access, query.after, query.limit, query.wait));
  return c.json({ pool_id: poolId, events });
});

poolRoutes.get("/v2/pools", async (c) => {
  const access = await resolveAccess(c);
  let ids: string[];
  if (access.kind === "admin") ids = await poolIndex(c.env).list();
  else {
    const { token } = access;
    unwrap(await pool(c.env, token.poolId).verify({ kind: "token", tokenId: token.tokenId, secret: token.secret }));
    ids = [token.poolId];
  }
  const pools: PoolSummary[] = [];
  // At most 6 calls in flight: the per-invocation connection limit.
  for (let i = 0; i < ids.length; i += 6) {
    const batch = await Promise.all(ids.slice(i, i + 6).map((id) => pool(c.env, id).summary()));
    for (const s of batch) if (s !== null) pools.push(s);
  }
  return c.json({ pools });
});
