// The CLI end to end: the built dist/cli.js, run with the machine's Node 20 when it has one,
// against a real local edge (wrangler dev from globalSetup) and a stand-in nvidia-smi on PATH.
import { beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/bench-lib.mjs";
import { admin, CLI, EDGE, MiB, newPool, NODE_VERSION, run, until, workerBeat } from "./harness.js";
import { edgeProxy } from "./servers.js";
import { existsSync } from "node:fs";

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("sidecar/dist/cli.js is missing: run `npm run build`");
});

describe(`heartbeat-sidecar on ${NODE_VERSION}`, () => {
  it("rejects bad usage with one line and exit code 2", async () => {
    for (const [args, message] of [
      [["--pool", "p1", "--token", "t"], "--edge: is required (or set HEARTBEAT_EDGE_URL)"],
      [["--edge", "ftp://x", "--pool", "p1", "--token", "t"], "--edge: must be an http(s) URL"],
      [["--edge", EDGE, "--pool", "P 1", "--token", "t"], "--pool:"],
      [["--edge", EDGE, "--pool", "p1"], "--token: is required (or set HEARTBEAT_TOKEN)"],
      [["--edge", EDGE, "--pool", "p1", "--token", "t", "--interval", "0"], "--interval: must be at least 1"],
      [["--edge", EDGE, "--pool", "p1", "--token", "t", "--interval", "soon"], "--interval: must be a number of seconds"],
      [["--edge", EDGE, "--pool", "p1", "--token", "t", "--listen", "9200"], "--listen: use host:port"],
      [["--frobnicate"], "Unknown option '--frobnicate'"],
    ] as const) {
      const r = run([...args]);
      let stderr = "";
      r.child.stderr!.on("data", (d) => (stderr += d));
      expect(await r.exit, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain(message);
    }
  });

  it("prints --version and --help", async () => {
    const v = run(["--version"]);
    expect(await v.exit).toBe(0);
    expect(v.stdout().trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = run(["--help"]);
    expect(await h.exit).toBe(0);
    expect(h.stdout()).toContain("--edge URL");
  });

  it("--dry-run prints the seed-shaped payload and sends nothing", async () => {
    const r = run(["--dry-run", "--pool", "dry", "--host-id", "box-1"]);
    expect(await r.exit).toBe(0);
    const payload = JSON.parse(r.stdout());
    expect(payload).toMatchObject({ pool_id: "dry", host_id: "box-1", workers: [] });
    expect(payload.gpus[1]).toMatchObject({ id: 1, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 81559 * MiB, free_vram_bytes: 40119 * MiB, uuid: "GPU-c3e8b2d4-7f16-4a95-8e0b-1d2c3f4a5b6e" });
  });

  it("--once lands the host's GPUs in the pool snapshot in exact bytes, and exits 1 when it cannot", async () => {
    const token = await newPool("cli-once");
    const ok = run(["--once", "--edge", EDGE, "--pool", "cli-once", "--token", token, "--host-id", "gpu-box-1"], { NVIDIA_SMI_FIXTURE: "mixed.csv" });
    expect(await ok.exit).toBe(0);
    const snap = await admin("GET", "/v2/pools/cli-once");
    expect(snap.gpus.map((g: any) => [g.host_id, g.id, g.device_name, g.total_vram_bytes, g.free_vram_bytes])).toEqual([
      ["gpu-box-1", 0, "NVIDIA A100-SXM4-40GB", 40960 * MiB, 40326 * MiB],
      ["gpu-box-1", 1, "NVIDIA GeForce RTX 4090", 24564 * MiB, 22934 * MiB],
      ["gpu-box-1", 2, "Tesla T4", 15360 * MiB, 14930 * MiB],
    ]);
    const bad = run(["--once", "--edge", EDGE, "--pool", "cli-once", "--token", token.replace(/.$/, token.endsWith("A") ? "B" : "A")]);
    expect(await bad.exit).toBe(1);
    expect(bad.logs().find((l) => l.msg === "heartbeat failed")).toMatchObject({ status: 401 });
    expect(JSON.stringify(bad.logs())).not.toContain(token.split(".")[3]);
  });

  it("relays a local worker's heartbeat, survives the edge going down and back, and leaves cleanly on SIGTERM", async () => {
    const token = await newPool("cli-live");
    const proxy = await edgeProxy(EDGE);
    const hivePort = await freePort();
    const r = run(["--edge", proxy.url, "--pool", "cli-live", "--host-id", "gpu-box-2", "--interval", "1", "--listen", `127.0.0.1:${hivePort}`], { HEARTBEAT_TOKEN: token });
    const hive = `http://127.0.0.1:${hivePort}`;
    await until(() => fetch(`${hive}/health`).then((x) => x.ok, () => false), (v) => v);

    // A worker on this host heartbeats the hive with the seed's payload.
    const wb = await workerBeat(hive, "worker-abc123");
    expect(wb.status).toBe(200);
    const bad = await fetch(`${hive}/v1/heartbeat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ worker_id: "w", timestamp: "now", health_status: "healthy" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("timestamp");

    let snap = await until(() => admin("GET", "/v2/pools/cli-live"), (s) => s.workers?.length === 1 && s.gpus?.length === 2);
    expect(snap.workers[0]).toMatchObject({ id: "worker-abc123", host_id: "gpu-box-2", health_status: "healthy", state: "fresh" });
    expect(snap.gpus[0]).toMatchObject({ host_id: "gpu-box-2", total_vram_bytes: 81559 * MiB, free_vram_bytes: 81080 * MiB });

    // The edge goes down: heartbeats fail and are logged, the sidecar keeps running.
    await proxy.set("refuse");
    await until(async () => r.logs().filter((l) => l.msg === "heartbeat failed").length, (n) => n >= 2);
    expect(r.child.exitCode).toBeNull();
    const lastBefore = (await admin("GET", "/v2/pools/cli-live")).hosts[0].last_heartbeat_at;

    // It comes back: the sidecar recovers on its own.
    await proxy.set("up");
    await until(async () => r.logs().some((l) => l.msg === "heartbeat recovered"), (v) => v);
    snap = await until(() => admin("GET", "/v2/pools/cli-live"), (s) => s.hosts[0].last_heartbeat_at > lastBefore);

    // Ctrl-C / SIGTERM: a final heartbeat marks the host as leaving, then exit 0.
    r.child.kill("SIGTERM");
    expect(await r.exit).toBe(0);
    snap = await admin("GET", "/v2/pools/cli-live");
    expect(snap.hosts).toEqual([]);
    expect(snap.workers).toEqual([]);
    expect(r.logs().some((l) => l.msg === "left the pool")).toBe(true);
    await proxy.close();
  });

  it("exits at once on a second signal, even while the final heartbeat hangs", async () => {
    const token = await newPool("cli-twice");
    const proxy = await edgeProxy(EDGE);
    const hivePort = await freePort();
    const r = run(["--edge", proxy.url, "--pool", "cli-twice", "--token", token, "--interval", "1", "--listen", `127.0.0.1:${hivePort}`]);
    await until(async () => r.logs().some((l) => l.msg === "hive listening"), (v) => v);
    await proxy.set("blackhole");
    r.child.kill("SIGTERM");
    await until(async () => r.logs().some((l) => l.msg === "stopping"), (v) => v);
    const t = Date.now();
    r.child.kill("SIGTERM");
    expect(await r.exit).toBe(1);
    expect(Date.now() - t).toBeLessThan(4_000); // well before the 5 s heartbeat timeout
    await proxy.close();
  });
});
