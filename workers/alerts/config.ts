// The alert settings as the Alerter uses them: read from KV (key `alerts`), parsed only
// when the text changed (by SHA-256), and kept in the Alerter's storage. Text that does not
// parse leaves the last good settings in force, and the reason is shown by the admin API.
import { ALERTS_KEY, AlertConfigSchema, DEFAULT_ALERT_CONFIG, describeTarget, type AlertConfig } from "../../shared/alerts.js";
import { validate } from "../../shared/parse.js";
import { readChangedJson } from "../kv/changed-json.js";
import { fingerprint, type KnownTarget } from "./outbox.js";

export interface ConfigState {
  hash: string | null;
  config: AlertConfig;
  /** Why the stored text is not in force (null when it is). */
  error: string | null;
  read_at: number;
}

export function parseAlertConfig(raw: unknown) {
  return validate(AlertConfigSchema, raw, "invalid_alerts");
}

export async function refreshConfig(kv: KVNamespace, last: ConfigState | null, now: number): Promise<ConfigState> {
  const keep = (error: string, hash: string | null): ConfigState => ({ hash, config: last?.config ?? DEFAULT_ALERT_CONFIG, error, read_at: now });
  // None set ("{}"): the defaults, no targets.
  const read = await readChangedJson(kv, ALERTS_KEY, last?.hash ?? null, "{}", "alert settings text");
  if (read.kind === "unchanged") return last!;
  if (read.kind === "error") return keep(`${read.error}; the last good settings stay in force`, read.hash);
  const parsed = parseAlertConfig(read.value);
  if (!parsed.ok) return keep(`${parsed.error.message}; the last good settings stay in force`, read.hash);
  return { hash: read.hash, config: parsed.value, error: null, read_at: now };
}

export async function knownTargets(config: AlertConfig): Promise<KnownTarget[]> {
  return Promise.all(config.targets.map(async (target, i) => ({ fp: await fingerprint(target), name: describeTarget(target, i).name, target })));
}
