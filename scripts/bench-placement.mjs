#!/usr/bin/env node
// `npm run bench:placement`: what a scheduler's calls cost. Part 1, in Node with storage a
// no-op stand-in (our code alone): a placement query and a reservation on a pool of 1,000
// hosts x 8 GPUs and 10,000 workers, p50/p99 of wall time per call (target: p99 under 2 ms).
// Part 2, under `wrangler dev`: 50 schedulers reserve 20 GB at once on 10 GPUs that each fit
// two; how many were granted and refused, whether any GPU was oversold, and the latency.
import { importTs, noopSql, percentile, startWrangler } from "./bench-lib.mjs";

const entry = `
import { DEFAULT_POOL_SETTINGS } from "./shared/index.ts";
import { PoolState } from "./workers/pools/pool-state.ts";
import { RegistryStore } from "./workers/pools/registry-store.ts";
import { Scheduling } from "./workers/pools/scheduling.ts";
export { DEFAULT_POOL_SETTINGS, PoolState, RegistryStore, Scheduling };
`;
const m = await importTs(entry);

const sql = noopSql();
const store = new m.RegistryStore(sql);
const pool = new m.PoolState(store, m.DEFAULT_POOL_SETTINGS);
const scheduling = new m.Scheduling(store);
const now = Date.now();
const GB = 1e9;
const HOSTS = 1000;
const GPUS = 8;
const WORKERS = 10_000;
const models = ["llama-7b", "llama-70b", "mistral-7b", "qwen-32b", "phi-3"];
for (let h = 0; h < HOSTS; h++) {
  const gpus = Array.from({ length: GPUS }, (_, g) => ({ id: g, device_name: "NVIDIA H100", total_vram_bytes: 80 * GB, free_vram_bytes: ((h * 7 + g * 13) % 80) * GB }));
  const workers = Array.from({ length: WORKERS / HOSTS }, (_, i) => ({
    id: `w-${h}-${i}`, status: i % 3 === 0 ? "busy" : "idle", model_ref: models[(h + i) % models.length], vram_bytes: 8 * GB, gpu_id: i % GPUS,
    uri: `http://10.0.${h % 250}.${i}:8000`, capabilities: ["text-gen"], protocol: "sse",
  }));
  const r = pool.applyPoolHeartbeat({ pool_id: "bench", host_id: `host-${h}`, timestamp: new Date(now).toISOString(), gpus, workers }, now);
  if (!r.outcome.ok) throw new Error(JSON.stringify(r.outcome));
}

function measure(label, runs, fn) {
  for (let i = 0; i < 50; i++) fn(i);
  const times = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const f = (ms) => `${ms.toFixed(2)} ms`;
  console.log(`| ${label} | ${runs} | ${f(percentile(times, 50))} | ${f(percentile(times, 99))} | ${f((cpu.user + cpu.system) / 1000 / runs)} |`);
}

console.log(`Node ${process.version}; ${HOSTS} hosts x ${GPUS} GPUs, ${pool.workers.size} workers\n`);
console.log("| call | runs | p50 | p99 | CPU per call |\n|---|---|---|---|---|");
measure("placement, 20 GB, GPUs only", 500, () => scheduling.placement("bench", pool, { vram_bytes: 20 * GB, limit: 10 }, now));
measure("placement, 20 GB, model_ref + GPUs", 500, (i) => scheduling.placement("bench", pool, { vram_bytes: 20 * GB, model_ref: models[i % models.length], limit: 10 }, now));
let granted = 0;
measure("reservation (best fit), 1 GB each", 500, (i) => {
  const r = scheduling.reserve(pool, { vram_bytes: GB, ttl_s: 600, holder: `s${i}` }, now);
  if (r.ok) granted += 1;
});
measure("placement with 550 reservations held", 500, () => scheduling.placement("bench", pool, { vram_bytes: 20 * GB, limit: 10 }, now));
console.log(`\n${granted} of 550 reservations granted (1 GB each).`);

// Part 2: the race under wrangler dev.
const ADMIN = "bench-admin-token-0123456789abcdef";
const edge = await startWrangler({ vars: { ADMIN_TOKEN: ADMIN } });
try {
  const call = async (method, path, token, body) => {
    const t = performance.now();
    const res = await fetch(`${edge.base}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json(), ms: performance.now() - t };
  };
  const write = (await call("POST", "/v1/admin/pools/race/tokens", ADMIN, { label: "hive" })).body.token;
  const sched = (await call("POST", "/v1/admin/pools/race/tokens", ADMIN, { label: "scheduler", scope: "schedule" })).body.token;
  for (let h = 0; h < 5; h++) {
    const gpus = [0, 1].map((id) => ({ id, device_name: "NVIDIA L40S", total_vram_bytes: 48 * GB, free_vram_bytes: 45 * GB }));
    await call("POST", "/v2/pools/race/heartbeat", write, { pool_id: "race", host_id: `h${h}`, timestamp: new Date().toISOString(), gpus, workers: [] });
  }
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => call("POST", "/v2/pools/race/reservations", sched, { vram_bytes: 20 * GB, ttl_s: 60, holder: `s${i}` })));
  const ok = answers.filter((a) => a.status === 201);
  const perGpu = new Map();
  for (const a of ok) perGpu.set(`${a.body.host_id}/${a.body.gpu_id}`, (perGpu.get(`${a.body.host_id}/${a.body.gpu_id}`) ?? 0) + a.body.vram_bytes);
  const oversold = [...perGpu.values()].filter((b) => b > 45 * GB).length;
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  console.log(`\nwrangler dev race: 50 reservations of 20 GB at once on 10 GPUs with 45 GB free: ${ok.length} granted, ${answers.filter((a) => a.status === 409).length} refused (409), ${oversold} GPUs oversold; latency p50 ${percentile(ms, 50).toFixed(1)} ms, max ${ms.at(-1).toFixed(1)} ms`);
} finally {
  await edge.stop();
}
