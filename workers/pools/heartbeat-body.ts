// Heartbeat bodies, judged inside the pool's object after the caller: a forged or foreign
// token gets its 401/403 before any 400/413, and only an authenticated caller's refusals are
// counted for /metrics. The Worker only reads the text (with the size cap) and passes it on.
import {
  MAX_GPUS_PER_HOST,
  MAX_WORKERS_PER_HOST,
  PoolHeartbeatSchema,
  WorkerHeartbeatSchema,
  type PoolHeartbeat,
  type WorkerHeartbeat,
} from "../../shared/index.js";
import { checkJsonBody, type BodyError, type BodyText } from "../http/body.js";

type Judged<T> = { ok: true; value: T } | { ok: false; error: BodyError };

export function judgeWorkerHeartbeat(body: BodyText): Judged<WorkerHeartbeat> {
  return checkJsonBody(body, WorkerHeartbeatSchema);
}

export function judgePoolHeartbeat(body: BodyText, poolId: string): Judged<PoolHeartbeat> {
  const checked = checkJsonBody(body, PoolHeartbeatSchema, { gpus: MAX_GPUS_PER_HOST, workers: MAX_WORKERS_PER_HOST, left_workers: MAX_WORKERS_PER_HOST });
  if (!checked.ok) return checked;
  const hb = checked.value;
  if (hb.pool_id !== poolId) return refuse("pool_id_mismatch", `pool_id "${hb.pool_id}" differs from the path's "${poolId}"`, "pool_id");
  return duplicate(hb.gpus.map((g) => String(g.id)), "gpus") ?? duplicate(hb.workers.map((w) => w.id), "workers") ?? checked;
}

function refuse(code: string, message: string, field: string): { ok: false; error: BodyError } {
  return { ok: false, error: { status: 400, code, message, field } };
}

function duplicate(ids: string[], array: string): { ok: false; error: BodyError } | null {
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) return refuse("duplicate_id", `${array}.${i}.id: "${id}" appears twice`, `${array}.${i}.id`);
    seen.add(id);
  }
  return null;
}
