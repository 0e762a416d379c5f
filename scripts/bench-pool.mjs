#!/usr/bin/env node
// `npm run bench`: heartbeats per second one PoolRegistry sustains under `wrangler dev` on
// this machine, with 1,000 and 10,000 distinct workers; p50/p99 latency; SQLite rows written
// per heartbeat (the object's own count). Not a test: results go to BENCHMARKS.md by hand,
// and to bench-results/pool.json.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { load, startWrangler } from "./bench-lib.mjs";

const ADMIN = "bench-admin-token-not-secret";
const quick = process.argv.includes("--quick");
// SMOKE=1 (CI): every phase once at a small scale, to see the script still runs; no figures kept.
const SMOKE = process.env.SMOKE === "1";
const sizes = SMOKE ? [50] : quick ? [1000] : [1000, 10_000];
const SECONDS = SMOKE ? 1 : 20;

const edge = await startWrangler({ port: 8790, vars: { ADMIN_TOKEN: ADMIN } });
const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
const results = [];
// The harness's own ceiling: a route with no Durable Object and no parsing.
const health = (i) => ({ url: `${edge.base}/health`, init: {} });
let baseline;
try {
  baseline = {
    health_max: await load({ count: SMOKE ? 100 : 5000, concurrency: 16, make: health }),
    health_paced_333_per_s: await load({ count: 333 * SECONDS, concurrency: 64, ratePerSec: 333, make: health }),
  };
  console.log(JSON.stringify({ baseline }));
  for (const workers of sizes) {
    const pool = `bench-${workers}`;
    // A long interval, so workers the paced phases do not reach (100/s refreshes 2,000 of
    // 10,000 in 20 s) stay fresh: this measures steady heartbeats, not mass staleness.
    const issued = await (await fetch(`${edge.base}/v1/admin/pools/${pool}/tokens`, { method: "POST", headers: admin, body: "{}" })).json();
    await fetch(`${edge.base}/v1/admin/pools/${pool}/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ worker_interval_s: 600, evict_after_s: 7200 }) });
    const headers = { authorization: `Bearer ${issued.token}`, "content-type": "application/json" };
    const beat = (i) => ({
      url: `${edge.base}/v1/heartbeat`,
      init: { method: "POST", headers, body: JSON.stringify({ worker_id: `worker-${i % workers}`, timestamp: new Date().toISOString(), health_status: "healthy" }) },
    });
    const stats = async () => (await fetch(`${edge.base}/v1/admin/pools/${pool}/stats`, { headers: admin })).json();

    const join = await load({ count: workers, concurrency: 16, make: beat });
    const afterJoin = await stats();
    // Steady state: every worker already known; the object only updates memory.
    const steady = await load({ count: SMOKE ? 100 : Math.max(20_000, workers * 2), concurrency: 16, make: (i) => beat(i + workers) });
    const afterSteady = await stats();
    const row = {
      workers,
      join: { ...join, rows_per_heartbeat: +(afterJoin.rows_written / afterJoin.heartbeats).toFixed(3) },
      steady_max: { ...steady, rows_per_heartbeat: +((afterSteady.rows_written - afterJoin.rows_written) / (afterSteady.heartbeats - afterJoin.heartbeats)).toFixed(4) },
    };
    // Latency at fixed rates; 333/s is 10,000 workers at 30 s.
    let before = afterSteady;
    for (const rate of [100, 200, 333]) {
      const paced = await load({ count: rate * SECONDS, concurrency: 64, ratePerSec: rate, make: beat });
      const after = await stats();
      row[`paced_${rate}_per_s`] = { ...paced, rows_per_heartbeat: +((after.rows_written - before.rows_written) / (after.heartbeats - before.heartbeats)).toFixed(4) };
      before = after;
    }
    results.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  await edge.stop();
}

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, mem_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, when: new Date().toISOString() };
mkdirSync("bench-results", { recursive: true });
if (!SMOKE) writeFileSync("bench-results/pool.json", JSON.stringify({ machine, baseline, results }, null, 2));
console.log("\n| workers | phase | heartbeats | errors | per s | p50 ms | p99 ms | rows/heartbeat |\n|---|---|---|---|---|---|---|---|");
console.log(`| - | baseline: GET /health, max rate (16 in flight) | ${baseline.health_max.count} | ${baseline.health_max.errors} | ${baseline.health_max.per_s} | ${baseline.health_max.p50_ms} | ${baseline.health_max.p99_ms} | - |`);
console.log(`| - | baseline: GET /health, paced 333/s | ${baseline.health_paced_333_per_s.count} | ${baseline.health_paced_333_per_s.errors} | ${baseline.health_paced_333_per_s.per_s} | ${baseline.health_paced_333_per_s.p50_ms} | ${baseline.health_paced_333_per_s.p99_ms} | - |`);
for (const r of results) {
  for (const [phase, m] of [["join (first beat)", r.join], ["steady, max rate (16 in flight)", r.steady_max], ["steady, paced 100/s", r.paced_100_per_s], ["steady, paced 200/s", r.paced_200_per_s], ["steady, paced 333/s", r.paced_333_per_s]]) {
    console.log(`| ${r.workers} | ${phase} | ${m.count} | ${m.errors} | ${m.per_s} | ${m.p50_ms} | ${m.p99_ms} | ${m.rows_per_heartbeat} |`);
  }
}
console.log(`\nmachine: ${JSON.stringify(machine)}`);
