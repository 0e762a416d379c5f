// The seed's queen push: while a pool has fresh hosts, its object posts the aggregated pool
// heartbeat, in the seed's own shape, to the pool's forward URL every pool_interval_s, from
// its alarm (so it survives the object sleeping, and a heartbeat never waits for it). 5 s
// timeout; after a failure the next try waits interval x 2^failures (at most 10 minutes),
// with jitter so many pools do not retry in step. The URL and its bearer secret are set by
// the admin (PUT /v1/admin/pools/{id}/forward); the secret is never shown again, and the
// snapshot shows only the URL's host and the last result.
import type { ForwardStatus, PoolHeartbeat } from "../../shared/index.js";
import { hostOf } from "../../shared/public-url.js";
import type { PoolState } from "./pool-state.js";
import type { RegistryStore } from "./registry-store.js";

const TIMEOUT_MS = 5_000;
const MAX_BACKOFF_MS = 10 * 60_000;

interface Target {
  url: string;
  token: string | null;
}

export class Forwarder {
  private target: Target | null;
  private nextAt: number | null = null;
  private failures = 0;
  private last: { at: number; status: number | null; error: string | null } | null = null;
  private inFlight = false;

  constructor(private readonly store: RegistryStore) {
    const stored = store.getMeta("forward");
    this.target = stored === null ? null : (JSON.parse(stored) as Target);
  }

  /** Sets or clears the target; the next alarm sends at once. */
  configure(target: Target | null, now: number): void {
    this.target = target;
    if (target === null) this.store.run("DELETE FROM meta WHERE key = 'forward'");
    else this.store.setMeta("forward", JSON.stringify(target));
    this.failures = 0;
    this.last = null;
    this.nextAt = target === null ? null : now;
  }

  /** When the alarm must wake for the next push: only while there is a fresh host to report. */
  wakeAt(pool: PoolState, now: number): number | null {
    if (this.target === null || !hasFreshHost(pool)) return null;
    return Math.max(this.nextAt ?? now, now);
  }

  status(pool: PoolState, now: number): ForwardStatus | null {
    if (this.target === null) return null;
    const next = this.wakeAt(pool, now);
    return {
      host: hostOf(this.target.url),
      token_set: this.target.token !== null,
      next_at: next === null ? null : new Date(next).toISOString(),
      failures_in_a_row: this.failures,
      last: this.last === null ? null : { at: new Date(this.last.at).toISOString(), status: this.last.status, error: this.last.error },
    };
  }

  /** Sends if due. Called from the alarm; awaiting the POST lets heartbeats run meanwhile. */
  async runIfDue(poolId: string, pool: PoolState, intervalMs: number, now: number): Promise<void> {
    const due = this.wakeAt(pool, now);
    if (due === null || due > now || this.inFlight || this.target === null) return;
    this.inFlight = true;
    const target = this.target;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (target.token !== null) headers.authorization = `Bearer ${target.token}`;
      const res = await fetch(target.url, { method: "POST", headers, body: JSON.stringify(seedHeartbeat(poolId, pool, now)), signal: AbortSignal.timeout(TIMEOUT_MS) });
      status = res.status;
      await res.body?.cancel();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error && err.name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : "could not connect";
    } finally {
      this.inFlight = false;
    }
    const at = Date.now();
    this.last = { at, status, error };
    if (error === null) {
      this.failures = 0;
      this.nextAt = at + intervalMs;
    } else {
      this.failures += 1;
      const backoff = Math.min(intervalMs * 2 ** this.failures, MAX_BACKOFF_MS);
      this.nextAt = at + Math.round(backoff * (0.5 + Math.random() / 2));
      console.log(JSON.stringify({ level: "warn", msg: "forward failed", pool_id: poolId, host: hostOf(target.url), error, failures: this.failures }));
    }
  }
}

function hasFreshHost(pool: PoolState): boolean {
  for (const h of pool.hosts.values()) if (h.state === "fresh") return true;
  return false;
}

/**
 * The seed's pool heartbeat (pool_id, timestamp, gpus[], workers[]) over every fresh host.
 * The seed has one GPU list per pool, so GPUs are numbered across hosts in host order and
 * each worker's gpu_id follows its GPU; only the seed's fields are sent.
 */
export function seedHeartbeat(poolId: string, pool: PoolState, now: number): PoolHeartbeat {
  const gpus: PoolHeartbeat["gpus"] = [];
  const renumbered = new Map<string, number>();
  for (const h of pool.hosts.values()) {
    if (h.state !== "fresh") continue;
    for (const g of h.gpus) {
      // The seed's GPU fields are numbers: a GPU whose VRAM could not be read is left out, not invented.
      if (g.total_vram_bytes === null || g.free_vram_bytes === null) continue;
      renumbered.set(`${h.id}\u0000${g.id}`, gpus.length);
      gpus.push({ id: gpus.length, device_name: g.device_name, total_vram_bytes: g.total_vram_bytes, free_vram_bytes: g.free_vram_bytes });
    }
  }
  const workers: PoolHeartbeat["workers"] = [];
  for (const w of pool.workers.values()) {
    if (w.state !== "fresh") continue;
    const gpuId = w.report.gpu_id === null || w.hostId === null ? w.report.gpu_id : (renumbered.get(`${w.hostId}\u0000${w.report.gpu_id}`) ?? null);
    const { id, status, model_ref, vram_bytes, uri, capabilities, protocol } = w.report;
    workers.push({ id, status, model_ref, vram_bytes, gpu_id: gpuId, uri, capabilities, protocol });
  }
  return { pool_id: poolId, timestamp: new Date(now).toISOString(), gpus, workers };
}
