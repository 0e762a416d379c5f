// Alert delivery. Messages wait in a SQLite outbox and are sent from the Alerter's alarm,
// never from a tick or a heartbeat, so a slow or failing webhook delays nothing else.
// Per target they go out in order (a "down" never arrives after its "up"): a failure
// holds that target's later messages until the retry. 5xx, 408 and network errors retry
// with doubling backoff and jitter; 429 waits as long as the target asks; other 4xx (a
// deleted webhook) and too many attempts drop the message, and the drop is recorded.
import type { AlertTarget } from "../../shared/alerts.js";
import type { AlertStatus } from "../../shared/api.js";
import { sha256Hex } from "../auth/tokens.js";
import { Limiter } from "../http/limiter.js";
import { identityOf, requestsFor } from "./channels.js";
import type { AlertMessage } from "./messages.js";

export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, target TEXT NOT NULL, message TEXT NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL, last_error TEXT);
CREATE TABLE IF NOT EXISTS sent (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, target TEXT NOT NULL, event TEXT NOT NULL, title TEXT NOT NULL, outcome TEXT NOT NULL, attempts INTEGER NOT NULL);
`;

/** External subrequests one alarm may spend (the Free plan allows 50 per invocation). */
export const DELIVERIES_PER_RUN = 40;
export const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 10_000;
const FIRST_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 15 * 60_000;
const SENT_KEPT = 200;

/** Names a target across config edits without keeping its URL anywhere but the config. */
export async function fingerprint(t: AlertTarget): Promise<string> {
  return (await sha256Hex(identityOf(t))).slice(0, 16);
}

export interface KnownTarget {
  fp: string;
  name: string;
  target: AlertTarget;
}

interface OutboxRow {
  id: number;
  target: string;
  message: string;
  attempts: number;
  next_at: number;
  created_at: number;
  last_error: string | null;
}

export function enqueue(sql: SqlStorage, fp: string, m: AlertMessage, now: number): void {
  sql.exec("INSERT INTO outbox (target, message, attempts, next_at, created_at) VALUES (?, ?, 0, ?, ?)", fp, JSON.stringify(m), now, now);
}

/** GET /v1/admin/alerts: what waits in the outbox, and the last deliveries. */
export function outboxStatus(sql: SqlStorage): Pick<AlertStatus, "outbox" | "sent"> {
  const outbox = sql.exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox").one();
  const lastError = sql.exec<{ e: string | null }>("SELECT last_error AS e FROM outbox WHERE last_error IS NOT NULL ORDER BY id LIMIT 1").toArray()[0]?.e ?? null;
  return {
    outbox: { waiting: outbox.n, oldest_at: outbox.oldest, last_error: lastError },
    sent: sql.exec<AlertStatus["sent"][number] & Record<string, SqlStorageValue>>("SELECT at, target, event, title, outcome, attempts FROM sent ORDER BY id DESC LIMIT 20").toArray(),
  };
}

export function nextDeliveryAt(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM outbox").one().t;
}

export function backoffMs(attempts: number, random = Math.random()): number {
  const d = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempts - 1));
  return d / 2 + (random * d) / 2;
}

async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

type Attempt = { ok: true } | { ok: false; retryAt: number | null; error: string };

/** Sends a message as its service's request(s) (channels.ts); all must succeed. */
async function post(target: AlertTarget, m: AlertMessage, now: number): Promise<Attempt> {
  for (const r of requestsFor(target, m)) {
    const headers: Record<string, string> = { "user-agent": "edge-pulse-alerts", ...r.headers };
    if (target.type === "webhook" && target.secret !== undefined) headers["x-edge-pulse-signature"] = await sign(target.secret, r.body);
    const attempt = await send(r.url, headers, r.body, now);
    if (!attempt.ok) return attempt;
  }
  return { ok: true };
}

async function send(url: string, headers: Record<string, string>, body: string, now: number): Promise<Attempt> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    // The URL is a secret: report the failure's kind, never the request.
    return { ok: false, retryAt: 0, error: (err as Error).name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : "connection failed" };
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return { ok: true };
  if (res.status === 429) {
    const header = Number(res.headers.get("retry-after"));
    let wait = Number.isFinite(header) && header > 0 ? header : NaN;
    if (Number.isNaN(wait)) {
      try {
        // Discord says retry_after; Telegram parameters.retry_after.
        const b = JSON.parse(text) as { retry_after?: number; parameters?: { retry_after?: number } };
        wait = Number(b.retry_after ?? b.parameters?.retry_after);
      } catch {
        wait = NaN;
      }
    }
    return { ok: false, retryAt: now + (Number.isFinite(wait) && wait > 0 ? Math.min(wait, 3600) * 1000 : FIRST_BACKOFF_MS), error: "rate limited (429)" };
  }
  const retry = res.status >= 500 || res.status === 408;
  return { ok: false, retryAt: retry ? 0 : null, error: `answered ${res.status}` };
}

export interface DeliveryOutcome {
  sent: number;
  failed: number;
  dropped: number;
}

/** Sends what is due, oldest first per target; returns what happened. */
export async function deliverDue(sql: SqlStorage, targets: KnownTarget[], now: number, log: (level: string, msg: string, f: object) => void): Promise<DeliveryOutcome> {
  const rows = sql.exec<OutboxRow & Record<string, SqlStorageValue>>("SELECT * FROM outbox ORDER BY id LIMIT 1000").toArray();
  const byTarget = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const queue = byTarget.get(r.target);
    if (queue === undefined) byTarget.set(r.target, [r]);
    else queue.push(r);
  }
  const out: DeliveryOutcome = { sent: 0, failed: 0, dropped: 0 };
  let budget = DELIVERIES_PER_RUN;
  const limiter = new Limiter(6);
  const record = (r: OutboxRow, m: AlertMessage, name: string, outcome: string, attempts: number) => {
    sql.exec("DELETE FROM outbox WHERE id = ?", r.id);
    const id = sql.exec("INSERT INTO sent (at, target, event, title, outcome, attempts) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", now, name, m.event, m.title, outcome, attempts).one().id as number;
    if (id % 50 === 0) sql.exec("DELETE FROM sent WHERE id <= ?", id - SENT_KEPT);
  };
  await Promise.all(
    [...byTarget].map(([fp, queue]) =>
      limiter.run(async () => {
        const known = targets.find((t) => t.fp === fp);
        for (const r of queue) {
          const m = JSON.parse(r.message) as AlertMessage;
          if (known === undefined) {
            // The target was removed from the settings: its queue goes with it.
            sql.exec("DELETE FROM outbox WHERE id = ?", r.id);
            out.dropped += 1;
            continue;
          }
          // In order per target: a message waiting for its retry holds the ones behind it.
          if (r.next_at > now || budget <= 0) return;
          budget -= 1;
          const attempts = r.attempts + 1;
          const result = await post(known.target, m, Date.now());
          if (result.ok) {
            record(r, m, known.name, "sent", attempts);
            out.sent += 1;
            continue;
          }
          if (result.retryAt === null || attempts >= MAX_ATTEMPTS) {
            record(r, m, known.name, `dropped: ${result.error}`, attempts);
            log("error", "alert dropped", { target: known.name, event: m.event, key: m.key, attempts, error: result.error });
            out.dropped += 1;
            continue;
          }
          const retryAt = result.retryAt > 0 ? result.retryAt : Date.now() + backoffMs(attempts);
          sql.exec("UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", attempts, retryAt, result.error, r.id);
          log("warn", "alert delivery failed; will retry", { target: known.name, event: m.event, key: m.key, attempts, error: result.error, retry_at: new Date(retryAt).toISOString() });
          out.failed += 1;
          return;
        }
      }),
    ),
  );
  return out;
}
