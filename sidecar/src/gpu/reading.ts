// One GPU as read on the host, before it is put into a pool heartbeat. Every number may be
// null: a value that could not be read is unknown, never guessed.
export interface GpuReading {
  id: number;
  uuid: string | null;
  device_name: string;
  total_vram_bytes: number | null;
  used_vram_bytes: number | null;
  free_vram_bytes: number | null;
  utilization_pct: number | null;
  temperature_c: number | null;
  power_w: number | null;
  unknown_reason: string | null;
}

/** The latest read of every GPU on the host, and when it was taken. */
export interface GpuSnapshot {
  vendor: "nvidia" | "amd" | "none";
  gpus: GpuReading[];
  /** Host clock, ms since epoch; null before the first read finished. */
  readAt: number | null;
  /** Why the last read failed or was partial (e.g. "nvidia-smi timed out after 5000 ms"). */
  error: string | null;
  /** How long the last read took. */
  durationMs: number | null;
}
