// A page per Space and per pool (people, not programs: HTML, following STATUS_PAGE):
//   GET /spaces/{id}   a Space's state, latency chart, uptime, last checks, HF stages, incidents
//   GET /pools/{id}    a pool's hosts, GPU VRAM over 24 h, workers, events, incidents
// Ids derived from URLs hold slashes: links encode the id as one path segment. An id nobody
// knows gets a small 404 page.
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import { PoolIdSchema } from "../../shared/ids.js";
import { alerter, pool, spaceStore } from "../objects.js";
import type { SpaceDetail } from "../pinger/space-detail.js";
import type { PoolDetail } from "../pools/snapshot.js";
import { viewerOnly } from "./access.js";
import { PAGE_VIEW } from "./overview.js";
import { DETAIL_HISTORY_SHOWN } from "./limits.js";
import { PoolPage } from "./pool-page.js";
import { NotFoundPage, SpacePage } from "./space-page.js";

export const detailRoutes = new Hono<{ Bindings: Env }>();

const titleOf = (env: Env) => env.STATUS_TITLE || "edge-pulse status";

function page(c: Context<{ Bindings: Env }>, body: JSX.Element, status: 200 | 404 = 200) {
  c.header("cache-control", "no-store");
  // The doctype keeps browsers out of quirks mode (JSX cannot write one).
  return c.html(html`<!doctype html>${body}`, status);
}

detailRoutes.get("/spaces/:id", viewerOnly, async (c) => {
  const id = c.req.param("id");
  const title = titleOf(c.env);
  const [detail, incidents] = await Promise.all([
    // RPC types lose tuples (a check is [at, outcome, ...]); the shapes are the store's.
    spaceStore(c.env).detail(id) as Promise<SpaceDetail | null>,
    alerter(c.env).pageIncidents(DETAIL_HISTORY_SHOWN, [`space:${id}`]),
  ]);
  if (detail === null) return page(c, <NotFoundPage title={title} what={`No listed Space has the id "${id}".`} />, 404);
  return page(c, <SpacePage d={detail} incidents={incidents} title={title} now={Date.now()} />);
});

detailRoutes.get("/pools/:id", viewerOnly, async (c) => {
  const title = titleOf(c.env);
  const parsed = PoolIdSchema.safeParse(c.req.param("id"));
  // An id no pool could have never reaches a Durable Object (no object is made for it).
  if (!parsed.success) return page(c, <NotFoundPage title={title} what="That is not a pool id." />, 404);
  const id = parsed.data;
  const [detail, incidents, windows] = await Promise.all([
    pool(c.env, id).details(PAGE_VIEW) as Promise<PoolDetail | null>,
    alerter(c.env).pageIncidents(DETAIL_HISTORY_SHOWN, [`pool:${id}`, `host:${id}/`, `worker:${id}/`]),
    spaceStore(c.env).listWindows(),
  ]);
  if (detail === null) return page(c, <NotFoundPage title={title} what={`There is no pool "${id}".`} />, 404);
  return page(c, <PoolPage d={detail} incidents={incidents} windows={windows} title={title} now={Date.now()} />);
});
