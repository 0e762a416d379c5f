// Makes a pool heartbeat one the edge accepts, judged by the edge's own schemas and limits
// (shared/): a GPU value out of range becomes null with a reason (the host is never dropped
// for one odd value), GPUs past MAX_GPUS_PER_HOST and workers past MAX_WORKERS_PER_HOST or
// the body cap are cut (lowest GPU indexes and most recently heard workers kept), and what the
// edge refused before is left out (see refusals.ts). Pure: tested in Node without a server.
import { GpuReportSchema, PoolHeartbeatSchema, WorkerReportSchema, type PoolHeartbeat } from "../../shared/heartbeat.js";
import { MAX_BODY_BYTES, MAX_GPUS_PER_HOST, MAX_WORKERS_PER_HOST } from "../../shared/limits.js";
import type { Refusals } from "./refusals.js";

/**
 * The heartbeat's own fields (pool_id, host_id, timestamp, left_workers, ...). Each GPU and
 * worker has already been checked with the edge's schema for it, so the final check does not
 * check them a second time (it was half the cost of fitting at 1,024 workers).
 */
const EnvelopeSchema = PoolHeartbeatSchema.omit({ gpus: true, workers: true });

/** Room left in the body cap for what JSON.stringify's estimate cannot see (none today; a margin). */
const BODY_BUDGET = MAX_BODY_BYTES - 4096;
const REASON_MAX = 200;

export interface FitNote {
  msg: "gpus cut" | "workers cut" | "gpu value dropped" | "gpu dropped" | "worker dropped";
  [field: string]: unknown;
}

type RawGpu = Record<string, unknown> & { id: unknown };
type RawWorker = Record<string, unknown> & { id: unknown };

/** One GPU checked field by field against the edge's schema. */
export function fitGpu(raw: RawGpu, nulled: ReadonlySet<string> = new Set()): { gpu: PoolHeartbeat["gpus"][number] | null; notes: FitNote[] } {
  const shape = GpuReportSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ code: string }> } } }>;
  const gpu: Record<string, unknown> = {};
  const reasons: string[] = typeof raw.unknown_reason === "string" ? [raw.unknown_reason] : [];
  const notes: FitNote[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const field = shape[key];
    if (field === undefined || key === "unknown_reason" || value === undefined) continue;
    const refused = nulled.has(key);
    const check = field.safeParse(value);
    if (check.success && !refused) {
      gpu[key] = value;
      continue;
    }
    // Short, so several fit in the edge's 200-character unknown_reason.
    const code = check.error?.issues[0]?.code;
    const why = refused ? "refused by the edge" : code === "too_big" || code === "too_small" ? "out of range" : "invalid";
    const reason = `${key}=${JSON.stringify(value).slice(0, 40)} ${why}`;
    if (key === "id") return { gpu: null, notes: [{ msg: "gpu dropped", id: value, reason }] };
    reasons.push(reason);
    notes.push({ msg: "gpu value dropped", id: raw.id, field: key, reason });
    if (key === "device_name") gpu[key] = typeof value === "string" && value.length > 0 ? value.slice(0, 128) : "unknown GPU";
    else if (field.safeParse(null).success) gpu[key] = null;
  }
  gpu.total_vram_bytes ??= null;
  gpu.free_vram_bytes ??= null;
  gpu.device_name ??= "unknown GPU";
  // The cross-field rule (free <= total) the edge checks on the whole GPU.
  if (typeof gpu.free_vram_bytes === "number" && typeof gpu.total_vram_bytes === "number" && gpu.free_vram_bytes > gpu.total_vram_bytes) {
    reasons.push("free_vram_bytes exceeds total_vram_bytes");
    gpu.free_vram_bytes = null;
  }
  if (reasons.length > 0) gpu.unknown_reason = reasons.join("; ").slice(0, REASON_MAX);
  const parsed = GpuReportSchema.safeParse(gpu);
  if (!parsed.success) return { gpu: null, notes: [...notes, { msg: "gpu dropped", id: raw.id, reason: parsed.error.issues[0]?.message ?? "invalid" }] };
  return { gpu: parsed.data, notes };
}

export interface FitInput {
  base: Omit<PoolHeartbeat, "gpus" | "workers" | "left_workers">;
  gpus: RawGpu[];
  /** Most recently heard first. */
  workers: RawWorker[];
  left: string[];
}

/** The heartbeat to send, within every limit of the edge; `notes` say what was cut and why. */
export function fitHeartbeat(input: FitInput, refusals: Refusals | null = null): { heartbeat: PoolHeartbeat; notes: FitNote[] } {
  const notes: FitNote[] = [];
  const maxGpus = Math.min(MAX_GPUS_PER_HOST, refusals?.maxGpus ?? Infinity);
  const maxWorkers = Math.min(MAX_WORKERS_PER_HOST, refusals?.maxWorkers ?? Infinity);

  const gpus: PoolHeartbeat["gpus"] = [];
  const sorted = [...input.gpus].sort((a, b) => Number(a.id) - Number(b.id));
  for (const raw of sorted) {
    if (refusals?.droppedGpus.has(String(raw.id))) continue;
    const { gpu, notes: n } = fitGpu(raw, refusals?.nulledGpuFields.get(String(raw.id)));
    notes.push(...n);
    if (gpu !== null) gpus.push(gpu);
  }
  if (gpus.length > maxGpus) {
    notes.push({ msg: "gpus cut", read: gpus.length, kept: maxGpus, reason: `the edge takes at most ${maxGpus} GPUs per host` });
    gpus.length = maxGpus;
  }

  const workers: PoolHeartbeat["workers"] = [];
  for (const raw of input.workers) {
    if (refusals?.droppedWorkers.has(String(raw.id))) continue;
    const parsed = WorkerReportSchema.safeParse(raw);
    if (parsed.success) workers.push(parsed.data);
    else notes.push({ msg: "worker dropped", id: raw.id, reason: parsed.error.issues[0]?.message ?? "invalid" });
  }
  const heartbeat: PoolHeartbeat = { ...input.base, gpus, workers };
  if (input.left.length > 0 && refusals?.dropLeft !== true) heartbeat.left_workers = input.left.slice(0, MAX_WORKERS_PER_HOST);
  cutWorkers(heartbeat, maxWorkers, notes);
  // Checked as the edge will check it; a failure here is a bug in this file, never sent as is.
  const { gpus: _g, workers: _w, ...envelope } = heartbeat;
  const check = EnvelopeSchema.safeParse(envelope);
  if (!check.success) throw new Error(`heartbeat does not fit the edge's schema: ${check.error.issues[0]?.path.join(".")}: ${check.error.issues[0]?.message}`);
  return { heartbeat, notes };
}

/** Keeps the most recently heard workers within the count and the body cap. */
function cutWorkers(hb: PoolHeartbeat, maxWorkers: number, notes: FitNote[]): void {
  const before = hb.workers.length;
  if (before > maxWorkers) hb.workers.length = maxWorkers;
  let size = new TextEncoder().encode(JSON.stringify(hb)).byteLength;
  if (size > BODY_BUDGET) {
    const sizes = hb.workers.map((w) => new TextEncoder().encode(JSON.stringify(w)).byteLength + 1);
    let keep = hb.workers.length;
    while (keep > 0 && size > BODY_BUDGET) size -= sizes[--keep]!;
    hb.workers.length = keep;
  }
  if (hb.workers.length < before) {
    const reason = hb.workers.length < maxWorkers ? `the edge reads at most ${MAX_BODY_BYTES} bytes per heartbeat` : `the edge takes at most ${maxWorkers} workers per host`;
    notes.push({ msg: "workers cut", known: before, kept: hb.workers.length, reason });
  }
}

/** The leaving heartbeat: nothing in it can be refused for its size or values. */
export function leavingHeartbeat(base: FitInput["base"]): PoolHeartbeat {
  return { ...base, gpus: [], workers: [], leaving: true };
}
