// Reading the Space list from KV each tick without paying to parse it each tick: the text's
// SHA-256 is compared with the last one looked at, and only new text is parsed (zod takes
// 10-15 ms for 2,000 entries, more than the Free plan's 10 ms of CPU). A list that cannot be
// read or parsed leaves the last good one in force and says why.
import { parseSpaceList, SPACES_KEY } from "../../shared/spaces.js";
import { readChangedJson } from "../kv/changed-json.js";
import type { ListStatus, SpaceLedger } from "./ledger.js";

/** Brings the ledger's list in line with KV; writes only when the text or the outcome changed. */
export async function refreshList(kv: KVNamespace, ledger: SpaceLedger, nowMs: number): Promise<ListStatus & { removed?: { id: string; name: string; host: string }[] }> {
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

  // No list yet ("[]") is nothing to ping, not an error.
  const read = await readChangedJson(kv, SPACES_KEY, last?.hash ?? null, "[]", "list");
  if (read.kind === "unchanged") return last!;
  if (read.kind === "error") return keep(`${read.error}; the last good list stays in force`, read.hash);
  const { hash } = read;
  const parsed = parseSpaceList(read.value);
  if (parsed.listError !== null) return keep(`${parsed.listError}; the last good list stays in force`, hash);
  const removed = ledger.replaceSpaces(parsed.spaces);
  const status: ListStatus = {
    hash,
    error: null,
    // Kept as written (only this object reads them); GET /v1/spaces redacts them for viewers.
    errors: parsed.errors,
    valid: parsed.spaces.length,
    invalid: parsed.errors.length,
    good_at: nowMs,
    checked_at: nowMs,
  };
  ledger.setMeta("list", status);
  return { ...status, removed };
}
