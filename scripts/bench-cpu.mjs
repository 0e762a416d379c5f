#!/usr/bin/env node
// `npm run bench:cpu`: CPU per operation of the registry's own code, in Node, without
// workerd or wrangler: request parsing, applying heartbeats, the alarm's sweep, a snapshot,
// a flush. Storage is a no-op stand-in, so this is our code's cost alone; compare it with
// the 10 ms CPU an invocation gets on the Free plan.

import { importTs, noopSql } from "./bench-lib.mjs";
const entry = `
import { WorkerHeartbeatSchema, PoolHeartbeatSchema, DEFAULT_POOL_SETTINGS } from "./shared/index.ts";
import { PoolState } from "./workers/pools/pool-state.ts";
import { RegistryStore } from "./workers/pools/registry-store.ts";
import { sweep, nextWakeAt } from "./workers/pools/pool-sweep.ts";
import { buildSnapshot } from "./workers/pools/snapshot.ts";
import { Scheduling } from "./workers/pools/scheduling.ts";
import { packChunks } from "./workers/pools/volatile.ts";
export { WorkerHeartbeatSchema, PoolHeartbeatSchema, DEFAULT_POOL_SETTINGS, PoolState, RegistryStore, sweep, nextWakeAt, buildSnapshot, packChunks, Scheduling };
`;
const m = await importTs(entry);

const sql = noopSql();
const store = new m.RegistryStore(sql);
const pool = new m.PoolState(store, m.DEFAULT_POOL_SETTINGS);
const scheduling = new m.Scheduling(store);

function cpu(label, n, fn) {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i); // warm up
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const d = process.cpuUsage(t);
  const us = (d.user + d.system) / n;
  console.log(`| ${label} | ${n} | ${us < 10 ? us.toFixed(2) : Math.round(us)} µs |`);
}

console.log("| operation | runs | CPU per run |\n|---|---|---|");
const now = Date.now();
const hbText = (i) => JSON.stringify({ worker_id: `worker-${i % 10000}`, timestamp: new Date(now).toISOString(), health_status: "healthy" });
cpu("parse a worker heartbeat (JSON.parse + zod)", 50_000, (i) => m.WorkerHeartbeatSchema.parse(JSON.parse(hbText(i))));
for (let i = 0; i < 10_000; i++) pool.applyWorkerHeartbeat(m.WorkerHeartbeatSchema.parse(JSON.parse(hbText(i))), now);
const hbs = Array.from({ length: 10_000 }, (_, i) => m.WorkerHeartbeatSchema.parse(JSON.parse(hbText(i))));
cpu("apply a steady worker heartbeat (10,000-worker pool)", 100_000, (i) => pool.applyWorkerHeartbeat(hbs[i % 10_000], now + 1));
const poolHb = {
  pool_id: "p", host_id: "h1", timestamp: new Date(now).toISOString(),
  gpus: Array.from({ length: 8 }, (_, id) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85520809984, free_vram_bytes: 80000000000 })),
  workers: Array.from({ length: 32 }, (_, i) => ({ id: `r${i}`, status: "idle", model_ref: "llama-7b", vram_bytes: 1, gpu_id: i % 8, uri: "http://127.0.0.1:8001", capabilities: ["text-gen"], protocol: "sse", heartbeat_age_ms: 1000 })),
};
const poolText = JSON.stringify(poolHb);
cpu("parse a pool heartbeat (8 GPUs, 32 workers)", 10_000, () => m.PoolHeartbeatSchema.parse(JSON.parse(poolText)));
const parsedPool = m.PoolHeartbeatSchema.parse(JSON.parse(poolText));
cpu("apply that pool heartbeat", 10_000, (i) => pool.applyPoolHeartbeat({ ...parsedPool, timestamp: new Date(now + i).toISOString() }, now + 2));
cpu("alarm sweep, nothing due (10,032 senders)", 200, () => { m.sweep(pool, now + 3); m.nextWakeAt(pool, now + 3); });
cpu("pack a flush (10,033 senders, 11 rows)", 100, () => JSON.stringify(m.packChunks(pool)));
cpu("build a snapshot (10,032 workers)", 50, () => JSON.stringify(m.buildSnapshot("p", pool, now + 4, {}, scheduling, null)));
