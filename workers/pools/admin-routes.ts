// Admin endpoints (ADMIN_TOKEN, checked for every /v1/admin route in app.ts):
//   POST   /v1/admin/pools/:id/tokens            issue a pool token (shown once); creates the pool
//   GET    /v1/admin/pools/:id/tokens            list tokens (never the secrets)
//   DELETE /v1/admin/pools/:id/tokens/:token_id  revoke
//   GET    /v1/admin/pools/:id/settings          timing
//   PATCH  /v1/admin/pools/:id/settings          change timing (partial); 404 for a pool that does not exist
//   PUT    /v1/admin/pools/:id                   create the pool (201; 200 when it exists)
//   GET    /v1/admin/pools/:id/stats             heartbeats and SQLite rows written since start
//   DELETE /v1/admin/pools/:id/workers/:worker_id  evict a worker now (also while evictions are held)
//   DELETE /v1/admin/pools/:id/hosts/:host_id      evict a host and the workers it relays
//   PATCH  /v1/admin/pools/:id/workers/:worker_id  {"draining": true|false}: never placed on while true
//   PATCH  /v1/admin/pools/:id/hosts/:host_id      the same for a host and every GPU and worker on it
//   DELETE /v1/admin/pools/:id                   delete the pool and everything in it
//   PUT    /v1/admin/pools/:id/forward           {"url", "token"?}: push the seed's pool heartbeat to a queen (url null: stop)
import { Hono } from "hono";
import { IssueTokenSchema } from "../../shared/api.js";
import { DrainPatchSchema, ForwardConfigSchema, PoolSettingsPatchSchema, SenderIdSchema } from "../../shared/index.js";
import { parseJsonBody, parseOptionalJsonBody, valid } from "../http/body.js";
import { ApiError, unwrap } from "../http/errors.js";
import { alerter, pool, poolIndex } from "../objects.js";
import { poolIdParam } from "./stub.js";

export const adminPoolRoutes = new Hono<{ Bindings: Env }>();

adminPoolRoutes.post("/v1/admin/pools/:id/tokens", async (c) => {
  const poolId = poolIdParam(c);
  // "No body" is decided by the body itself: a chunked body has no Content-Length.
  const body = await parseOptionalJsonBody(c, IssueTokenSchema, { scope: "write" });
  const issued = await pool(c.env, poolId).issueToken(poolId, body.label ?? null, body.scope);
  await poolIndex(c.env).add(poolId);
  c.header("cache-control", "no-store");
  return c.json({ pool_id: poolId, ...issued }, 201);
});

adminPoolRoutes.get("/v1/admin/pools/:id/tokens", async (c) => {
  const poolId = poolIdParam(c);
  return c.json({ pool_id: poolId, tokens: unwrap(await pool(c.env, poolId).listTokens()) });
});

adminPoolRoutes.delete("/v1/admin/pools/:id/tokens/:token_id", async (c) => {
  const poolId = poolIdParam(c);
  const tokenId = c.req.param("token_id");
  if (!/^[0-9a-f]{12}$/.test(tokenId)) throw new ApiError(400, "invalid_token_id", "token_id: expected 12 hex digits", "token_id");
  return c.json(unwrap(await pool(c.env, poolId).revokeToken(tokenId)));
});

adminPoolRoutes.get("/v1/admin/pools/:id/settings", async (c) => {
  const poolId = poolIdParam(c);
  return c.json(unwrap(await pool(c.env, poolId).getSettings()));
});

adminPoolRoutes.patch("/v1/admin/pools/:id/settings", async (c) => {
  const poolId = poolIdParam(c);
  const patch = await parseJsonBody(c, PoolSettingsPatchSchema);
  return c.json(unwrap(await pool(c.env, poolId).updateSettings(patch)));
});

adminPoolRoutes.get("/v1/admin/pools/:id/stats", async (c) => {
  const poolId = poolIdParam(c);
  return c.json(unwrap(await pool(c.env, poolId).stats()));
});

for (const kind of ["worker", "host"] as const) {
  adminPoolRoutes.delete(`/v1/admin/pools/:id/${kind}s/:${kind}_id`, async (c) => {
    const poolId = poolIdParam(c);
    const id = valid(SenderIdSchema, c.req.param(`${kind}_id`), "invalid_id", `${kind}_id`);
    return c.json(unwrap(await pool(c.env, poolId).evict(kind, id)));
  });
  adminPoolRoutes.patch(`/v1/admin/pools/:id/${kind}s/:${kind}_id`, async (c) => {
    const poolId = poolIdParam(c);
    const id = valid(SenderIdSchema, c.req.param(`${kind}_id`), "invalid_id", `${kind}_id`);
    const { draining } = await parseJsonBody(c, DrainPatchSchema);
    return c.json(unwrap(await pool(c.env, poolId).drain(kind, id, draining)));
  });
}

adminPoolRoutes.put("/v1/admin/pools/:id", async (c) => {
  const poolId = poolIdParam(c);
  const created = await pool(c.env, poolId).create(poolId);
  await poolIndex(c.env).add(poolId);
  return c.json({ pool_id: poolId, created }, created ? 201 : 200);
});

adminPoolRoutes.delete("/v1/admin/pools/:id", async (c) => {
  const poolId = poolIdParam(c);
  const deleted = unwrap(await pool(c.env, poolId).destroy());
  await poolIndex(c.env).remove(poolId);
  // Its open incidents close with it (or they would be reminded of forever).
  await alerter(c.env).closeMatching([`worker:${poolId}/`, `host:${poolId}/`, `pool:${poolId}`], `Pool "${poolId}" was deleted`);
  return c.json(deleted);
});

adminPoolRoutes.put("/v1/admin/pools/:id/forward", async (c) => {
  const poolId = poolIdParam(c);
  const body = await parseJsonBody(c, ForwardConfigSchema);
  return c.json({ pool_id: poolId, forward: unwrap(await pool(c.env, poolId).setForward(body.url, body.token ?? null)) });
});
