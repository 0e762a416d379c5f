// The generic heartbeat sender, usable on its own by any TypeScript worker process:
//   const hb = startHeartbeat({ url, token, intervalMs: 30_000, payload: () => ({...}) });
//   ...; await hb.stop();
// Every interval with ±10% jitter, a 5 s timeout, failures logged and counted, exponential
// backoff with jitter while the receiver is down, recovering on its own. Never throws. A
// refusal that retrying cannot fix (401, 403, another 4xx) backs off to PERMANENT_BACKOFF_MS,
// so a revoked token is retried slowly, not at full rate forever.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { redact, silentLogger, type Logger } from "./log.js";

export type Payload = unknown | (() => unknown | Promise<unknown>);

export interface HeartbeatOptions {
  url: string;
  token?: string;
  intervalMs: number;
  timeoutMs?: number;
  payload: Payload;
  /** Longest wait between attempts while failing (default: 4 intervals, at most 60 s). */
  maxBackoffMs?: number;
  /** Extra request headers (e.g. user-agent). */
  headers?: Record<string, string>;
  logger?: Logger;
  random?: () => number;
  /** Called after every attempt (for metrics or tests). */
  onResult?: (result: SendResult) => void;
}

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
  body: unknown;
}

export interface HeartbeatStats {
  sent: number;
  failed: number;
  consecutiveFailures: number;
  lastOkAt: number | null;
  lastError: string | null;
}

export interface HeartbeatHandle {
  readonly stats: HeartbeatStats;
  /** Sends one heartbeat now (outside the schedule). */
  sendNow(payload?: Payload): Promise<SendResult>;
  /** Stops the schedule; with `final`, sends that payload once first (e.g. leaving: true). */
  stop(final?: Payload): Promise<SendResult | null>;
}

async function resolvePayload(p: Payload): Promise<unknown> {
  return typeof p === "function" ? await (p as () => unknown)() : p;
}

/** The useful part of a network error: its code (ECONNREFUSED, ...), looking through causes. */
function networkReason(err: unknown): string {
  let e = err as { code?: string; message?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    if (typeof e.code === "string") return e.code;
    const first = e.errors?.[0] as { code?: string } | undefined;
    if (typeof first?.code === "string") return first.code;
    e = e.cause as typeof e;
  }
  return (err as Error).message;
}

/**
 * One POST with node:http(s) rather than fetch(): loading undici costs a small sidecar about
 * 6 MB of its memory budget. The timeout covers the whole exchange.
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (text.length < 64 * 1024) text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timeout"), { name: "TimeoutError" })), timeoutMs);
    req.on("error", reject);
    req.on("close", () => clearTimeout(timer));
    req.end(body);
  });
}

export async function sendOnce(opts: HeartbeatOptions, payload: Payload): Promise<SendResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  try {
    const body = JSON.stringify(await resolvePayload(payload));
    const headers: Record<string, string> = { ...opts.headers, "content-type": "application/json" };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await post(opts.url, headers, body, timeoutMs);
    let parsed: unknown = res.text;
    try {
      parsed = JSON.parse(res.text);
    } catch {}
    const durationMs = Math.round(performance.now() - started);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null, durationMs, body: parsed };
    const detail = (parsed as { error?: { message?: string } })?.error?.message ?? res.text.slice(0, 200);
    return { ok: false, status: res.status, error: redact(`HTTP ${res.status}: ${detail}`), durationMs, body: parsed };
  } catch (err) {
    const e = err as Error;
    const reason = e.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : networkReason(e);
    return { ok: false, status: null, error: redact(reason), durationMs: Math.round(performance.now() - started), body: null };
  }
}

/** Longest wait after refusals that retrying cannot fix. */
export const PERMANENT_BACKOFF_MS = 5 * 60_000;

/** A 4xx other than 408 and 429: the same request will be refused again. */
export function isPermanentRefusal(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * The wait before the next attempt: ±10% around the interval while healthy; equal-jitter
 * exponential backoff while failing, capped at `maxBackoffMs`, or at PERMANENT_BACKOFF_MS
 * when the last answer was a permanent refusal.
 */
export function retryDelay(consecutiveFailures: number, lastStatus: number | null, intervalMs: number, maxBackoffMs: number, random: () => number): number {
  if (consecutiveFailures === 0) return intervalMs * (0.9 + 0.2 * random());
  const cap = isPermanentRefusal(lastStatus) ? Math.max(maxBackoffMs, PERMANENT_BACKOFF_MS) : maxBackoffMs;
  const exp = Math.min(cap, intervalMs * 2 ** (consecutiveFailures - 1));
  return exp / 2 + (exp / 2) * random();
}

export function startHeartbeat(opts: HeartbeatOptions): HeartbeatHandle {
  const log = opts.logger ?? silentLogger;
  const random = opts.random ?? Math.random;
  const maxBackoff = opts.maxBackoffMs ?? Math.min(60_000, opts.intervalMs * 4);
  const stats: HeartbeatStats = { sent: 0, failed: 0, consecutiveFailures: 0, lastOkAt: null, lastError: null };
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let inFlight: Promise<SendResult> | null = null;
  let lastStatus: number | null = null;

  const record = (r: SendResult) => {
    if (r.ok) {
      if (stats.consecutiveFailures > 0) log("info", "heartbeat recovered", { after_failures: stats.consecutiveFailures });
      stats.sent += 1;
      stats.consecutiveFailures = 0;
      stats.lastOkAt = Date.now();
    } else {
      stats.failed += 1;
      stats.consecutiveFailures += 1;
      stats.lastError = r.error;
      log(isPermanentRefusal(r.status) ? "error" : "warn", "heartbeat failed", { url: opts.url, status: r.status, error: r.error, consecutive: stats.consecutiveFailures });
    }
    lastStatus = r.status;
    opts.onResult?.(r);
    return r;
  };

  const send = (payload: Payload) => {
    const p = sendOnce(opts, payload).then(record);
    inFlight = p;
    return p.finally(() => {
      if (inFlight === p) inFlight = null;
    });
  };

  const nextDelay = () => retryDelay(stats.consecutiveFailures, lastStatus, opts.intervalMs, maxBackoff, random);

  const loop = async () => {
    if (stopped) return;
    await send(opts.payload);
    if (!stopped) timer = setTimeout(loop, nextDelay());
  };
  timer = setTimeout(loop, 0);

  return {
    stats,
    sendNow: (payload) => send(payload ?? opts.payload),
    async stop(final) {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      if (inFlight !== null) await inFlight;
      return final === undefined ? null : send(final);
    },
  };
}
