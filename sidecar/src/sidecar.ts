// Wires the sidecar together: GPU reader on its own schedule, the local hive, and the
// heartbeat sender. Failures are logged and counted, never fatal.
import type { Server } from "node:http";
import { GpuReader, readGpus } from "./gpu/reader.js";
import { createHive } from "./hive.js";
import type { Logger } from "./log.js";
import { buildPoolHeartbeat } from "./payload.js";
import { LocalRegistry } from "./registry.js";
import { sendOnce, startHeartbeat, type HeartbeatHandle, type SendResult } from "./sender.js";
import type { Config } from "./config.js";

export interface Sidecar {
  /** The hive's address (useful with --listen 127.0.0.1:0). */
  address: { host: string; port: number };
  heartbeat: HeartbeatHandle;
  /** Sends a final `leaving` heartbeat, closes the hive, stops reading GPUs. */
  stop(): Promise<SendResult | null>;
}

function heartbeatUrl(cfg: Config): string {
  return `${cfg.edge}/v2/pools/${encodeURIComponent(cfg.pool)}/heartbeat`;
}

/** --once and --dry-run: one read, one heartbeat (or none), no hive. */
export async function runOnce(cfg: Config, log: Logger): Promise<{ payload: unknown; result: SendResult | null }> {
  const gpu = await readGpus({ nvidiaSmi: cfg["nvidia-smi"] });
  if (gpu.error !== null) log("warn", "gpu read incomplete", { vendor: gpu.vendor, error: gpu.error });
  const payload = buildPoolHeartbeat(cfg.pool, cfg["host-id"], gpu, new LocalRegistry());
  if (cfg["dry-run"]) return { payload, result: null };
  const result = await sendOnce({ url: heartbeatUrl(cfg), token: cfg.token, intervalMs: cfg.interval * 1000, payload }, payload);
  log(result.ok ? "info" : "error", result.ok ? "heartbeat sent" : "heartbeat failed", { status: result.status, error: result.error, ms: result.durationMs });
  return { payload, result };
}

export async function startSidecar(cfg: Config, log: Logger): Promise<Sidecar> {
  const registry = new LocalRegistry();
  const reader = new GpuReader({ intervalMs: cfg["gpu-interval"] * 1000, nvidiaSmi: cfg["nvidia-smi"] });
  const first = await reader.refresh();
  log("info", "gpus read", { vendor: first.vendor, gpus: first.gpus.length, ms: first.durationMs, error: first.error });
  reader.start();

  const hive: Server = createHive(registry, { hostId: cfg["host-id"], stats: () => ({ ...heartbeat.stats, gpus: reader.last.gpus.length }) });
  await new Promise<void>((resolve, reject) => {
    hive.once("error", reject);
    hive.listen(cfg.listen.port, cfg.listen.host, () => resolve());
  });
  hive.on("error", (err) => log("error", "hive error", { error: err.message }));
  const addr = hive.address();
  const address = typeof addr === "object" && addr !== null ? { host: addr.address, port: addr.port } : { host: cfg.listen.host, port: cfg.listen.port };
  log("info", "hive listening", { listen: `${address.host}:${address.port}`, edge: cfg.edge, pool: cfg.pool, host_id: cfg["host-id"], interval_s: cfg.interval });

  const payload = (leaving = false) => buildPoolHeartbeat(cfg.pool, cfg["host-id"], reader.last, registry, leaving);
  const heartbeat = startHeartbeat({
    url: heartbeatUrl(cfg),
    token: cfg.token,
    intervalMs: cfg.interval * 1000,
    payload: () => payload(),
    logger: log,
  });

  return {
    address,
    heartbeat,
    async stop() {
      reader.stop();
      const result = await heartbeat.stop(payload(true));
      log(result?.ok ? "info" : "warn", "left the pool", { status: result?.status ?? null, error: result?.error ?? null });
      await new Promise<void>((resolve) => hive.close(() => resolve()));
      return result;
    },
  };
}
