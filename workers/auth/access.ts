// Who is calling: the admin (ADMIN_TOKEN) or a pool token. Pool tokens are checked inside
// their pool's Durable Object, where the hashes live; this file only sorts the caller out.
import type { Context } from "hono";
import { ApiError } from "../http/errors.js";
import { bearerToken, parsePoolToken, secretsEqual, type PoolToken } from "./tokens.js";

export type Access = { kind: "admin" } | { kind: "token"; token: PoolToken };

export async function isAdmin(env: Env, presented: string): Promise<boolean> {
  const admin = env.ADMIN_TOKEN;
  return typeof admin === "string" && admin.length > 0 && (await secretsEqual(presented, admin));
}

/** Admin-only endpoints. */
export async function requireAdmin(c: Context<{ Bindings: Env }>): Promise<void> {
  if (!c.env.ADMIN_TOKEN) throw new ApiError(503, "admin_disabled", "ADMIN_TOKEN is not set; run `wrangler secret put ADMIN_TOKEN`");
  const presented = bearerToken(c.req.header("authorization"));
  if (presented === null) throw new ApiError(401, "unauthorized", "missing bearer token");
  if (!(await isAdmin(c.env, presented))) throw new ApiError(401, "unauthorized", "invalid admin token");
}

/** Pool endpoints: the admin, or a pool token (verified later by the pool's object). */
export async function resolveAccess(c: Context<{ Bindings: Env }>): Promise<Access> {
  const presented = bearerToken(c.req.header("authorization"));
  if (presented === null) throw new ApiError(401, "unauthorized", "missing bearer token");
  const token = parsePoolToken(presented);
  if (token !== null) return { kind: "token", token };
  if (await isAdmin(c.env, presented)) return { kind: "admin" };
  throw new ApiError(401, "unauthorized", "invalid token");
}
