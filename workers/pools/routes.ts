// Pool endpoints spoken by rbee hives, workers and schedulers:
//   POST /v1/heartbeat                 worker heartbeat; the pool is the token's pool
//   POST /v2/pools/:id/heartbeat       one host's GPUs and workers
//   GET  /v2/pools/:id                 aggregated snapshot (?state=fresh|stale, ?host_id=)
//   GET  /v2/pools/:id/events          event log (?after=<seq>&limit=)
//   GET  /v2/pools                     pools with counts (admin: all; pool token: its own)
import { Hono, type Context } from "hono";
import * as z from "zod";
import {
  MAX_GPUS_PER_HOST,
  MAX_WORKERS_PER_HOST,
  PoolHeartbeatSchema,
  SenderIdSchema,
  SenderStateSchema,
  WorkerHeartbeatSchema,
} from "../../shared/index.js";
import { resolveAccess } from "../auth/access.js";
import { parseJsonBody, valid } from "../http/body.js";
import { ApiError, unwrap } from "../http/errors.js";
import type { PoolSummary } from "./pool-registry.js";
import { poolAccess, poolIdParam, poolStub } from "./stub.js";

export const poolRoutes = new Hono<{ Bindings: Env }>();

/**
 * Runs a heartbeat's body checks; a refusal is counted on the token's pool for /metrics
 * (without waiting for it) and then answered as usual.
 */
async function countingRefusals<T>(c: Context<{ Bindings: Env }>, poolId: string, check: () => Promise<T> | T): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof ApiError) c.executionCtx.waitUntil(poolStub(c.env, poolId).countRejected(err.code).catch(() => undefined));
    throw err;
  }
}

poolRoutes.post("/v1/heartbeat", async (c) => {
  const access = await resolveAccess(c);
  if (access.kind !== "token") throw new ApiError(403, "pool_token_required", "worker heartbeats need a pool token: it names the pool");
  const hb = await countingRefusals(c, access.token.poolId, () => parseJsonBody(c, WorkerHeartbeatSchema));
  const { token } = access;
  const ack = unwrap(await poolStub(c.env, token.poolId).workerHeartbeat({ kind: "token", tokenId: token.tokenId, secret: token.secret }, hb));
  return c.json(ack);
});

poolRoutes.post("/v2/pools/:id/heartbeat", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const hb = await countingRefusals(c, poolId, async () => {
    const body = await parseJsonBody(c, PoolHeartbeatSchema, { gpus: MAX_GPUS_PER_HOST, workers: MAX_WORKERS_PER_HOST, left_workers: MAX_WORKERS_PER_HOST });
    if (body.pool_id !== poolId) throw new ApiError(400, "pool_id_mismatch", `pool_id "${body.pool_id}" differs from the path's "${poolId}"`, "pool_id");
    rejectDuplicates(body.gpus.map((g) => String(g.id)), "gpus", "id");
    rejectDuplicates(body.workers.map((w) => w.id), "workers", "id");
    return body;
  });
  return c.json(unwrap(await poolStub(c.env, poolId).poolHeartbeat(access, hb)));
});

export const SnapshotQuerySchema = z.object({ state: SenderStateSchema.optional(), host_id: SenderIdSchema.optional() }).strict();

poolRoutes.get("/v2/pools/:id", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const query = valid(SnapshotQuerySchema, c.req.query(), "invalid_query", "(query)");
  const filter: { state?: "fresh" | "stale"; host_id?: string } = {};
  if (query.state !== undefined) filter.state = query.state;
  if (query.host_id !== undefined) filter.host_id = query.host_id;
  return c.json(unwrap(await poolStub(c.env, poolId).snapshot(access, filter)));
});

export const EventsQuerySchema = z
  .object({ after: z.coerce.number().int().nonnegative().default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();

poolRoutes.get("/v2/pools/:id/events", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const query = valid(EventsQuerySchema, c.req.query(), "invalid_query", "(query)");
  const events = unwrap(await poolStub(c.env, poolId).events(access, query.after, query.limit));
  return c.json({ pool_id: poolId, events });
});

poolRoutes.get("/v2/pools", async (c) => {
  const access = await resolveAccess(c);
  let ids: string[];
  if (access.kind === "admin") ids = await c.env.POOL_INDEX.getByName("index").list();
  else {
    const { token } = access;
    unwrap(await poolStub(c.env, token.poolId).verify({ kind: "token", tokenId: token.tokenId, secret: token.secret }));
    ids = [token.poolId];
  }
  const pools: PoolSummary[] = [];
  // At most 6 calls in flight: the per-invocation connection limit.
  for (let i = 0; i < ids.length; i += 6) {
    const batch = await Promise.all(ids.slice(i, i + 6).map((id) => poolStub(c.env, id).summary()));
    for (const s of batch) if (s !== null) pools.push(s);
  }
  return c.json({ pools });
});

function rejectDuplicates(values: string[], array: string, key: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new ApiError(400, "duplicate_id", `${array}.${i}.${key}: "${v}" appears twice`, `${array}.${i}.${key}`);
    seen.add(v);
  });
}
