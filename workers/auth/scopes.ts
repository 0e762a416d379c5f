// What a pool token's scope lets it do (least privilege). Every scope reads (snapshot, events,
// placement, streams); `write` also sends heartbeats (every token issued before scopes is a
// write token, so hives and sidecars keep working); `schedule` also holds reservations. A
// read token never writes: it is the one a dashboard or a browser may carry (?token=).
import type { TokenScope } from "../../shared/index.js";

export type Need = "read" | "schedule" | "write";

export function scopeAllows(scope: TokenScope, need: Need): boolean {
  return need === "read" || scope === need;
}
