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
// The card's latency chart: 24 hourly figures (12 checks an hour, one failing every third hour).
const latency = Array.from({ length: 24 }, (_, i) => ({ hour: now - (23 - i) * 3_600_000, checks: 12, failed: i % 3 === 0 ? 1 : 0, p50_ms: 180 + (i % 5) * 10, max_ms: 400 + (i % 7) * 50 }));
const bars = Object.fromEntries(spaces.map((s) => [s.id, { hours: Array.from({ length: 24 }, (_, i) => w(i)), days: Array.from({ length: 90 }, (_, i) => w(i)), latency }]));
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
  incidents: { open: [], recent: [], closed_total: 0, announcements: [] },
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

// Detail pages (/spaces/{id}, /pools/{id}): read and render. The Space's page is read from a
// node:sqlite ledger the pinger's own code filled (SPACES Spaces on 5 minutes: 26 hours of
// ticks through record(), so the check log's ring and two days of day-row checks are real,
// and 88 older days of rolled-up rows), then rendered; the pool's page from a pool of HOSTS
// hosts with 8 GPUs each and 144 ten-minute VRAM points per GPU.
{
  const { DatabaseSync } = await import("node:sqlite");
  const { nodeSql } = await import("./bench-lib.mjs");
  const d = await importTs(`
import { jsx } from "hono/jsx/jsx-runtime";
import { SpacePage } from "./workers/status/space-page.tsx";
import { PoolPage } from "./workers/status/pool-page.tsx";
export { SpaceLedger } from "./workers/pinger/ledger.ts";
export { buildSpaceDetail } from "./workers/pinger/space-detail.ts";
export const renderSpace = (props) => String(jsx(SpacePage, props));
export const renderPool = (props) => String(jsx(PoolPage, props));
`, { loader: "tsx" });
  const db = new DatabaseSync(":memory:");
  const ledger = new d.SpaceLedger(nodeSql(db));
  const list = Array.from({ length: SPACES }, (_, i) => ({ id: `s-${i}`, name: `owner-${i}-app`, url: `https://owner-${i}-app.hf.space/`, interval_s: 300, critical: false, method: "GET", timeout_s: 10, hf_restart: false, expect_pingback: false, ...(i % 3 === 0 ? { hf_space: `owner-${i}/app` } : {}) }));
  ledger.replaceSpaces(list);
  const start = Date.parse("2026-11-21T22:00:00Z");
  const end = start + 26 * 3_600_000;
  const summary = (at, n) => ({ at, started_at: at, finished_at: at + 900, plan_ms: 0, shards_ms: 900, source: "cron", due: n, checked: n, skipped: 0, lost: 0, shards: 1, confirmations: 0, regions: [], subrequests: n, max_subrequests_per_shard: n, max_in_flight: 6 });
  let previous = start - 60_000;
  for (let tick = start; tick <= end; tick += 60_000) {
    const due = ledger.due(tick, previous);
    previous = tick;
    const checks = due.map((p, i) => {
      const down = (tick / 60_000 + i) % 200 === 0;
      return { id: p.space.id, slot_key: p.slot_key, outcome: down ? "down" : "up", status: down ? 503 : 200, latency_ms: 150 + ((tick / 60_000 + i * 7) % 400), attempts: 1, error: down ? "unexpected status 503" : null, at: tick + 900, ...(down && p.space.hf_space ? { hf: { stage: "RUNTIME_ERROR", message: "Exit code: 1", read_at: tick, error: null, restarted_at: null } } : {}) };
    });
    ledger.record(tick, checks, summary(tick, checks.length), { down_after: 2, up_after: 1 });
  }
  const today = Math.floor(end / 86_400_000);
  const ins = db.prepare("INSERT OR IGNORE INTO days (id, day, up, total, lat_sum, lat_n, hours, cum_up, cum_total) VALUES (?, ?, 288, 288, 57600, 288, '{}', ?, ?)");
  for (const s of list) for (let day = today - 89; day < today - 1; day++) ins.run(s.id, day, (day - today + 90) * 288, (day - today + 90) * 288);
  const extras = { windows: [], listed: [], pingbackAt: () => null };
  const incidents = { open: [], recent: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, key: "space:s-0", subject: "space", title: 'Space "owner-0-app" on owner-0-app.hf.space is down', opened_at: end - (i + 1) * 86_400_000, closed_at: end - (i + 1) * 86_400_000 + 600_000, how: "is up", notes: i % 4 === 0 ? [{ at: end - i * 86_400_000, text: "Restarted the Space" }] : [] })), closed_total: 20, announcements: [] };
  const load = () => d.buildSpaceDetail(ledger, end, extras, "s-0");
  const both = () => d.renderSpace({ d: load(), incidents, title: "bench", now: end });
  const detail = load();
  const points = Array.from({ length: 144 }, (_, i) => [end - (143 - i) * 600_000, 30e9 + (i % 20) * 1e9]);
  const vram = Object.fromEntries(gpus.map((g) => [`${g.host_id}/${g.id}`, { points, total: g.total_vram_bytes }]));
  const events = Array.from({ length: 30 }, (_, i) => ({ seq: i + 1, at: iso(end - i * 60_000), kind: "stale", subject: `worker:worker-${i}` }));
  const poolOf = (hosts) => {
    const names = new Set(Array.from({ length: hosts }, (_, i) => `host-${i}`));
    const snap = { ...pool.snapshot, hosts: pool.snapshot.hosts.filter((h) => names.has(h.host_id)), gpus: pool.snapshot.gpus.filter((g) => names.has(g.host_id)), workers: pool.snapshot.workers.filter((w) => names.has(w.host_id)) };
    return { d: { ...pool, snapshot: snap, vram, events }, incidents: { ...incidents, recent: [] }, windows: [], title: "bench", now: end };
  };
  console.log(`\nDetail pages: ${SPACES} Spaces with 90 days of history (26 h of ticks through the pinger's own record(): ${detail.checks.length} checks listed); pools of 8 and ${HOSTS} hosts x 8 GPUs, 144 VRAM points each\n`);
  console.log("| page | CPU p50 | max | size |\n|---|---|---|---|");
  row("/spaces/{id}: read (SQLite) and render", runs(both));
  row("/spaces/{id}: read alone", runs(() => JSON.stringify(load())));
  row("/spaces/{id}: render alone", runs(() => d.renderSpace({ d: detail, incidents, title: "bench", now: end })));
  row("/pools/{id}, 8 hosts (64 GPU charts)", runs(() => d.renderPool(poolOf(8))));
  row(`/pools/{id}, ${HOSTS} hosts (the first 40 drawn: 320 GPU charts)`, runs(() => d.renderPool(poolOf(HOSTS))));
}
