// Wires the sidecar together: GPU reader on its own schedule, the local hive, and the
// heartbeat sender. Failures are logged and counted, never fatal. What the edge refuses is
// learned (refusals.ts) and left out of the next heartbeat; what it accepts confirms leaves.
import type { Server } from "node:http";
import type { PoolHeartbeat } from "../../shared/heartbeat.js";
import type { FitNote } from "./fit.js";
import { GpuReader, readGpus } from "./gpu/reader.js";
import { killRunning } from "./gpu/run.js";
import { createHive } from "./hive.js";
import type { Logger } from "./log.js";
import { buildLeavingHeartbeat, buildPoolHeartbeat } from "./payload.js";
import { Refusals, type EdgeError } from "./refusals.js";
import { LocalRegistry } from "./registry.js";
import { sendOnce, startHeartbeat, type HeartbeatHandle, type SendResult } from "./sender.js";
import type { Config } from "./config.js";
import { VERSION } from "./version.js";

export interface Sidecar {
  /** The hive's address (useful with --listen 127.0.0.1:0). */
  address: { host: string; port: number };
  heartbeat: HeartbeatHandle;
  /** Stops reading GPUs (killing a read in progress), closes the hive and its connections, sends a final `leaving` heartbeat. */
  stop(): Promise<SendResult | null>;
}

function heartbeatUrl(cfg: Config): string {
  return `${cfg.edge}/v2/pools/${encodeURIComponent(cfg.pool)}/heartbeat`;
}

/** Names this sidecar in the edge's logs; the version also rides in the body (sidecar_version). */
const HEADERS = { "user-agent": `heartbeat-sidecar/${VERSION} node/${process.versions.node}` };

/** Logs each cut or dropped value once, again only when it changes, so a 15 s loop is not a flood. */
function noteLogger(log: Logger) {
  let last = new Set<string>();
  return (notes: FitNote[]) => {
    const now = new Set(notes.map((n) => JSON.stringify(n)));
    for (const key of now) if (!last.has(key)) {
      const { msg, ...fields } = JSON.parse(key) as FitNote;
      log("warn", msg, fields);
    }
    last = now;
  };
}

/** The edge's answer to a heartbeat it refused, said once, loudly, with what happens next. */
function explainRefusal(log: Logger, r: SendResult, next: string | null): void {
  const error = (r.body as { error?: EdgeError & { message?: string } } | null)?.error;
  if (r.status === 401 || r.status === 403) {
    log("error", "the edge refuses this pool token", { status: r.status, error: error?.message ?? null, next: "retrying every few minutes; issue a new token with POST /v1/admin/pools/{pool}/tokens" });
  } else if (r.status === 400 || r.status === 413) {
    log("error", "the edge refused the heartbeat", { status: r.status, code: error?.code ?? null, field: error?.field ?? null, next: next ?? "nothing to leave out: check --pool and --host-id; retrying slowly" });
  }
}

/** --once and --dry-run: one read, one heartbeat (or none), no hive. */
export async function runOnce(cfg: Config, log: Logger): Promise<{ payload: unknown; result: SendResult | null }> {
  const gpu = await readGpus({ nvidiaSmi: cfg["nvidia-smi"] });
  if (gpu.error !== null) log("warn", "gpu read incomplete", { vendor: gpu.vendor, error: gpu.error });
  const { heartbeat: payload, notes } = buildPoolHeartbeat(cfg.pool, cfg["host-id"], gpu, new LocalRegistry());
  noteLogger(log)(notes);
  if (cfg["dry-run"]) return { payload, result: null };
  const result = await sendOnce({ url: heartbeatUrl(cfg), token: cfg.token, intervalMs: cfg.interval * 1000, payload, headers: HEADERS }, payload);
  log(result.ok ? "info" : "error", result.ok ? "heartbeat sent" : "heartbeat failed", { status: result.status, error: result.error, ms: result.durationMs });
  if (!result.ok) explainRefusal(log, result, null);
  return { payload, result };
}

export async function startSidecar(cfg: Config, log: Logger): Promise<Sidecar> {
  const registry = new LocalRegistry();
  const refusals = new Refusals();
  const reader = new GpuReader({ intervalMs: cfg["gpu-interval"] * 1000, nvidiaSmi: cfg["nvidia-smi"] });

  const hive: Server = createHive(registry, { hostId: cfg["host-id"], token: cfg["hive-token"], stats: () => ({ ...heartbeat.stats, gpus: reader.last.gpus.length, version: VERSION }) });
  await new Promise<void>((resolve, reject) => {
    hive.once("error", reject);
    hive.listen(cfg.listen.port, cfg.listen.host, () => resolve());
  });
  hive.on("error", (err) => log("error", "hive error", { error: err.message }));
  const addr = hive.address();
  const address = typeof addr === "object" && addr !== null ? { host: addr.address, port: addr.port } : { host: cfg.listen.host, port: cfg.listen.port };

  // The first read comes before the first heartbeat (bounded by the 5 s nvidia-smi timeout), so the host joins with its GPUs.
  const first = await reader.refresh();
  log("info", "gpus read", { vendor: first.vendor, gpus: first.gpus.length, ms: first.durationMs, error: first.error });
  reader.start();
  log("info", "hive listening", { listen: `${address.host}:${address.port}`, edge: cfg.edge, pool: cfg.pool, host_id: cfg["host-id"], interval_s: cfg.interval, version: VERSION });

  const logNotes = noteLogger(log);
  let sent: PoolHeartbeat | null = null;
  let warnedVersion: string | null = null;
  const payload = () => {
    if (refusals.expire()) log("info", "trying the full heartbeat again", { after: "10 minutes of reduced heartbeats" });
    const { heartbeat: hb, notes } = buildPoolHeartbeat(cfg.pool, cfg["host-id"], reader.last, registry, refusals);
    logNotes(notes);
    sent = hb;
    return hb;
  };
  const heartbeat = startHeartbeat({
    url: heartbeatUrl(cfg),
    token: cfg.token,
    intervalMs: cfg.interval * 1000,
    payload,
    headers: HEADERS,
    logger: log,
    onResult: (r) => {
      if (sent === null) return;
      // Leaves are confirmed only by a heartbeat the edge applied (not one it ignored as out of order).
      const ack = r.body as { status?: string; edge_sidecar_version?: string } | null;
      if (r.ok && ack?.status === "accepted" && sent.left_workers) registry.confirmLeft(sent.left_workers);
      // Said once per edge version: npx keeps the version it first installed until its cache is cleared.
      if (r.ok && typeof ack?.edge_sidecar_version === "string" && ack.edge_sidecar_version !== VERSION && warnedVersion !== ack.edge_sidecar_version) {
        warnedVersion = ack.edge_sidecar_version;
        log("warn", "the edge serves another sidecar version", { running: VERSION, edge: ack.edge_sidecar_version, install: `npx --yes ${cfg.edge}/heartbeat-sidecar-${ack.edge_sidecar_version}.tgz` });
      }
      if (r.ok) return;
      const error = (r.body as { error?: EdgeError } | null)?.error;
      explainRefusal(log, r, r.status === 400 || r.status === 413 ? refusals.learn(r.status, error, sent) : null);
    },
  });

  return {
    address,
    heartbeat,
    async stop() {
      reader.stop();
      // A hung nvidia-smi must not outlive the sidecar, and slow hive clients must not hold it open.
      killRunning();
      hive.close();
      hive.closeAllConnections();
      const result = await heartbeat.stop(buildLeavingHeartbeat(cfg.pool, cfg["host-id"]));
      log(result?.ok ? "info" : "warn", "left the pool", { status: result?.status ?? null, error: result?.error ?? null });
      return result;
    },
  };
}
