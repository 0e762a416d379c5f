#!/usr/bin/env node
// `npm run bench:pinger-cpu`: the pinger's scheduling and aggregation code in Node, on
// node:sqlite (the same SQL the SpaceStore runs on a Durable Object's SQLite): one
// simulated day of 2,000 Spaces on 5-minute intervals, a tick a minute. Reports CPU per
// plan and per record (the hour roll-ups apart), the first parse of a changed list, GET
// /v1/spaces with 90 days of history, and the rows written and Durable Object requests the
// day implies, against the Free plan's 100,000 of each.
import { DatabaseSync } from "node:sqlite";
import { importTs, nodeSql, percentile } from "./bench-lib.mjs";

const SPACES = Number(process.env.SPACES ?? 2000);
const PER_SHARD = 20;
const entry = `
export { SpaceLedger } from "./workers/pinger/ledger.ts";
export { refreshList } from "./workers/pinger/list.ts";
export { buildSpacesReport } from "./workers/pinger/report.ts";
export { readDailyBars } from "./workers/pinger/history.ts";
export { planShards } from "./shared/schedule.ts";
`;
const m = await importTs(entry);

const list = Array.from({ length: SPACES }, (_, i) => (i % 3 === 0 ? { url: `https://owner-${i}-space.hf.space/`, name: `Space ${i}`, hf_space: `owner/space-${i}` } : `https://owner-${i}-app.hf.space/`));
const text = JSON.stringify(list);
const kv = { get: async () => text };
const db = new DatabaseSync(":memory:");
const ledger = new m.SpaceLedger(nodeSql(db));

const cpu = async (fn) => {
  const t = process.cpuUsage();
  const r = await fn();
  const d = process.cpuUsage(t);
  return [(d.user + d.system) / 1000, r];
};

const start = Date.parse("2026-11-23T00:00:00Z");
let [firstParse] = await cpu(() => m.refreshList(kv, ledger, start));
const planMs = [];
const recordMs = [];
const rollupMs = [];
let rows = 0;
let doRequests = 0;
let pings = 0;
const TICKS = 24 * 60;
for (let k = 1; k <= TICKS + 60; k++) {
  const tick = start + k * 60_000;
  const before = ledger.rowsWritten;
  const [pm, shards] = await cpu(async () => {
    await m.refreshList(kv, ledger, tick);
    const w = ledger.claimWindow(tick, 60_000);
    return m.planShards(ledger.due(tick, w.previousMs), PER_SHARD);
  });
  const due = shards.flat();
  // 1 in 200 checks fails, so some state rows change as they would in life.
  const checks = due.map((p, i) => ({ id: p.space.id, slot_key: p.slot_key, outcome: (k * 7 + i) % 200 === 0 ? "down" : "up", status: 200, latency_ms: 180 + (i % 50), attempts: 1, error: null, at: tick + 900 }));
  const summary = { at: tick, started_at: tick, finished_at: tick + 900, plan_ms: 0, shards_ms: 900, source: "cron", due: due.length, checked: due.length, up: 0, down: 0, waking: 0, degraded: 0, skipped: 0, lost: 0, shards: shards.length, confirmations: 0, regions: [], subrequests: due.length, max_subrequests_per_shard: PER_SHARD, max_in_flight: 6 };
  const [rm] = await cpu(() => ledger.record(tick, checks, summary, { down_after: 2, up_after: 1 }));
  if (k > 60 && k <= TICKS + 60) {
    // The first hour fills the list (every Space is new); count one steady day after it.
    planMs.push(pm);
    (tick % 3_600_000 === 0 ? rollupMs : recordMs).push(rm);
    rows += ledger.rowsWritten - before;
    doRequests += 3 + shards.length; // plan, record, the Alerter's tick call, one per shard
    pings += due.length;
  }
}

// 90 days of history for the report: day rows like the roll-ups write.
const today = Math.floor((start + (TICKS + 60) * 60_000) / 86_400_000);
const ins = db.prepare("INSERT OR IGNORE INTO days (id, day, up, total, lat_sum, lat_n, hours, cum_up, cum_total) VALUES (?, ?, 288, 288, 57600, 288, '{}', ?, ?)");
for (const s of ledger.spaces()) for (let d = today - 89; d < today - 1; d++) ins.run(s.id, d, (d - today + 90) * 288, (d - today + 90) * 288);
const reportMs = [];
for (let i = 0; i < 5; i++) reportMs.push((await cpu(() => m.buildSpacesReport(ledger, start + (TICKS + 60) * 60_000)))[0]);
const barsMs = [];
// The page draws bars for at most 60 Spaces (those not up, when the list is longer).
const carded = ledger.spaces().slice(0, 60).map((s) => s.id);
for (let i = 0; i < 5; i++) barsMs.push((await cpu(() => m.readDailyBars(ledger.sql, start + (TICKS + 60) * 60_000, carded)))[0]);

const s = (a) => a.sort((x, y) => x - y);
const f = (x) => x.toFixed(2);
const line = (label, a) => console.log(`| ${label} | ${a.length} | ${f(percentile(s(a), 50))} ms | ${f(percentile(a, 99))} ms | ${f(a[a.length - 1])} ms |`);
console.log(`\n${SPACES} Spaces, every 5 minutes, one simulated day (node ${process.version}, node:sqlite)\n`);
console.log("| step | runs | CPU p50 | p99 | max |\n|---|---|---|---|---|");
line("plan (KV text hashed, window claimed, due Spaces read)", planMs);
line("record (results row, state changes, summary)", recordMs);
line("record + hour roll-up", rollupMs);
line(`GET /v1/spaces report (90 days of history)`, reportMs);
line(`status page's 90 daily bars for 60 Spaces (readDailyBars)`, barsMs);
console.log(`| first parse of a changed list (zod, ${SPACES} entries) | 1 | ${f(firstParse)} ms | | |`);
console.log(`\nper day: ${pings.toLocaleString("en")} pings, ${rows.toLocaleString("en")} SQLite rows written, ${doRequests.toLocaleString("en")} Durable Object requests (plan + record + the Alerter's tick call + one per shard)`);
