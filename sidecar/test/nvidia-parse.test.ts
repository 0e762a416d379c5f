// Real-format nvidia-smi output (several models, MIG, [N/A], reserved memory, a driver that
// changed its columns) parsed into exact bytes, with unknowns as null plus a reason.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseNvidiaSmi } from "../src/gpu/nvidia.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const MiB = 1024 * 1024;

describe("parseNvidiaSmi", () => {
  it("converts MiB to bytes exactly (two H100s, one busy)", () => {
    const { gpus, errors } = parseNvidiaSmi(fixture("h100x2.csv"));
    expect(errors).toEqual([]);
    expect(gpus).toEqual([
      {
        id: 0, uuid: "GPU-5a9f4e1c-2b7d-4c3e-9f1a-8d6b0e2c4a71", device_name: "NVIDIA H100 80GB HBM3",
        total_vram_bytes: 85_520_809_984, used_vram_bytes: 0, free_vram_bytes: 85_018_542_080,
        utilization_pct: 0, temperature_c: 31, power_w: 69.29, unknown_reason: null,
      },
      {
        id: 1, uuid: "GPU-c3e8b2d4-7f16-4a95-8e0b-1d2c3f4a5b6e", device_name: "NVIDIA H100 80GB HBM3",
        total_vram_bytes: 81559 * MiB, used_vram_bytes: 40961 * MiB, free_vram_bytes: 40119 * MiB,
        utilization_pct: 97, temperature_c: 58, power_w: 512.84, unknown_reason: null,
      },
    ]);
  });

  it("keeps reserved memory out of free (used + free < total) instead of inventing it", () => {
    const [a100] = parseNvidiaSmi(fixture("mixed.csv")).gpus;
    expect(a100!.total_vram_bytes! - a100!.used_vram_bytes! - a100!.free_vram_bytes!).toBe(630 * MiB);
    expect(a100!.free_vram_bytes).toBe(40326 * MiB);
  });

  it("reads several models at once", () => {
    const { gpus } = parseNvidiaSmi(fixture("mixed.csv"));
    expect(gpus.map((g) => [g.id, g.device_name, g.total_vram_bytes])).toEqual([
      [0, "NVIDIA A100-SXM4-40GB", 40960 * MiB],
      [1, "NVIDIA GeForce RTX 4090", 24564 * MiB],
      [2, "Tesla T4", 15360 * MiB],
    ]);
  });

  it("reports [N/A] on a MIG-enabled GPU as null with a reason, keeping the memory it can read", () => {
    const [mig] = parseNvidiaSmi(fixture("mig.csv")).gpus;
    expect(mig).toMatchObject({ total_vram_bytes: 81920 * MiB, free_vram_bytes: 81038 * MiB, utilization_pct: null, unknown_reason: "utilization.gpu: [N/A]" });
  });

  it("never invents VRAM for [Not Supported] memory or a missing power reading", () => {
    const [laptop, vgpu] = parseNvidiaSmi(fixture("na.csv")).gpus;
    expect(laptop).toMatchObject({ power_w: null, free_vram_bytes: 5938 * MiB, unknown_reason: "power.draw: [N/A]" });
    expect(vgpu).toMatchObject({ device_name: "GRID V100D-8Q", total_vram_bytes: null, used_vram_bytes: null, free_vram_bytes: null });
    expect(vgpu!.unknown_reason).toContain("memory.total: [Not Supported]");
  });

  it("refuses a line whose columns changed rather than reading numbers from the wrong column", () => {
    const { gpus, errors } = parseNvidiaSmi(fixture("changed-columns.csv"));
    expect(gpus).toEqual([]);
    expect(errors).toEqual(["line 1: expected 9 columns, got 10"]);
  });

  it("treats free above total and garbage numbers as unknown", () => {
    const { gpus } = parseNvidiaSmi("0, GPU-x, Odd GPU, 1000, 10, 2000, 5, 40, 10\n1, GPU-y, Odd GPU, 12.5, abc, 3, 0, 0, 0\n");
    expect(gpus[0]).toMatchObject({ total_vram_bytes: 1000 * MiB, free_vram_bytes: null });
    expect(gpus[0]!.unknown_reason).toContain("exceeds memory.total");
    expect(gpus[1]).toMatchObject({ total_vram_bytes: null, used_vram_bytes: null, free_vram_bytes: 3 * MiB });
  });

  it("treats empty output as no GPU", () => {
    expect(parseNvidiaSmi("\n")).toEqual({ gpus: [], errors: [] });
  });
});
