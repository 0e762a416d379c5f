#!/usr/bin/env node
// `npm run bench:trust`: what checks people can trust cost on the Free plan. One simulated
// day of 2,000 Spaces on 5 minutes, a tick a minute, with the pinger's own code on
// node:sqlite (the SQL the SpaceStore runs): the ledger and its roll-ups, the region
// shards and confirmations (regions.ts), ping-backs (pingbacks.ts) and the cron watch
// (watchdog.ts). The network is a model, said here: 1 check in 200 fails at home and is
// retried twice (3 subrequests); half of those also fail from the confirming region (3 more),
// half answer there (1 more). Reports Durable Object requests, external subrequests, rows
// written and Worker requests per day against the Free plan's daily limits.
import { DatabaseSync } from "node:sqlite";
import { importTs, nodeSql } from "./bench-lib.mjs";

const SPACES = Number(process.env.SPACES ?? 2000);
const PER_SHARD = 20;
const REGIONS = ["enam", "weur"];
const m = await importTs(`
export { SpaceLedger } from "./workers/pinger/ledger.ts";
export { refreshList } from "./workers/pinger/list.ts";
export { PingbackBook } from "./workers/pinger/pingbacks.ts";
export { homeJobs, confirmJobs, combine, homeRegion, confirmRegion, regionResult } from "./workers/pinger/regions.ts";
export { watchAfterTick } from "./workers/pinger/watchdog.ts";
`);

/** One day: { regions, pingbacks: Spaces that expect and send one every 5 minutes }. */
async function day({ regions, pingbacks }) {
  const list = Array.from({ length: SPACES }, (_, i) => ({ id: `space-${i}`, url: `https://owner-${i}-app.hf.space/`, interval_s: 300, ...(i < pingbacks ? { expect_pingback: true } : {}) }));
  const text = JSON.stringify(list);
  const ledger = new m.SpaceLedger(nodeSql(new DatabaseSync(":memory:")));
  const book = new m.PingbackBook(ledger);
  const start = Date.parse("2026-11-23T00:00:00Z");
  const c = { doRequests: 0, subrequests: 0, rows: 0, setAlarms: 0, workerRequests: 0, shards: 0, confirmShards: 0, degraded: 0, down: 0 };
  let alarm = null;
  let failures = 0;
  const TICKS = 24 * 60;
  for (let k = 1; k <= TICKS + 60; k++) {
    const tick = start + k * 60_000;
    const counting = k > 60; // the first hour fills the list (every Space is new)
    const before = ledger.rowsWritten;
    // Ping-backs since the last tick: each a Worker request and a SpaceStore request.
    for (let i = 0; i < pingbacks; i++) {
      if ((k + i) % 5 === 0) {
        book.note(`space-${i}`, tick - 30_000);
        if (counting) {
          c.doRequests += 1;
          c.workerRequests += 1;
        }
      }
    }
    await m.refreshList({ get: async () => text }, ledger, tick);
    const w = ledger.claimWindow(tick, 60_000);
    const due = ledger.due(tick, w.previousMs);
    const at = m.watchAfterTick(alarm, tick, 120_000);
    if (at !== null) {
      alarm = at;
      if (counting) c.setAlarms += 1;
    }
    const homes = m.homeJobs(due, regions, PER_SHARD);
    let checks = due.map((p, i) => {
      const fails = (k * 7 + i) % 200 === 0;
      if (counting) c.subrequests += fails ? 3 : 1;
      // Every other failure is the home region's own (the other region answers).
      const onlyHome = fails && failures++ % 2 === 0;
      return { id: p.space.id, slot_key: p.slot_key, outcome: fails ? "down" : "up", status: fails ? 502 : 200, latency_ms: 180, attempts: fails ? 3 : 1, error: fails ? "unexpected status 502" : null, at: tick + 900, onlyHome };
    });
    let confirms = [];
    if (regions.length > 1) {
      const down = checks.filter((x) => x.outcome === "down");
      confirms = m.confirmJobs(due.filter((p) => down.some((d) => d.id === p.space.id)), regions, PER_SHARD);
      checks = checks.map((x) => {
        const home = m.homeRegion(x.id, regions);
        if (x.outcome !== "down") return { ...x, regions: [m.regionResult(x, home)] };
        if (counting) c.subrequests += x.onlyHome ? 1 : 3;
        const other = x.onlyHome ? { ...x, outcome: "up", status: 200, error: null, attempts: 1 } : x;
        return m.combine(x, home, other, m.confirmRegion(home, regions));
      });
    }
    checks = checks.map(({ onlyHome, ...x }) => x);
    const summary = { at: tick, started_at: tick, finished_at: tick + 900, plan_ms: 0, shards_ms: 900, source: "cron", due: due.length, checked: due.length, up: 0, down: 0, waking: 0, degraded: 0, skipped: 0, lost: 0, shards: homes.length + confirms.length, confirmations: 0, regions, subrequests: 0, max_subrequests_per_shard: 0, max_in_flight: 6 };
    const { summary: stored } = ledger.record(tick, checks, summary, { down_after: 2, up_after: 1 }, (x, sp) => book.judge(x, sp));
    book.flush();
    if (counting) {
      c.rows += ledger.rowsWritten - before;
      c.doRequests += 3 + homes.length + confirms.length; // plan, record, the Alerter's tick call, one per shard
      c.shards += homes.length;
      c.confirmShards += confirms.length;
      c.degraded += stored.degraded;
      c.down += stored.down;
    }
  }
  c.rows += c.setAlarms; // each setAlarm() is a row written
  c.workerRequests += TICKS; // the cron invocations
  return c;
}

const scenarios = [
  ["one region (PING_REGIONS empty)", { regions: [], pingbacks: 0 }],
  ["two regions (enam, weur)", { regions: REGIONS, pingbacks: 0 }],
  ["two regions, 60 Spaces pinging back every 5 min", { regions: REGIONS, pingbacks: 60 }],
  ["two regions, all 2,000 pinging back every 5 min", { regions: REGIONS, pingbacks: SPACES }],
];
const pct = (n, of) => `${n.toLocaleString("en")} (${((n / of) * 100).toFixed(1)}%)`;
console.log(`\n${SPACES} Spaces on 5 minutes, 1 check in 200 failing at home, one simulated day (node ${process.version}); Free plan limits per day in the header\n`);
console.log("| scenario | DO requests (100,000) | rows written (100,000) | Worker invocations: cron + ping-backs (100,000) | external subrequests | shards + confirmation shards | degraded / down checks |");
console.log("|---|---|---|---|---|---|---|");
for (const [name, opts] of scenarios) {
  const c = await day(opts);
  console.log(`| ${name} | ${pct(c.doRequests, 100_000)} | ${pct(c.rows, 100_000)} | ${pct(c.workerRequests, 100_000)} | ${c.subrequests.toLocaleString("en")} | ${c.shards.toLocaleString("en")} + ${c.confirmShards.toLocaleString("en")} | ${c.degraded.toLocaleString("en")} / ${c.down.toLocaleString("en")} |`);
}
console.log("\nRows include the watch's setAlarm() writes (every other tick while the cron ticks). Not counted: GET /v1/spaces, the page, /metrics and pool traffic (BENCHMARKS.md has those).");
