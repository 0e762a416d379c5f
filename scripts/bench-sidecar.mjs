#!/usr/bin/env node
// `npm run bench:sidecar`: the sidecar's RSS and CPU over a few minutes at 15 s heartbeats
// (against a local wrangler dev edge, 4 workers heartbeating its hive every 30 s), and the
// time of one GPU read through the stand-in nvidia-smi. Results go to BENCHMARKS.md by hand.
// Usage: node scripts/bench-sidecar.mjs [--minutes 3]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { freePort, percentile, startWrangler } from "./bench-lib.mjs";

const minutes = Number(process.argv[process.argv.indexOf("--minutes") + 1] || 3) || 3;
const ADMIN = "bench-admin-token-not-secret";
const FIXTURES = fileURLToPath(new URL("../sidecar/test/fixtures", import.meta.url));
const CLI = fileURLToPath(new URL("../sidecar/dist/cli.js", import.meta.url));
const NODE = ["/usr/local/bin/node", "/usr/bin/node"].find((p) => existsSync(p)) ?? process.execPath;
const TICK = 100; // USER_HZ on Linux

function procStats(pid) {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return { rssMb: rssKb / 1024, cpuS: (Number(fields[11]) + Number(fields[12])) / TICK };
}

// 1. GPU read time (stand-in nvidia-smi: process start + parse; a real driver adds its own time).
process.env.PATH = `${FIXTURES}:${process.env.PATH}`;
const { readGpus } = await import("../sidecar/dist/index.js");
const reads = [];
for (let i = 0; i < 50; i++) reads.push((await readGpus({ amdSysfsRoot: "/nonexistent" })).durationMs);
reads.sort((a, b) => a - b);
const gpuRead = { reads: reads.length, p50_ms: percentile(reads, 50), p99_ms: percentile(reads, 99) };
console.log(JSON.stringify({ gpuRead }));

// 1b. Fitting one heartbeat to the edge's schema and limits (every heartbeat does this), at the
// 4 workers of the run below and at the hive's most, 1,024 workers with full descriptors.
const { fitHeartbeat } = await import("../sidecar/dist/index.js");
const fitMs = (n) => {
  const gpus = [0, 1].map((id) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 1e9, utilization_pct: 50, temperature_c: 40, power_w: 300 }));
  const ws = Array.from({ length: n }, (_, i) => ({ id: `worker-${i}`, status: "idle", model_ref: "meta-llama/Llama-3.1-8B-Instruct", vram_bytes: 8e9, gpu_id: i % 2, uri: `http://127.0.0.1:${8000 + i}`, capabilities: ["text-gen"], protocol: "sse", heartbeat_age_ms: i }));
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    fitHeartbeat({ base: { pool_id: "p", host_id: "h", timestamp: new Date().toISOString() }, gpus, workers: ws, left: [] });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { workers: n, p50_ms: +percentile(times.slice(10), 50).toFixed(2), p99_ms: +percentile(times.slice(10), 99).toFixed(2) };
};
const fit = [fitMs(4), fitMs(1024)];
console.log(JSON.stringify({ fit }));

// 2. A sidecar running for `minutes` at 15 s.
const edge = await startWrangler({ vars: { ADMIN_TOKEN: ADMIN } });
const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
const { token } = await (await fetch(`${edge.base}/v1/admin/pools/bench-sidecar/tokens`, { method: "POST", headers: admin, body: "{}" })).json();
const hivePort = await freePort();
const child = spawn(NODE, [CLI, "--edge", edge.base, "--pool", "bench-sidecar", "--token", token, "--host-id", "bench-host", "--interval", "15", "--listen", `127.0.0.1:${hivePort}`], {
  env: { PATH: process.env.PATH, NVIDIA_SMI_FIXTURE: "h100x2.csv" },
  stdio: ["ignore", "ignore", "ignore"],
});
const hive = `http://127.0.0.1:${hivePort}`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${hive}/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
const workers = ["w0", "w1", "w2", "w3"];
const beat = () => Promise.all(workers.map((id) => fetch(`${hive}/v1/heartbeat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ worker_id: id, timestamp: new Date().toISOString(), health_status: "healthy" }) })));
await beat();
const workerTimer = setInterval(beat, 30_000);

const start = procStats(child.pid);
const startedAt = Date.now();
const samples = [];
while (Date.now() - startedAt < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, 5_000));
  samples.push(procStats(child.pid));
}
clearInterval(workerTimer);
const end = samples.at(-1);
const wallS = (Date.now() - startedAt) / 1000;
const health = await (await fetch(`${hive}/health`)).json();
const snap = await (await fetch(`${edge.base}/v2/pools/bench-sidecar`, { headers: admin })).json();
child.kill("SIGTERM");
await new Promise((r) => child.on("exit", r));
await edge.stop();

const result = {
  node: (await import("node:child_process")).execFileSync(NODE, ["--version"]).toString().trim(),
  minutes,
  interval_s: 15,
  heartbeats_sent: health.sent,
  heartbeats_failed: health.failed,
  rss_mb_start: +start.rssMb.toFixed(1),
  rss_mb_max: +Math.max(...samples.map((s) => s.rssMb)).toFixed(1),
  rss_mb_end: +end.rssMb.toFixed(1),
  cpu_s: +(end.cpuS - start.cpuS).toFixed(2),
  cpu_pct_of_one_core: +((100 * (end.cpuS - start.cpuS)) / wallS).toFixed(3),
  edge_saw: { gpus: snap.gpus.length, workers: snap.workers.length },
};
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, when: new Date().toISOString() };
mkdirSync("bench-results", { recursive: true });
writeFileSync("bench-results/sidecar.json", JSON.stringify({ machine, gpuRead, fit, result }, null, 2));
console.log(JSON.stringify(result));
