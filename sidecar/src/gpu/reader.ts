// Reads GPUs on its own schedule, apart from heartbeats: a heartbeat carries the last
// reading and when it was taken, and a slow or hung read never delays one.
import { readAmdSysfs } from "./amd.js";
import { NVIDIA_ARGS, parseNvidiaSmi } from "./nvidia.js";
import type { GpuSnapshot } from "./reading.js";
import { runWithTimeout } from "./run.js";

export interface GpuReaderOptions {
  nvidiaSmi?: string;
  amdSysfsRoot?: string;
  timeoutMs?: number;
  now?: () => number;
}

/** One read: NVIDIA first, then AMD; "no GPU" is a valid answer, not an error. */
export async function readGpus(opts: GpuReaderOptions = {}): Promise<GpuSnapshot> {
  const now = opts.now ?? Date.now;
  const started = performance.now();
  const done = (s: Omit<GpuSnapshot, "readAt" | "durationMs">): GpuSnapshot => ({
    ...s,
    readAt: now(),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
  const smi = await runWithTimeout(opts.nvidiaSmi ?? "nvidia-smi", NVIDIA_ARGS, opts.timeoutMs ?? 5000);
  if (smi.ok) {
    const { gpus, errors } = parseNvidiaSmi(smi.stdout);
    return done({ vendor: "nvidia", gpus, error: errors.length > 0 ? errors.join("; ") : null });
  }
  const notInstalled = smi.error?.endsWith("not found") ?? false;
  const amd = await readAmdSysfs(opts.amdSysfsRoot);
  if (amd.length > 0) return done({ vendor: "amd", gpus: amd, error: null });
  // nvidia-smi exists but failed (hung, driver mismatch): say so; no GPUs is then unknown, not "none".
  return done({ vendor: notInstalled ? "none" : "nvidia", gpus: [], error: notInstalled ? null : smi.error });
}

export class GpuReader {
  last: GpuSnapshot = { vendor: "none", gpus: [], readAt: null, error: null, durationMs: null };
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<GpuSnapshot> | null = null;

  constructor(private readonly opts: GpuReaderOptions & { intervalMs: number }) {}

  /** Reads now (one read at a time) and keeps the result. */
  async refresh(): Promise<GpuSnapshot> {
    this.reading ??= readGpus(this.opts).then((s) => {
      this.last = keepKnownGpus(this.last, s);
      this.reading = null;
      return this.last;
    });
    return this.reading;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * When a read fails outright, GPUs seen before are still there: report them with VRAM
 * unknown and the reason, rather than letting them vanish from the pool.
 */
export function keepKnownGpus(previous: GpuSnapshot, next: GpuSnapshot): GpuSnapshot {
  if (next.gpus.length > 0 || next.error === null || previous.gpus.length === 0) return next;
  return {
    ...next,
    vendor: previous.vendor,
    gpus: previous.gpus.map((g) => ({
      ...g,
      total_vram_bytes: null,
      used_vram_bytes: null,
      free_vram_bytes: null,
      utilization_pct: null,
      temperature_c: null,
      power_w: null,
      unknown_reason: next.error,
    })),
  };
}
