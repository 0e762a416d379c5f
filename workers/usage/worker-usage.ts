// The Worker's own counts: each request by route family and each cron invocation, kept in
// the isolate's memory and handed to the SpaceStore's usage book with the tick (the cron's
// isolate) or, from an isolate serving HTTP, at most every 5 minutes in one call after the
// response (workers/usage/hub.ts). Counts an evicted isolate had not handed on are lost.
import type { Context, Next } from "hono";
import { spaceStore } from "../objects.js";
import { countedKv } from "./kv.js";
import { Tally } from "./tally.js";

export const workerTally = new Tally();
const HAND_ON_EVERY_MS = 5 * 60_000;

const metered = new WeakMap<Env, Env>();

/**
 * The Worker's env with its KV binding counted (kv_reads|worker, kv_writes|worker): every
 * route's KV use, wrapped once per env object rather than at each call.
 */
export function meteredEnv(env: Env): Env {
  let m = metered.get(env);
  if (m === undefined) metered.set(env, (m = { ...env, SPACES: countedKv(env.SPACES, workerTally, "worker") }));
  return m;
}

/** The route family a request is counted under (GET /v1/usage lists them). */
export function routeFamily(path: string): string {
  if (path === "/v1/heartbeat" || /^\/v2\/pools\/[^/]+\/heartbeat$/.test(path)) return "heartbeat";
  if (/^\/v2\/pools\/[^/]+\/(stream|events)$/.test(path) || path === "/v1/heartbeats/stream") return "stream";
  if (path.startsWith("/v2/pools")) return "pools";
  if (path === "/health") return "health";
  if (path.startsWith("/v1/admin/")) return "admin";
  if (path === "/metrics") return "metrics";
  if (path === "/" || path.startsWith("/spaces/") || path.startsWith("/pools/") || path.startsWith("/badge/")) return "status_page";
  return "api";
}

/** Middleware: counts the request, and hands the isolate's counts on when they are due. */
export async function countRequest(c: Context<{ Bindings: Env }>, next: Next): Promise<void> {
  const path = c.req.path;
  // /health?space= is a ping-back: its own family (it reaches the SpaceStore).
  workerTally.add(`worker_requests|${path === "/health" && c.req.query("space") !== undefined ? "pingback" : routeFamily(path)}`);
  await next();
  const delta = workerTally.takeIfDue(Date.now(), HAND_ON_EVERY_MS);
  if (delta === null) return;
  const send = spaceStore(c.env)
    .usage(delta)
    .catch(() => workerTally.restore(delta));
  try {
    c.executionCtx.waitUntil(send);
  } catch {
    // No execution context (a unit test calling app.fetch directly): the call still runs.
  }
}
