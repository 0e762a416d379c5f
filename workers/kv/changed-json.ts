// Settings kept as JSON text in KV (the Space list, the alert settings) are read at every
// tick or alarm but parsed only when the text changed: its SHA-256 is compared with the one
// last looked at (zod takes 10-15 ms for a 2,000-entry list, more than the Free plan's CPU).
// Callers keep their last good value in force whenever this says the text is unusable.
import { parseJsonText } from "../../shared/index.js";
import { sha256Hex } from "../auth/tokens.js";

export type ChangedJson =
  /** Same text as `lastHash`: nothing to do. */
  | { kind: "unchanged" }
  /** KV could not be read (hash: the last one, so the text is judged again next time) or the text is not JSON. */
  | { kind: "error"; hash: string | null; error: string }
  | { kind: "json"; hash: string; value: unknown };

/** `fallback` stands in when the key is not set (e.g. "[]": no list yet is not an error); `what` names the text in errors. */
export async function readChangedJson(kv: KVNamespace, key: string, lastHash: string | null, fallback: string, what: string): Promise<ChangedJson> {
  let text: string | null;
  try {
    text = await kv.get(key);
  } catch (err) {
    return { kind: "error", hash: lastHash, error: `could not read the ${what} from KV: ${(err as Error).message}` };
  }
  const source = text ?? fallback;
  const hash = await sha256Hex(source);
  if (hash === lastHash) return { kind: "unchanged" };
  // The same rules as request bodies (depth, no __proto__): KV is written by wrangler too.
  const parsed = parseJsonText(source);
  if (parsed.ok) return { kind: "json", hash, value: parsed.value };
  return { kind: "error", hash, error: parsed.error.code === "invalid_json" ? `the stored ${what} is not valid JSON` : `the stored ${what}: ${parsed.error.message}` };
}
