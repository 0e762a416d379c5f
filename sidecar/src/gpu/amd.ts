// AMD GPUs through the amdgpu driver's sysfs files (no ROCm needed): each card's
// mem_info_vram_total and mem_info_vram_used are in bytes already.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { GpuReading } from "./reading.js";

async function readNumber(path: string): Promise<number | null> {
  try {
    const text = (await readFile(path, "utf8")).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return (await readFile(path, "utf8")).trim() || null;
  } catch {
    return null;
  }
}

/** Reads every card under `root` (default /sys/class/drm) that exposes VRAM counters. */
export async function readAmdSysfs(root = "/sys/class/drm"): Promise<GpuReading[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const cards = entries.filter((e) => /^card\d+$/.test(e)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  const gpus: GpuReading[] = [];
  for (const card of cards) {
    const dev = join(root, card, "device");
    const total = await readNumber(join(dev, "mem_info_vram_total"));
    const used = await readNumber(join(dev, "mem_info_vram_used"));
    if (total === null && used === null) continue; // not an amdgpu card (or no VRAM counters)
    const reasons: string[] = [];
    if (total === null) reasons.push("mem_info_vram_total unreadable");
    if (used === null) reasons.push("mem_info_vram_used unreadable");
    const free = total !== null && used !== null && used <= total ? total - used : null;
    const busy = await readNumber(join(dev, "gpu_busy_percent"));
    gpus.push({
      id: Number(card.slice(4)),
      uuid: await readText(join(dev, "unique_id")),
      device_name: (await readText(join(dev, "product_name"))) ?? "AMD GPU",
      total_vram_bytes: total,
      used_vram_bytes: used,
      free_vram_bytes: free,
      utilization_pct: busy,
      temperature_c: null,
      power_w: null,
      unknown_reason: reasons.length > 0 ? reasons.join("; ") : null,
    });
  }
  return gpus;
}
