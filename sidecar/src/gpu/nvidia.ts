// Parses `nvidia-smi --query-gpu=... --format=csv,noheader,nounits`. MiB become bytes exactly;
// "[N/A]", "[Not Supported]" and anything unparsable become null with a reason. A line
// with the wrong number of columns (a driver that changed its output) yields no numbers at
// all rather than numbers read from the wrong column. An index printed twice is one GPU
// whose disputed values are unknown (we cannot tell which line is right).
import type { GpuReading } from "./reading.js";

export const NVIDIA_QUERY = [
  "index",
  "uuid",
  "name",
  "memory.total",
  "memory.used",
  "memory.free",
  "utilization.gpu",
  "temperature.gpu",
  "power.draw",
] as const;

export const NVIDIA_ARGS = [`--query-gpu=${NVIDIA_QUERY.join(",")}`, "--format=csv,noheader,nounits"];

const MIB = 1024 * 1024;

type Parsed = { value: number; reason: null } | { value: null; reason: string };

function num(field: string, raw: string | undefined): Parsed {
  const text = (raw ?? "").trim();
  if (text === "" || text.startsWith("[")) return { value: null, reason: `${field}: ${text === "" ? "empty" : text}` };
  const value = Number(text);
  return Number.isFinite(value) ? { value, reason: null } : { value: null, reason: `${field}: unparsable "${text}"` };
}

function mibToBytes(field: string, raw: string | undefined): Parsed {
  const p = num(field, raw);
  if (p.value === null) return p;
  if (p.value < 0 || !Number.isInteger(p.value)) return { value: null, reason: `${field}: not a whole MiB count "${raw?.trim()}"` };
  return { value: p.value * MIB, reason: null };
}

export function parseNvidiaSmi(stdout: string): { gpus: GpuReading[]; errors: string[] } {
  const gpus: GpuReading[] = [];
  const errors: string[] = [];
  for (const [lineNo, line] of stdout.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const cols = line.split(",").map((c) => c.trim());
    if (cols.length !== NVIDIA_QUERY.length) {
      errors.push(`line ${lineNo + 1}: expected ${NVIDIA_QUERY.length} columns, got ${cols.length}`);
      continue;
    }
    const [index, uuid, name, total, used, free, util, temp, power] = cols;
    const id = num("index", index);
    if (id.value === null || !Number.isInteger(id.value) || id.value < 0) {
      errors.push(`line ${lineNo + 1}: bad index "${index}"`);
      continue;
    }
    const reasons: string[] = [];
    const take = (p: Parsed) => {
      if (p.reason !== null) reasons.push(p.reason);
      return p.value;
    };
    const totalBytes = take(mibToBytes("memory.total", total));
    const usedBytes = take(mibToBytes("memory.used", used));
    let freeBytes = take(mibToBytes("memory.free", free));
    // Free above total is a driver glitch, not a reading: report it as unknown.
    if (freeBytes !== null && totalBytes !== null && freeBytes > totalBytes) {
      reasons.push(`memory.free (${free} MiB) exceeds memory.total (${total} MiB)`);
      freeBytes = null;
    }
    gpus.push({
      id: id.value,
      uuid: uuid && !uuid.startsWith("[") ? uuid : null,
      device_name: name && !name.startsWith("[") ? name : "unknown NVIDIA GPU",
      total_vram_bytes: totalBytes,
      used_vram_bytes: usedBytes,
      free_vram_bytes: freeBytes,
      utilization_pct: take(num("utilization.gpu", util)),
      temperature_c: take(num("temperature.gpu", temp)),
      power_w: take(num("power.draw", power)),
      unknown_reason: reasons.length > 0 ? reasons.join("; ") : null,
    });
  }
  return { gpus: mergeDuplicateIndexes(gpus, errors), errors };
}

const READINGS = ["uuid", "device_name", "total_vram_bytes", "used_vram_bytes", "free_vram_bytes", "utilization_pct", "temperature_c", "power_w"] as const;

/** One GPU per index: values every line agrees on are kept, the others become null (a name becomes "unknown NVIDIA GPU"). */
function mergeDuplicateIndexes(gpus: GpuReading[], errors: string[]): GpuReading[] {
  const byId = new Map<number, GpuReading[]>();
  for (const g of gpus) byId.set(g.id, [...(byId.get(g.id) ?? []), g]);
  const out: GpuReading[] = [];
  for (const [id, lines] of byId) {
    const first = lines[0]!;
    if (lines.length === 1) {
      out.push(first);
      continue;
    }
    const merged: GpuReading = { ...first };
    const disputed = READINGS.filter((f) => lines.some((g) => g[f] !== first[f]));
    for (const f of disputed) (merged as unknown as Record<string, unknown>)[f] = f === "device_name" ? "unknown NVIDIA GPU" : null;
    const conflict = `index ${id} appears ${lines.length} times in nvidia-smi output${disputed.length > 0 ? `; differing: ${disputed.join(", ")}` : ""}`;
    errors.push(conflict);
    merged.unknown_reason = [conflict, ...new Set(lines.map((g) => g.unknown_reason).filter((r) => r !== null))].join("; ");
    out.push(merged);
  }
  return out;
}
