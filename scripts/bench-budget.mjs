#!/usr/bin/env node
// `npm run bench:budget`: one simulated UTC day on the Free plan, counted by the project's own
// usage meter (workers/usage/), at 2,000 and 5,000 Spaces on 5 minutes plus one pool of 8
// GPU hosts heartbeating every 15 s. The pinger is its own code on node:sqlite (the SQL the
// SpaceStore runs: ledger, daily roll-up, check log, usage hub with its governor and alerts);
// each counted row is checked against SQLite's own total_changes(). The network and the pool
// are models, said here:
// - 1 check in 200 fails and is retried twice (3 subrequests); a shard's time in memory is
//   ceil(Spaces / 6) x LATENCY_MS (6 connections), the failing ones 3x;
// - each heartbeat is one Worker request and one PoolRegistry request; the pool writes one
//   row per flush every 30 s while busy and one VRAM-history row per 10 minutes (bench:pool,
//   BENCHMARKS.md), its alarm fires every 37.5 s on average (deadlines 45 s after a 15 s
//   heartbeat: one alarm per 30-45 s) and each alarm sets the next (a row); it hands its
//   counts to the SpaceStore every 5 minutes (a request).
import { DatabaseSync } from "node:sqlite";
import { importTs, nodeSql } from "./bench-lib.mjs";

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 300);
const HOSTS = 8;
const m = await importTs(`
export { SpaceLedger } from "./workers/pinger/ledger.ts";
export { refreshList } from "./workers/pinger/list.ts";
export { homeJobs } from "./workers/pinger/regions.ts";
export { watchAfterTick } from "./workers/pinger/watchdog.ts";
export { UsageHub } from "./workers/usage/hub.ts";
export { ObjectMeter, Tally } from "./workers/usage/tally.ts";
export { countedKv } from "./workers/usage/kv.ts";
export { quotaUse } from "./workers/usage/book.ts";
`);

async function day({ spaces, perShard, subrequests, hosts, alerterEveryTick, governor = false }) {
  const list = Array.from({ length: spaces }, (_, i) => ({ id: `space-${i}`, url: `https://owner-${i}-app.hf.space/`, interval_s: 300, ...(i % 10 === 0 ? { critical: true } : {}) }));
  const text = JSON.stringify(list);
  const db = new DatabaseSync(":memory:");
  const ledger = new m.SpaceLedger(nodeSql(db));
  const changes = () => Number(db.prepare("SELECT total_changes() AS n").get().n);
  const start = Date.parse("2026-11-22T23:00:00Z");
  const hub = new m.UsageHub(null, start);
  const worker = new m.Tally(start);
  const alerter = new m.ObjectMeter("Alerter");
  const pool = new m.ObjectMeter("PoolRegistry");
  let alarm = null;
  let alarmRows = 0;
  let sqliteAtStart = 0;
    let maxStretch = 1;
  const counting = (tick) => tick >= start + 3_600_000; // the first hour (the day before) fills the list
  const last = start + 25 * 60 * 60_000 - 60_000; // 2026-11-23 23:59, the counted day's last tick
  for (let k = 1; start + k * 60_000 <= last; k++) {
    const tick = start + k * 60_000;
    worker.add("worker_requests|cron", 1, tick);
    hub.merge(worker.take(tick), tick);
    hub.meter.request("tick", tick);
    await m.refreshList(m.countedKv({ get: async () => text }, hub.meter.tally, "spaces"), ledger, tick);
    const w = ledger.claimWindow(tick, 60_000);
    const due = ledger.due(tick, w.previousMs, hub.book.governor.stretch);
    const at = m.watchAfterTick(alarm, tick, 120_000);
    if (at !== null) {
      alarm = at;
      hub.meter.tally.add("rows_written|SpaceStore.setAlarm", 1, tick);
      if (counting(tick)) alarmRows += 1;
    }
    const jobs = m.homeJobs(due, [], perShard);
    const checks = [];
    for (const job of jobs) {
      const shard = new m.ObjectMeter("PingShard");
      shard.request("rpc", tick);
      let subs = 0;
      let slow = 0;
      for (const p of job.spaces) {
        const fails = (k * 7 + Number(p.space.id.slice(6))) % 200 === 0;
        // Retries only from what the first attempts leave of the budget.
        const tries = fails ? Math.min(3, 1 + Math.max(0, subrequests - job.spaces.length - subs)) : 1;
        subs += tries;
        slow += tries;
        checks.push({ id: p.space.id, slot_key: p.slot_key, outcome: fails ? "down" : "up", status: fails ? 502 : 200, latency_ms: LATENCY_MS, attempts: tries, error: fails ? "unexpected status 502" : null, at: tick + 900 });
      }
      shard.subrequests(subs, "ping", tick);
      shard.duration(Math.ceil(slow / 6) * LATENCY_MS, tick);
      hub.merge(shard.tally.take(tick), tick);
    }
    // The Alerter: one call a tick today (its own alarm every 5 minutes hands its counts on).
    if (alerterEveryTick) alerter.request("tick", tick);
    if (k % 5 === 0) {
      alerter.request("alarm", tick);
      hub.meter.request("rpc", tick); // its health() call to the SpaceStore
      hub.merge(alerter.tally.take(tick), tick);
    }
    // The pool: 8 hosts, one heartbeat each every 15 s; alarms, flushes, the hand-on.
    if (hosts > 0) {
      for (let s = 0; s < 4 * hosts; s++) {
        worker.add("worker_requests|heartbeat", 1, tick);
        pool.request("heartbeat", tick);
      }
      if (k % 5 === 0) {
        for (let a = 0; a < 8; a++) {
          pool.request("alarm", tick);
          pool.tally.add("rows_written|PoolRegistry.setAlarm", 1, tick);
        }
      }
      pool.tally.add("rows_written|PoolRegistry", 2 + (k % 10 === 0 ? 1 : 0), tick); // flushes every 30 s, VRAM row every 10 min
      if (k % 5 === 0) {
        hub.meter.request("usage", tick);
        hub.merge(pool.tally.take(tick), tick);
        hub.merge(worker.take(tick), tick);
      }
    }
    const summary = { at: tick, started_at: tick, finished_at: tick + 900, plan_ms: 0, shards_ms: 900, source: "cron", due: due.length, checked: due.length, skipped: 0, lost: 0, shards: jobs.length, confirmations: 0, regions: [], subrequests: 0, max_subrequests_per_shard: 0, max_in_flight: 6 };
    // Rows reach the book at each settle: the day's book starts with the rows written after
    // the previous day's last settle (23:59), so SQLite is read from there.
    if (tick === start + 59 * 60_000) sqliteAtStart = changes();
    const { carry } = hub.settle(tick, "free", ledger.rowsWritten, () => ledger.nonCriticalShare());
    // Without the governor: what the setup costs as configured.
    if (!governor) hub.book.setGovernor({ stretch: 1, since: null, reason: null });
    ledger.record(tick, checks, summary, { down_after: 2, up_after: 1 }, (x) => x, carry);
    maxStretch = Math.max(maxStretch, hub.book.governor.stretch);
  }
  // The day counted is 2026-11-23 (00:00 to 23:59 UTC): its book, read after its last tick.
  hub.merge(worker.take(last), last);
  hub.merge(pool.tally.take(last), last);
  hub.merge(alerter.tally.take(last), last);
  hub.settle(last, "free", ledger.rowsWritten, () => ledger.nonCriticalShare());
  const f = hub.book.forecasts(last, "free");
  const bookRows = f.quotas.find((q) => q.quota === "rows_written").parts.find((p) => p.what === "SpaceStore").used;
  return { quotas: f.quotas.map(m.quotaUse), subrequests: f.subrequests, sqliteRows: changes() - sqliteAtStart, meterStoreRows: bookRows, alarmRows, maxStretch };
}

const pct = (q) => `${Math.round(q.used).toLocaleString("en")} (${(q.used_share * 100).toFixed(1)}%)`;
const scenarios = [
  ["2,000 Spaces, shards of 20 (default)", { spaces: 2000, perShard: 20, subrequests: 40, hosts: 0, alerterEveryTick: true }],
  ["2,000 Spaces + 8 hosts, shards of 20", { spaces: 2000, perShard: 20, subrequests: 40, hosts: HOSTS, alerterEveryTick: true }],
  ["5,000 Spaces + 8 hosts, shards of 20", { spaces: 5000, perShard: 20, subrequests: 40, hosts: HOSTS, alerterEveryTick: true }],
  ["5,000 Spaces + 8 hosts, shards of 45 of 50 subrequests", { spaces: 5000, perShard: 45, subrequests: 50, hosts: HOSTS, alerterEveryTick: true }],
  ["5,000 Spaces + 8 hosts, shards of 48 of 50 subrequests", { spaces: 5000, perShard: 48, subrequests: 50, hosts: HOSTS, alerterEveryTick: true }],
  ["5,000 Spaces + 8 hosts, shards of 20, governor on", { spaces: 5000, perShard: 20, subrequests: 40, hosts: HOSTS, alerterEveryTick: true, governor: true }],
];
console.log(`\nOne simulated UTC day on the Free plan (node ${process.version}); ${LATENCY_MS} ms per check; 1 Space in 10 critical; 1 check in 200 failing. Counted by the usage meter; "SQLite check": the SpaceStore's rows in the meter's book vs SQLite's own total_changes() over the same span.\n`);
console.log("| scenario | Worker requests | DO requests | rows written | DO duration GB-s | KV reads | KV writes | governor's stretch | SQLite check (meter = SQLite) |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [name, opts] of scenarios) {
  if (process.env.ONLY && !name.includes(process.env.ONLY)) continue;
  const t0 = performance.now();
  const r = await day(opts);
  const by = Object.fromEntries(r.quotas.map((q) => [q.quota, q]));
  console.log(`| ${name} | ${pct(by.worker_requests)} | ${pct(by.do_requests)} | ${pct(by.rows_written)} | ${by.do_duration_gbs.used.toLocaleString("en")} (${(by.do_duration_gbs.used_share * 100).toFixed(1)}%) | ${pct(by.kv_reads)} | ${pct(by.kv_writes)} | ${r.maxStretch} | ${r.meterStoreRows.toLocaleString("en")} = ${r.sqliteRows.toLocaleString("en")} ${r.meterStoreRows === r.sqliteRows ? "✓" : "✗"} |`);
  if (process.env.VERBOSE) for (const q of r.quotas) console.log(`  ${q.quota}: ${q.by.map((p) => `${p.what} ${Math.round(p.used)}`).join(", ")}`);
  if (process.env.VERBOSE) console.log(`  (${Math.round(performance.now() - t0)} ms)`);
}
