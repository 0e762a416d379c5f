#!/usr/bin/env node
// `npm run bench:smoke` (CI): every bench script once at a small scale, so a bench that breaks
// is seen the day it breaks. Nothing about time is asserted and no figure is kept: a bench
// passes when it exits 0. The full runs (`npm run bench`) write BENCHMARKS.md's figures.
import { spawnSync } from "node:child_process";

import { dirname, join } from "node:path";

const node = process.execPath;
// The repo's Node first, as `npm run` puts it: wrangler needs Node 22 or later.
const PATH = [join(process.cwd(), "node_modules", ".bin"), dirname(node), process.env.PATH].join(":");
const runs = [
  ["bench:cpu", ["scripts/bench-cpu.mjs"], {}],
  ["bench:placement", ["scripts/bench-placement.mjs"], {}],
  ["bench:pool", ["scripts/bench-pool.mjs"], { SMOKE: "1" }],
  ["bench:sidecar", ["scripts/bench-sidecar.mjs", "--minutes", "0.25"], {}],
  ["bench:pinger", ["scripts/bench-pinger.mjs"], { SMOKE: "1" }],
  ["bench:limits", ["--expose-gc", "--no-flush-bytecode", "scripts/bench-limits.mjs"], { SPACES: "60", HOURS: "2", REPS: "2", POOL_SCALES: "2x10" }],
  ["bench:budget", ["scripts/bench-budget.mjs"], { SMOKE: "1" }],
];
const failed = [];
for (const [name, args, env] of runs) {
  const t0 = performance.now();
  const r = spawnSync(node, args, { env: { ...process.env, PATH, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) console.log(`ok   ${name} (${s} s)`);
  else {
    failed.push(name);
    console.log(`FAIL ${name} (${s} s, exit ${r.status ?? r.signal})\n${(r.stdout ?? "").slice(-3000)}\n${(r.stderr ?? "").slice(-3000)}`);
  }
}
if (failed.length > 0) {
  console.log(`\n${failed.length} bench(es) broken: ${failed.join(", ")}`);
  process.exit(1);
}
