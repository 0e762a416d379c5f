// How a Durable Object other than the SpaceStore hands its counts to the usage book: at most
// every 5 minutes, after the request that found them due (never before its answer), in one
// call; a failed call puts them back for the next try.
import { spaceStore } from "../objects.js";
import type { ObjectMeter } from "./tally.js";

export const HAND_ON_EVERY_MS = 5 * 60_000;

export function handOnUsage(ctx: DurableObjectState, env: Env, meter: ObjectMeter, rowsWritten: number, now = Date.now()): void {
  meter.rows(rowsWritten, now);
  const delta = meter.tally.takeIfDue(now, HAND_ON_EVERY_MS);
  if (delta === null) return;
  // The hand-on is itself a request to the SpaceStore: counted there as SpaceStore.usage.
  ctx.waitUntil(spaceStore(env).usage(delta).catch(() => meter.tally.restore(delta)));
}
