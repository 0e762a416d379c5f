// Each GPU's VRAM used over the last 24 hours, for the pool's page (/pools/{id}), from the
// readings pool heartbeats already bring: no extra request, and one row every 10 minutes
// whatever the pool's size. The current 10-minute bucket (the most used per GPU) lives in
// memory; when a heartbeat falls in a later bucket, the finished one is written into a ring
// of 144 slots (24 h), overwritten a day later, so nothing is ever deleted. A bucket whose
// object was evicted before it ended is a gap in the chart, never a guess; a GPU that could
// not be read is recorded as unknown.
import type { GpuReport } from "../../shared/heartbeat.js";
import type { RegistryStore } from "./registry-store.js";

export const BUCKET_MS = 600_000;
export const SLOTS = 144;

const SCHEMA = "CREATE TABLE IF NOT EXISTS vram_history (slot INTEGER PRIMARY KEY, at INTEGER NOT NULL, data TEXT NOT NULL)";

/** Per GPU ("<host>/<gpu id>"): [most VRAM used in the bucket, or null when unreadable; total]. */
type Bucket = Record<string, [number | null, number | null]>;

/** A GPU's series, oldest first: [bucket start ms, used bytes | null]. */
export type VramSeries = Record<string, { points: [number, number | null][]; total: number | null }>;

export class VramHistory {
  private bucket: number | null = null;
  private current: Bucket = {};

  constructor(private readonly store: RegistryStore) {
    store.rows(SCHEMA);
  }

  /** A host's GPUs as a heartbeat just reported them. */
  note(now: number, hostId: string, gpus: GpuReport[]): void {
    const bucket = Math.floor(now / BUCKET_MS);
    if (this.bucket !== null && bucket !== this.bucket) this.flush();
    this.bucket = bucket;
    for (const g of gpus) {
      const key = `${hostId}/${g.id}`;
      const used = g.total_vram_bytes !== null && g.free_vram_bytes !== null ? g.total_vram_bytes - g.free_vram_bytes : null;
      const prev = this.current[key];
      this.current[key] = [prev === undefined || prev[0] === null ? used : used === null ? prev[0] : Math.max(prev[0], used), g.total_vram_bytes];
    }
  }

  /** Writes the finished bucket (one row). */
  private flush(): void {
    if (this.bucket === null || Object.keys(this.current).length === 0) return;
    const at = this.bucket * BUCKET_MS;
    this.store.run(
      "INSERT INTO vram_history (slot, at, data) VALUES (?, ?, ?) ON CONFLICT (slot) DO UPDATE SET at = excluded.at, data = excluded.data",
      this.bucket % SLOTS,
      at,
      JSON.stringify(this.current),
    );
    this.current = {};
  }

  /** The last 24 hours per GPU, the bucket in progress included. */
  series(now: number): VramSeries {
    const from = now - 24 * 3_600_000;
    const rows = this.store.rows<{ at: number; data: string }>("SELECT at, data FROM vram_history WHERE at >= ? ORDER BY at", from);
    const buckets: [number, Bucket][] = rows.map((r) => [r.at, JSON.parse(r.data) as Bucket]);
    if (this.bucket !== null && Object.keys(this.current).length > 0) buckets.push([this.bucket * BUCKET_MS, this.current]);
    const out: VramSeries = {};
    for (const [at, b] of buckets) {
      for (const [key, [used, total]] of Object.entries(b)) {
        const s = (out[key] ??= { points: [], total: null });
        s.points.push([at, used]);
        if (total !== null) s.total = total;
      }
    }
    return out;
  }
}
