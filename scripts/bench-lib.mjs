// Shared by the benchmarks and the sidecar's end-to-end tests: start `wrangler dev` on a
// scratch state folder, run a request loop at a fixed concurrency or rate, summarise latencies.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `wrangler dev` on `port` (0: any free port) with a scratch state folder. */
export async function startWrangler({ port = 0, vars = {}, args: extra = [] } = {}) {
  if (port === 0) port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "edge-pulse-bench-"));
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, "--log-level", "warn"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  args.push(...extra);
  // The repo's own wrangler, so the scripts also work when run with plain `node`.
  const local = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
  const child = spawn(existsSync(local) ? local : "wrangler", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = null;
  child.once("exit", (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`wrangler dev exited (${exited}) before it answered`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error("wrangler dev did not start in 60 s");
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    async stop() {
      child.kill("SIGINT");
      await new Promise((r) => child.once("exit", r));
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Sends `count` requests made by `make(i)`, either as fast as `concurrency` allows or paced
 * at `ratePerSec`. Returns wall time, throughput and latency percentiles (ms).
 */
export async function load({ count, concurrency = 16, ratePerSec = null, make }) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  async function one(i) {
    if (ratePerSec !== null) {
      const due = started + (i * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const { url, init } = make(i);
    const t0 = performance.now();
    const res = await fetch(url, init);
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (!res.ok) errors += 1;
  }
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    count,
    errors,
    wall_s: +(wallMs / 1000).toFixed(2),
    per_s: Math.round((count / wallMs) * 1000),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
  };
}

/**
 * Counts, per pinger run (the x-edge-pulse-run header), requests seen, connections open now
 * and most open at once. Used by the loopback Spaces of the tests and of bench:pinger.
 */
export function countRun(runs, req, res) {
  const run = req.headers["x-edge-pulse-run"];
  if (typeof run !== "string") return;
  const r = runs.get(run) ?? { requests: 0, open: 0, max: 0 };
  runs.set(run, r);
  r.requests += 1;
  r.open += 1;
  r.max = Math.max(r.max, r.open);
  res.on("close", () => void (r.open -= 1));
}

/**
 * Bundles `entry` (TypeScript source importing the repo's modules by relative path) for Node
 * with esbuild and imports it: how the CPU benchmarks run the Worker's own code outside workerd.
 */
export async function importTs(entry, { loader = "ts" } = {}) {
  const { build } = await import("esbuild");
  const out = join(mkdtempSync(join(tmpdir(), "bench-")), "bundle.mjs");
  await build({ stdin: { contents: entry, resolveDir: process.cwd(), loader }, bundle: true, platform: "node", format: "esm", outfile: out, logLevel: "error", jsx: "automatic", jsxImportSource: "hono/jsx" });
  return import(out);
}

/** A SqlStorage stand-in that stores nothing: the benchmarks measure our code, not SQLite. */
export function noopSql() {
  const cursor = { rowsWritten: 0, toArray: () => [], one: () => ({ seq: 1 }) };
  return { exec: () => cursor };
}

/**
 * node:sqlite as the pinger ledger's SqlLike; rows written = SQLite's change count. Refuses
 * more than 100 bound parameters, as a Durable Object's SQLite does.
 */
export function nodeSql(db) {
  const cache = new Map();
  return {
    exec(query, ...params) {
      if (params.length > 100) throw new Error(`${params.length} bound parameters: a Durable Object's SQLite takes at most 100`);
      if (params.length === 0 && query.trim().split(";").filter((s) => s.trim()).length > 1) {
        db.exec(query);
        return { toArray: () => [], rowsWritten: 0 };
      }
      let st = cache.get(query);
      if (st === undefined) cache.set(query, (st = db.prepare(query)));
      if (st.columns().length > 0) return { toArray: () => st.all(...params), rowsWritten: 0 };
      const r = st.run(...params);
      return { toArray: () => [], rowsWritten: Number(r.changes) };
    },
  };
}
