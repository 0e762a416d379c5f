#!/usr/bin/env node
// `npm run bench:status`: CPU to render the status page and /metrics from an overview of
// SPACES Spaces (24 hourly and 90 daily bars each) and a pool of WORKERS workers on HOSTS
// hosts with 8 GPUs each, in Node (the same code the Worker runs, bundled by esbuild with
// Hono's JSX). Loading the overview (Durable Object calls, SQL) is measured apart: the
// pinger's part in bench:pinger-cpu, a pool snapshot in bench:cpu.
import { importTs, percentile } from "./bench-lib.mjs";

const SPACES = Number(process.env.SPACES ?? 2000);
const HOSTS = Number(process.env.HOSTS ?? 125);
const WORKERS = Number(process.env.WORKERS ?? 1000);
const entry = `
import { jsx } from "hono/jsx/jsx-runtime";
import { StatusPage } from "./workers/status/page.tsx";
export { renderMetrics } from "./workers/status/metrics.ts";
export const renderPage = (o) => String(jsx(StatusPage, { o, title: "bench", overdueS: 120 }));
`;
const m = await importTs(entry, { loader: "tsx" });

const now = Date.parse("2026-11-22T12:00:00Z");
const iso = (ms) => new Date(ms).toISOString();
const w = (i) => ({ up: 12 - (i % 3 === 0 ? 1 : 0), total: 12 });
const spaces = Array.from({ length: SPACES }, (_, i) => ({
  id: `https://owner-${i}-app.hf.space`, name: `owner-${i}-app.hf.space`, url: `https://owner-${i}-app.hf.space`, interval_s: 300, critical: false,
  state: i % 50 === 0 ? "down" : "up", since: iso(now - 86_400_000),
  last_check: { at: iso(now - 60_000), outcome: "up", status: 200, latency_ms: 180 + (i % 90) },
  next_check_at: iso(now + 240_000), latency_24h_ms: 200,
  uptime: { "24h": 0.99, "7d": 0.995, "30d": 0.999, "90d": 0.999 }, checks: { "24h": 288, "7d": 2016, "30d": 8640, "90d": 25920 }, monitoring_since: "2026-08-24",
  last_error: i % 50 === 0 ? { at: iso(now - 600_000), message: "unexpected status 503", status: 503 } : null,
  hf: i % 50 === 0 ? { space: `owner-${i}/app`, stage: "RUNTIME_ERROR", message: "Exit code: 1", read_at: iso(now), error: null, restarted_at: null } : null,
  // Two regions, as with PING_REGIONS="enam,weur": a home check each time, a confirmation for the failing ones.
  regions: [{ region: "enam", home: true, outcome: i % 50 === 0 ? "down" : "up", status: 200, latency_ms: 180, at: iso(now - 60_000) }, ...(i % 50 === 0 ? [{ region: "weur", home: false, outcome: "down", status: 503, latency_ms: 90, at: iso(now - 60_000) }] : [])],
  maintenance: i % 100 === 0 ? { id: "mw_0123456789abcdef", until: iso(now + 3_600_000), note: "moving hardware" } : null,
  pingback: { expected: i % 2 === 0, last_at: i % 2 === 0 ? iso(now - 120_000) : null },
}));
const bars = Object.fromEntries(spaces.map((s) => [s.id, { hours: Array.from({ length: 24 }, (_, i) => w(i)), days: Array.from({ length: 90 }, (_, i) => w(i)) }]));
const tick = { at: iso(now), started_at: iso(now), finished_at: iso(now + 900), plan_ms: 3, shards_ms: 900, source: "cron", due: 400, checked: 400, up: 392, down: 8, waking: 0, degraded: 0, skipped: 0, lost: 0, shards: 20, confirmations: 8, regions: ["enam", "weur"], subrequests: 400, max_subrequests_per_shard: 20, max_in_flight: 6 };
const gpus = Array.from({ length: HOSTS * 8 }, (_, i) => ({ id: i % 8, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 40_000_000_000, host_id: `host-${Math.floor(i / 8)}`, received_at: iso(now), state: "fresh" }));
const workers = Array.from({ length: WORKERS }, (_, i) => ({
  id: `worker-${i}`, status: "idle", model_ref: "meta-llama/Llama-3.1-8B-Instruct", vram_bytes: 17e9, gpu_id: i % 8, capabilities: ["text-gen"], protocol: "sse",
  host_id: `host-${i % HOSTS}`, health_status: "healthy", draining: false, state: i % 100 === 0 ? "stale" : "fresh", last_heartbeat_at: iso(now - 10_000), age_s: 10, clock_skew_ms: 0,
}));
const hosts = Array.from({ length: HOSTS }, (_, i) => ({ host_id: `host-${i}`, gpu_count: 8, worker_count: WORKERS / HOSTS, draining: false, state: "fresh", last_heartbeat_at: iso(now - 5_000), age_s: 5, clock_skew_ms: 0 }));
const pool = {
  snapshot: { pool_id: "bench-pool", timestamp: iso(now), gpus, workers, hosts, counts: { workers: { fresh: WORKERS - WORKERS / 100, stale: WORKERS / 100 }, hosts: { fresh: HOSTS, stale: 0 } }, vram: { total_bytes: 85_520_809_984 * HOSTS * 8, free_bytes: 4e10 * HOSTS * 8, unknown_gpus: 0 }, eviction: { suspended: false, reason: null }, settings: {}, reservations: [], forward: null },
  counters: { accepted: 123_456, rejected: { unauthorized: 3, invalid_body: 1 } },
};
const overview = {
  now,
  spaces: { generated_at: iso(now), list: { valid: SPACES, invalid: 0, error: null, read_at: iso(now), checked_at: iso(now) }, config_errors: [], last_tick: tick, spaces, bars, totals: { checks: { up: 1e6, down: 1e3, waking: 0, degraded: 0, skipped: 0, lost: 0 }, attempts: 1_002_000, subrequests: 1_002_000, ticks: 1440 }, maintenance: [{ id: "mw_0123456789abcdef", subjects: "all", start: iso(now - 600_000), end: iso(now + 3_600_000), repeat: null, note: "moving hardware", created_at: iso(now - 700_000), active: true, next: { start: iso(now - 600_000), end: iso(now + 3_600_000) } }] },
  pools: [pool],
  incidents: { open: [], recent: [] },
};

const cpu = (fn) => {
  const t = process.cpuUsage();
  const r = fn();
  const d = process.cpuUsage(t);
  return [(d.user + d.system) / 1000, r];
};
const runs = (fn, n = 15) => {
  fn(); // warm-up
  const a = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const [ms, text] = cpu(fn);
    a.push(ms);
    size = text.length;
  }
  a.sort((x, y) => x - y);
  return { p50: percentile(a, 50), max: a[a.length - 1], size };
};
const row = (label, r) => console.log(`| ${label} | ${r.p50.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${(r.size / 1024).toFixed(0)} KiB |`);
console.log(`\n${SPACES} Spaces, one pool of ${HOSTS} hosts x 8 GPUs and ${WORKERS} workers (node ${process.version})\n`);
console.log("| render | CPU p50 | max | size |\n|---|---|---|---|");
row("status page (HTML)", runs(() => m.renderPage(overview)));
row("/metrics (Prometheus text)", runs(() => m.renderMetrics(overview)));
const small = { ...overview, spaces: { ...overview.spaces, spaces: spaces.slice(0, 10) }, pools: [{ ...pool, snapshot: { ...pool.snapshot, gpus: gpus.slice(0, 16), workers: workers.slice(0, 8), hosts: hosts.slice(0, 2) } }] };
row("status page, 10 Spaces and 2 hosts (an indie setup)", runs(() => m.renderPage(small)));
row("/metrics, 10 Spaces and 2 hosts", runs(() => m.renderMetrics(small)));
