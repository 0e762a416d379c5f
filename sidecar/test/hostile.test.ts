// The adversarial run's cases, end to end against the real local edge: a flood of workers at
// the hive, odd nvidia-smi output, SIGTERM while nvidia-smi hangs, and slow clients holding
// the hive open at shutdown. In each the host stays in its pool and the sidecar exits promptly.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_GPUS_PER_HOST, MAX_WORKERS_PER_HOST } from "../../shared/limits.js";
import { admin, startHost, until, workerBeat } from "./harness.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a hostile host", () => {
  it("1,100 workers at the hive: the first 1,024 are kept, the rest get 429, and the host stays in the pool", async () => {
    const host = await startHost("flood");
    const statuses: number[] = [];
    for (let i = 0; i < 1100; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => workerBeat(host.hive, `flood-${String(i + j).padStart(4, "0")}`)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_WORKERS_PER_HOST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1100 - MAX_WORKERS_PER_HOST);
    // A worker the hive already has is still heard.
    expect((await workerBeat(host.hive, "flood-0000")).status).toBe(200);

    // A snapshot lists 1,000 workers a page unless asked for more (?limit=, up to 2,000).
    const snap = await until(() => admin("GET", "/v2/pools/flood?limit=2000"), (s) => s.workers?.length === MAX_WORKERS_PER_HOST, 30_000);
    expect(snap.hosts[0].state).toBe("fresh");
    expect(host.logs().filter((l) => l.msg === "heartbeat failed")).toEqual([]);

    host.child.kill("SIGTERM");
    expect(await host.exit).toBe(0);
    expect((await admin("GET", "/v2/pools/flood")).hosts).toEqual([]);
  });

  it("odd nvidia-smi output (index 0 twice, 70 GPUs, 150 %, 400 C, a uuid with a space) still lands the host", async () => {
    const host = await startHost("odd-smi", [], { NVIDIA_SMI_FIXTURE: "odd.csv" });
    const snap = await until(() => admin("GET", "/v2/pools/odd-smi"), (s) => s.hosts?.length === 1, 15_000);
    expect(snap.gpus).toHaveLength(MAX_GPUS_PER_HOST);
    const byId = new Map<number, any>(snap.gpus.map((g: any) => [g.id, g]));
    expect(snap.gpus.filter((g: any) => g.id === 0)).toHaveLength(1);
    // The two lines for index 0 disagree on used/free VRAM and uuid: those are unknown, not picked.
    expect(byId.get(0)).toMatchObject({ total_vram_bytes: 81559 * 1024 * 1024, free_vram_bytes: null });
    expect(byId.get(0).unknown_reason).toContain("index 0");
    expect(byId.get(1)).toMatchObject({ utilization_pct: null, free_vram_bytes: 80023 * 1024 * 1024 });
    expect(byId.get(1).unknown_reason).toContain("utilization_pct=150 out of range");
    expect(byId.get(2)).toMatchObject({ temperature_c: null });
    expect(byId.get(2).unknown_reason).toContain("temperature_c=400 out of range");
    expect(byId.get(3).uuid).toBeUndefined();
    expect(byId.get(3).unknown_reason).toContain("uuid");
    expect(host.logs().some((l) => l.msg === "gpus cut" && l.kept === MAX_GPUS_PER_HOST)).toBe(true);
    expect(host.logs().filter((l) => l.msg === "heartbeat failed")).toEqual([]);
  });

  it("SIGTERM while nvidia-smi hangs: the sidecar leaves, exits, and takes nvidia-smi with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smi-hang-"));
    const modeFile = join(dir, "mode");
    const pidFile = join(dir, "pid");
    writeFileSync(modeFile, "ok\n");
    const host = await startHost("hung-smi", ["--gpu-interval", "1"], { NVIDIA_SMI_MODE_FILE: modeFile, NVIDIA_SMI_PIDFILE: pidFile });
    await until(() => admin("GET", "/v2/pools/hung-smi"), (s) => s.hosts?.length === 1);
    writeFileSync(modeFile, "hang\n");
    const pid = await until(async () => {
      try {
        return Number(readFileSync(pidFile, "utf8"));
      } catch {
        return 0;
      }
    }, (p) => p > 0 && alive(p), 10_000);

    const t = Date.now();
    host.child.kill("SIGTERM");
    expect(await host.exit).toBe(0);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(alive(pid)).toBe(false);
    expect((await admin("GET", "/v2/pools/hung-smi")).hosts).toEqual([]);
  });

  it("SIGTERM with 500 slow clients connected to the hive exits within seconds", async () => {
    const host = await startHost("slow-clients");
    await until(() => admin("GET", "/v2/pools/slow-clients"), (s) => s.hosts?.length === 1);
    const sockets: Socket[] = [];
    for (let i = 0; i < 500; i++) {
      const s = connect(host.port, "127.0.0.1");
      s.on("error", () => {});
      // Half a request, never finished.
      s.write(`POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Type: application/json\r\nContent-Length: 999\r\n\r\n{"worker_id":`);
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    const t = Date.now();
    host.child.kill("SIGTERM");
    expect(await host.exit).toBe(0);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(host.logs().some((l) => l.msg === "left the pool" && l.status === 200)).toBe(true);
    for (const s of sockets) s.destroy();
  });
});
