// Badges for a README (image/svg+xml, cached 5 minutes by browsers and proxies such as
// GitHub's camo, so a popular README costs few Durable Object requests):
//   GET /badge/{space_id}.svg                         the Space's state
//   GET /badge/{space_id}/uptime.svg?window=24h|7d|30d|90d   its uptime (default 30d)
//   GET /badge/pool/{pool_id}.svg                     fresh workers of all
// `?label=` replaces the label (default: the Space's name, or the pool's id). An id nobody
// knows gets a grey "unknown" badge, never an error page; with STATUS_PAGE=private a
// request without the token gets a grey "private" badge with a 401, and says nothing more.
// Space ids derived from URLs hold slashes: give the id percent-encoded as one segment.
import { Hono, type Context } from "hono";
import { BadgeQuerySchema } from "../../shared/api.js";
import { PoolIdSchema } from "../../shared/ids.js";
import { valid } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { pool, spaceStore } from "../objects.js";
import { requireViewer } from "./access.js";
import { badgeSvg, stateColour, uptimeColour, uptimeText, type Colour } from "./badges.js";

export const badgeRoutes = new Hono<{ Bindings: Env }>();

function svg(c: Context, label: string, message: string, colour: Colour, status: 200 | 401 = 200): Response {
  return c.body(badgeSvg(label, message, colour), status, {
    "content-type": "image/svg+xml; charset=utf-8",
    "cache-control": status === 200 ? (c.env.STATUS_PAGE === "private" ? "private, max-age=300" : "public, max-age=300, stale-while-revalidate=600") : "no-store",
    "x-content-type-options": "nosniff",
  });
}

const BADGE_PATHS = [
  [/^pool\/([^/]+)\.svg$/, "pool"],
  [/^(.+)\/uptime\.svg$/, "uptime"],
  [/^(.+)\.svg$/, "state"],
] as const;

/** `/badge/<rest>`: which badge, for which id (percent-decoded); null for no badge or a bad encoding. */
export function parseBadgePath(rest: string): { kind: "state" | "uptime" | "pool"; id: string } | null {
  for (const [pattern, kind] of BADGE_PATHS) {
    const m = pattern.exec(rest);
    if (m === null) continue;
    try {
      return { kind, id: decodeURIComponent(m[1]!) };
    } catch {
      return null;
    }
  }
  return null;
}

badgeRoutes.get("/badge/*", async (c) => {
  // The raw path, so an encoded slash in an id stays inside the id.
  const rest = new URL(c.req.url).pathname.slice("/badge/".length);
  const which = parseBadgePath(rest);
  if (which === null) throw new ApiError(404, "not_found", "badges are /badge/<space_id>.svg, /badge/<space_id>/uptime.svg and /badge/pool/<pool_id>.svg");
  const q = valid(BadgeQuerySchema, c.req.query(), "invalid_query");
  try {
    await requireViewer(c);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return svg(c, q.label ?? "status", "private", "grey", 401);
    throw err;
  }
  if (which.kind === "pool") {
    const id = PoolIdSchema.safeParse(which.id);
    // Counts only: a badge never has a pool spell out its workers.
    const m = id.success ? await pool(c.env, id.data).summary() : null;
    const label = q.label ?? (id.success ? id.data : "pool");
    if (m === null) return svg(c, label, "unknown", "grey");
    const { fresh, stale } = m.workers;
    const all = fresh + stale;
    return svg(c, label, all === 0 ? "no workers" : `${fresh}/${all} workers fresh`, all === 0 ? "grey" : fresh === all ? "green" : fresh === 0 ? "red" : "yellow");
  }
  const s = await spaceStore(c.env).spaceStatus(which.id);
  const label = q.label ?? s?.name ?? "status";
  if (s === null) return svg(c, label, "unknown", "grey");
  if (which.kind === "state") return svg(c, label, s.maintenance !== null ? "maintenance" : s.state, stateColour(s.state, s.maintenance !== null));
  const ratio = s.uptime[q.window];
  return svg(c, q.label ?? `uptime ${q.window}`, ratio === null ? "no checks" : uptimeText(ratio), ratio === null ? "grey" : uptimeColour(ratio));
});
