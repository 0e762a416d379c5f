// Reading the Space list from KV each tick without paying to parse it each tick: the text's
// SHA-256 is compared with the last one looked at, and only new text is parsed (zod takes
// 10-15 ms for 2,000 entries, more than the Free plan's 10 ms of CPU). A list that cannot be
// read or parsed leaves the last good one in force and says why.
import { parseSpaceList, SPACES_KEY, type SpaceConfigError } from "../../shared/spaces.js";
import { sha256Hex } from "../auth/tokens.js";
import type { ListStatus, SpaceLedger } from "./ledger.js";

/** Header values may hold credentials (a private Space's token): never echo them back. */
export function redactEntry(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if (typeof v.headers !== "object" || v.headers === null) return value;
  return { ...v, headers: Object.fromEntries(Object.keys(v.headers).map((k) => [k, "[redacted]"])) };
}

function redactErrors(errors: SpaceConfigError[]): SpaceConfigError[] {
  return errors.map((e) => ({ ...e, value: redactEntry(e.value) }));
}

/** Brings the ledger's list in line with KV; writes only when the text or the outcome changed. */
export async function refreshList(kv: KVNamespace, ledger: SpaceLedger, nowMs: number): Promise<ListStatus & { removed?: { id: string; name: string }[] }> {
  const last = ledger.getMeta<ListStatus>("list");
  const keep = (error: string, hash: string | null): ListStatus => {
    const status: ListStatus = {
      hash,
      error,
      errors: last?.errors ?? [],
      valid: last?.valid ?? 0,
      invalid: last?.invalid ?? 0,
      good_at: last?.good_at ?? null,
      checked_at: nowMs,
    };
    if (last?.error !== error || last.hash !== hash) ledger.setMeta("list", status);
    return status;
  };

  let text: string | null;
  try {
    text = await kv.get(SPACES_KEY);
  } catch (err) {
    // Same hash as before: the text is read and judged again next tick.
    return keep(`could not read the list from KV: ${(err as Error).message}`, last?.hash ?? null);
  }
  const source = text ?? "[]"; // no list yet: nothing to ping, and that is not an error
  const hash = await sha256Hex(source);
  if (last !== null && last.hash === hash) return last;

  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return keep("the stored list is not valid JSON; the last good list stays in force", hash);
  }
  const parsed = parseSpaceList(raw);
  if (parsed.listError !== null) return keep(`${parsed.listError}; the last good list stays in force`, hash);
  const removed = ledger.replaceSpaces(parsed.spaces);
  const status: ListStatus = {
    hash,
    error: null,
    errors: redactErrors(parsed.errors),
    valid: parsed.spaces.length,
    invalid: parsed.errors.length,
    good_at: nowMs,
    checked_at: nowMs,
  };
  ledger.setMeta("list", status);
  return { ...status, removed };
}
