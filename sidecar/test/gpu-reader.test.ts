// The GPU reader against a stand-in nvidia-smi on PATH (real output format), a hung one,
// a failing one, none at all, and an AMD sysfs tree.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { GpuReader, readGpus } from "../src/gpu/reader.js";

const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
const saved = { PATH: process.env.PATH, mode: process.env.NVIDIA_SMI_MODE, fixture: process.env.NVIDIA_SMI_FIXTURE };
afterEach(() => {
  process.env.PATH = saved.PATH;
  process.env.NVIDIA_SMI_MODE = saved.mode;
  process.env.NVIDIA_SMI_FIXTURE = saved.fixture;
  delete process.env.NVIDIA_SMI_MODE;
});

function standIn(fixture = "h100x2.csv", mode = "ok") {
  process.env.PATH = `${FIXTURES}:${saved.PATH}`;
  process.env.NVIDIA_SMI_FIXTURE = fixture;
  process.env.NVIDIA_SMI_MODE = mode;
}

const noAmd = mkdtempSync(join(tmpdir(), "no-amd-"));

describe("readGpus", () => {
  it("runs nvidia-smi found on PATH and reads every GPU", async () => {
    standIn("mixed.csv");
    const snap = await readGpus({ amdSysfsRoot: noAmd });
    expect(snap.vendor).toBe("nvidia");
    expect(snap.error).toBeNull();
    expect(snap.gpus.map((g) => g.device_name)).toEqual(["NVIDIA A100-SXM4-40GB", "NVIDIA GeForce RTX 4090", "Tesla T4"]);
    expect(snap.readAt).toBeTypeOf("number");
  });

  it("kills a hung nvidia-smi at the timeout and reports it, never blocking", async () => {
    standIn("h100x2.csv", "hang");
    const started = Date.now();
    const snap = await readGpus({ timeoutMs: 300, amdSysfsRoot: noAmd });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(snap).toMatchObject({ vendor: "nvidia", gpus: [], error: "nvidia-smi timed out after 300 ms" });
  });

  it("reports a failing driver as an error, not as 'no GPU'", async () => {
    standIn("h100x2.csv", "fail");
    const snap = await readGpus({ amdSysfsRoot: noAmd });
    expect(snap.vendor).toBe("nvidia");
    expect(snap.error).toMatch(/exited 9: NVIDIA-SMI has failed/);
  });

  it("treats a host without nvidia-smi or AMD cards as having no GPU", async () => {
    const snap = await readGpus({ nvidiaSmi: "/nonexistent/nvidia-smi", amdSysfsRoot: noAmd });
    expect(snap).toMatchObject({ vendor: "none", gpus: [], error: null });
  });

  it("reads AMD VRAM from sysfs in bytes", async () => {
    const root = mkdtempSync(join(tmpdir(), "drm-"));
    const dev = join(root, "card1", "device");
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, "mem_info_vram_total"), "68702699520\n");
    writeFileSync(join(dev, "mem_info_vram_used"), "1073741824\n");
    writeFileSync(join(dev, "product_name"), "AMD Instinct MI210\n");
    writeFileSync(join(dev, "gpu_busy_percent"), "12\n");
    mkdirSync(join(root, "card0", "device"), { recursive: true }); // an integrated card without VRAM counters
    const snap = await readGpus({ nvidiaSmi: "/nonexistent/nvidia-smi", amdSysfsRoot: root });
    expect(snap.vendor).toBe("amd");
    expect(snap.gpus).toEqual([
      {
        id: 1, uuid: null, device_name: "AMD Instinct MI210", total_vram_bytes: 68_702_699_520, used_vram_bytes: 1_073_741_824,
        free_vram_bytes: 67_628_957_696, utilization_pct: 12, temperature_c: null, power_w: null, unknown_reason: null,
      },
    ]);
  });
});

describe("GpuReader", () => {
  it("keeps GPUs it knew when a later read fails, with VRAM unknown and the reason", async () => {
    standIn("h100x2.csv");
    const reader = new GpuReader({ intervalMs: 60_000, timeoutMs: 300, amdSysfsRoot: noAmd });
    await reader.refresh();
    process.env.NVIDIA_SMI_MODE = "hang";
    const snap = await reader.refresh();
    expect(snap.gpus).toHaveLength(2);
    expect(snap.gpus[0]).toMatchObject({ device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: null, free_vram_bytes: null, unknown_reason: "nvidia-smi timed out after 300 ms" });
  });
});
