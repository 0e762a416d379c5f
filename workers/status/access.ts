// Who may see the status page, /metrics and GET /v1/spaces. STATUS_PAGE = "public" (the
// default) lets anyone; "private" asks for STATUS_TOKEN (or ADMIN_TOKEN) as a bearer token,
// as the password of HTTP basic auth (any user name; browsers prompt for it), or as ?token=.
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../http/errors.js";
import { bearerToken, secretsEqual } from "../auth/tokens.js";

function presented(c: Context): string | null {
  const header = c.req.header("authorization");
  const bearer = bearerToken(header);
  if (bearer !== null) return bearer;
  if (header?.startsWith("Basic ")) {
    try {
      const decoded = atob(header.slice(6).trim());
      return decoded.slice(decoded.indexOf(":") + 1);
    } catch {
      return null;
    }
  }
  return c.req.query("token") ?? null;
}

/** Optional secret (wrangler secret put STATUS_TOKEN); not in wrangler.toml, so typed here. */
type StatusEnv = Env & { STATUS_TOKEN?: string };

/** requireViewer as route middleware. */
export const viewerOnly: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  await requireViewer(c);
  await next();
};

export async function requireViewer(c: Context<{ Bindings: Env }>): Promise<void> {
  const mode = c.env.STATUS_PAGE ?? "public";
  if (mode === "public") return;
  if (mode !== "private") throw new ApiError(500, "invalid_setting", 'STATUS_PAGE must be "public" or "private"', "STATUS_PAGE");
  const given = presented(c);
  const accepted = [(c.env as StatusEnv).STATUS_TOKEN, c.env.ADMIN_TOKEN].filter((t): t is string => typeof t === "string" && t.length > 0);
  for (const t of accepted) if (given !== null && (await secretsEqual(given, t))) return;
  c.header("WWW-Authenticate", 'Basic realm="edge-pulse status", charset="UTF-8"');
  throw new ApiError(401, "unauthorized", "this status page is private: give STATUS_TOKEN as a bearer token, a basic-auth password or ?token=");
}
