// Sorts out who may use a pool (its object is reached through workers/objects.ts). Pool tokens
// name their pool, so a token used on another pool's path is checked against its own pool: a
// real token gets 403 (it belongs elsewhere), a forged one 401.
import type { Context } from "hono";
import { PoolIdSchema } from "../../shared/index.js";
import { resolveAccess } from "../auth/access.js";
import { valid } from "../http/body.js";
import { ApiError, unwrap } from "../http/errors.js";
import { pool } from "../objects.js";
import type { PoolAccess } from "./pool-tokens.js";

export function poolIdParam(c: Context, name = "id"): string {
  return valid(PoolIdSchema, c.req.param(name), "invalid_pool_id", "pool_id");
}

export async function poolAccess(c: Context<{ Bindings: Env }>, poolId: string): Promise<PoolAccess> {
  const access = await resolveAccess(c);
  if (access.kind === "admin") return access;
  const { token } = access;
  const asPool: PoolAccess = { kind: "token", tokenId: token.tokenId, secret: token.secret };
  if (token.poolId !== poolId) {
    unwrap(await pool(c.env, token.poolId).verify(asPool));
    throw new ApiError(403, "forbidden", "this token belongs to another pool");
  }
  return asPool;
}
