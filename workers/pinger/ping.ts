// One check of one Space: a timeout per attempt, retries with backoff and jitter for the
// cold-wake case (a waking Space answers 503 or is slow), bodies never read, redirects
// followed by hand so each hop is counted against the invocation's subrequest budget.
import type { Space } from "../../shared/spaces.js";
import { Limiter } from "../http/limiter.js";
import { SubrequestBudget } from "./budget.js";

export type PingOutcome = "up" | "down" | "waking" | "skipped";

export interface PingResult {
  outcome: PingOutcome;
  /** Status of the last response, if any. */
  status: number | null;
  /** Time to the last response (redirects included), if any. */
  latency_ms: number | null;
  attempts: number;
  /** External subrequests spent (every redirect hop is one). */
  subrequests: number;
  error: string | null;
  /** Its retries were cut short by the run's budget: the tick checks it again in a second pass. */
  cut_short?: true;
}

export interface PingOptions {
  /** The first attempt's first hop uses a reservation (budget.reserve), the rest spare budget. */
  budget: SubrequestBudget;
  /** Shared by every ping of the invocation: at most `max` connections open at once. */
  limiter?: Limiter;
  /** Added to every request (the run id, so a Space's owner can tell our requests apart). */
  headers?: Record<string, string>;
  /** Attempts after the first (default 2). */
  retries?: number;
  /** First backoff; doubled per retry, with jitter (default 2 s). */
  backoffMs?: number;
  maxRedirects?: number;
  random?: () => number;
}

const USER_AGENT = "edge-pulse (+https://github.com/edge-pulse)";
/** Statuses a waking or overloaded Space gives before it is ready: worth another attempt. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

type Attempt =
  | { kind: "response"; status: number; latencyMs: number }
  | { kind: "failed"; error: string; retry: boolean; budget?: true };

function isUp(space: Space, status: number): boolean {
  return space.expect_status !== undefined ? space.expect_status.includes(status) : status >= 200 && status < 400;
}

interface AttemptContext {
  budget: SubrequestBudget;
  first: boolean;
  maxRedirects: number;
  headers: Record<string, string>;
  spent: { n: number };
}

/** One attempt, redirects included; holds one connection slot from first hop to last. */
async function attempt(space: Space, cx: AttemptContext): Promise<Attempt> {
  let url = space.url;
  const seen = new Set([url]);
  // Timed from here, not from the queue: waiting for a slot is not the Space's slowness.
  // performance.now(), not Date: a test that pins Date must still see real latency.
  const started = performance.now();
  const signal = AbortSignal.timeout(space.timeout_s * 1000);
  const headers = { "user-agent": USER_AGENT, ...space.headers, ...cx.headers };
  for (let hop = 0; ; hop++) {
    const granted = cx.first && hop === 0 ? cx.budget.takeReserved() : cx.budget.take();
    if (!granted) return { kind: "failed", error: "subrequest budget for this run is spent", retry: false, budget: true };
    cx.spent.n += 1;
    let res: Response;
    try {
      res = await fetch(url, { method: space.method, headers, redirect: "manual", signal });
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === "TimeoutError" || signal.aborted;
      return { kind: "failed", error: timedOut ? `timed out after ${space.timeout_s} s` : `network error: ${e.message}`, retry: true };
    }
    // Never read a body: a Space's page can be megabytes, and reading costs CPU and time.
    await res.body?.cancel().catch(() => {});
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location !== null) {
      const next = new URL(location, url).toString();
      if (seen.has(next)) return { kind: "failed", error: `redirect loop at ${next}`, retry: false };
      if (hop >= cx.maxRedirects) return { kind: "failed", error: `more than ${cx.maxRedirects} redirects`, retry: false };
      seen.add(next);
      url = next;
      continue;
    }
    return { kind: "response", status: res.status, latencyMs: Math.round(performance.now() - started) };
  }
}

export async function pingSpace(space: Space, opts: PingOptions): Promise<PingResult> {
  const retries = opts.retries ?? 2;
  const backoff = opts.backoffMs ?? 2000;
  const random = opts.random ?? Math.random;
  const spent = { n: 0 };
  let last: Attempt | null = null;
  let attempts = 0;
  let cutShort = false;
  for (let i = 0; i <= retries; i++) {
    if (i > 0) {
      // Equal jitter: half the wait fixed, half random, so many Spaces waking at once spread out.
      const wait = backoff * 2 ** (i - 1);
      await new Promise((r) => setTimeout(r, wait / 2 + (wait / 2) * random()));
    }
    if (i > 0 && opts.budget.spare <= 0) {
      cutShort = true;
      break;
    }
    const cx: AttemptContext = { budget: opts.budget, first: i === 0, maxRedirects: opts.maxRedirects ?? 3, headers: opts.headers ?? {}, spent };
    const a = opts.limiter !== undefined ? await opts.limiter.run(() => attempt(space, cx)) : await attempt(space, cx);
    if (a.kind === "failed" && a.budget) {
      // Out of budget is not the Space's fault: with no answer at all it was not checked;
      // after a first answer, that answer stands (its retries were cut short).
      if (last === null) return { outcome: "skipped", status: null, latency_ms: null, attempts, subrequests: spent.n, error: a.error };
      cutShort = true;
      break;
    }
    attempts += 1;
    last = a;
    if (a.kind === "response" && isUp(space, a.status)) return { outcome: "up", status: a.status, latency_ms: a.latencyMs, attempts, subrequests: spent.n, error: null };
    const retry = a.kind === "response" ? RETRYABLE.has(a.status) : a.retry;
    if (!retry) break;
  }
  if (last === null) return { outcome: "skipped", status: null, latency_ms: null, attempts: 0, subrequests: 0, error: "subrequest budget for this run is spent" };
  const note = cutShort ? " (retries cut short: this run's subrequest budget is spent)" : "";
  const cut = cutShort ? { cut_short: true as const } : {};
  if (last.kind === "response") {
    // Still answering 503 after the retries: the Space is starting, not gone.
    const outcome = last.status === 503 ? "waking" : "down";
    return { outcome, status: last.status, latency_ms: last.latencyMs, attempts, subrequests: spent.n, error: `unexpected status ${last.status}${note}`, ...cut };
  }
  return { outcome: "down", status: null, latency_ms: null, attempts, subrequests: spent.n, error: `${last.error}${note}`, ...cut };
}
