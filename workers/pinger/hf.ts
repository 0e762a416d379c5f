// Hugging Face awareness: when a Space fails, its stage from the HF runtime API says why
// (SLEEPING, BUILDING, RUNTIME_ERROR, PAUSED, ...), and a Space stuck in RUNTIME_ERROR
// may be restarted (opt-in per Space, HF_TOKEN needed, one restart per cooldown).
// Same endpoints huggingface_hub uses: GET /api/spaces/{id}/runtime, POST .../restart.
import * as z from "zod";
import type { Space } from "../../shared/spaces.js";
import type { Limiter } from "../http/limiter.js";
import type { SubrequestBudget } from "./budget.js";

/** Stages HF documents; any other stage is passed through as it comes. */
export const KNOWN_HF_STAGES = ["NO_APP_FILE", "CONFIG_ERROR", "BUILDING", "BUILD_ERROR", "APP_STARTING", "RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING", "RUNTIME_ERROR", "DELETING", "STOPPED", "PAUSED", "SLEEPING"] as const;

const RuntimeSchema = z.object({
  stage: z.string().min(1).max(64),
  errorMessage: z.string().nullish(),
});

const HF_URL = /^https:\/\/huggingface\.co\/spaces\/([\w.-]+\/[\w.-]+)\/?$/;

/**
 * The Space's HF id: `hf_space` when set, else read from a huggingface.co/spaces/owner/name
 * URL. A *.hf.space host cannot be turned back into owner/name (both may hold dashes), so
 * those Spaces need `hf_space` in the list.
 */
export function hfSpaceId(space: Pick<Space, "url" | "hf_space">): string | null {
  if (space.hf_space !== undefined) return space.hf_space;
  return HF_URL.exec(space.url)?.[1] ?? null;
}

export interface HfContext {
  base: string;
  token: string | undefined;
  budget: SubrequestBudget;
  limiter: Limiter;
  headers: Record<string, string>;
}

export type StageRead = { ok: true; stage: string; message: string | null } | { ok: false; error: string };

async function call(cx: HfContext, method: "GET" | "POST", path: string): Promise<Response | string> {
  if (!cx.budget.take()) return "subrequest budget for this run is spent";
  const headers: Record<string, string> = { accept: "application/json", ...cx.headers };
  if (cx.token !== undefined) headers.authorization = `Bearer ${cx.token}`;
  try {
    return await cx.limiter.run(() => fetch(`${cx.base.replace(/\/+$/, "")}${path}`, { method, headers, signal: AbortSignal.timeout(10_000) }));
  } catch (err) {
    return `HF API unreachable: ${(err as Error).message}`;
  }
}

export async function readStage(cx: HfContext, id: string): Promise<StageRead> {
  const res = await call(cx, "GET", `/api/spaces/${id}/runtime`);
  if (typeof res === "string") return { ok: false, error: res };
  if (!res.ok) {
    await res.body?.cancel();
    return { ok: false, error: `HF API answered ${res.status}` };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, error: "HF API answered with invalid JSON" };
  }
  const parsed = RuntimeSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: "HF API answer has no stage" };
  return { ok: true, stage: parsed.data.stage, message: parsed.data.errorMessage?.slice(0, 500) ?? null };
}

export async function restartSpace(cx: HfContext, id: string): Promise<{ ok: boolean; error: string | null }> {
  const res = await call(cx, "POST", `/api/spaces/${id}/restart`);
  if (typeof res === "string") return { ok: false, error: res };
  await res.body?.cancel();
  return res.ok ? { ok: true, error: null } : { ok: false, error: `HF API answered ${res.status} to the restart` };
}
