#!/usr/bin/env node
// `npm run bench:pinger`: one tick's wall time under `wrangler dev` for 100, 1,000 and 5,000
// loopback Spaces that each answer after 200 ms, against the ideal
// ceil(min(N, Spaces per shard) / 6) x 200 ms (the fullest shard keeping its 6 connections busy). Every Space
// has a 60 s interval, so every tick checks all N: the first tick of a round meets them new
// (a state row each), the second is the steady state that repeats every minute. The
// loopback server counts, per run (x-edge-pulse-run), requests and connections open at once.
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { countRun, startWrangler } from "./bench-lib.mjs";
import { vars } from "./bench-runtime.mjs";

const SIZES = (process.env.SMOKE === "1" ? "20" : (process.env.SIZES ?? "100,400,1000,5000")).split(",").map(Number);
const DELAY_MS = 200;
const PER_SHARD = Number(vars().PING_SPACES_PER_SHARD);
const SUBREQUESTS = Number(vars().PING_SUBREQUESTS_PER_SHARD);

const runs = new Map();
const server = createServer((req, res) => {
  countRun(runs, req, res);
  setTimeout(() => res.end("ok"), DELAY_MS);
});
server.maxConnections = 10_000;
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const spaceBase = `http://127.0.0.1:${server.address().port}`;

const admin = randomBytes(16).toString("hex");
const edge = await startWrangler({ vars: { ADMIN_TOKEN: admin }, args: ["--test-scheduled"] });
console.log(`\nOne tick, Spaces answering after ${DELAY_MS} ms (wrangler dev, ${PER_SHARD} Spaces and ${SUBREQUESTS} subrequests per shard, 6 connections)\n`);
console.log("| Spaces, tick | shards | plan / shards | ideal | tick (server) | tick / ideal | requests | most per shard | most open per shard |\n|---|---|---|---|---|---|---|---|---|");
let time = Math.ceil(Date.now() / 60_000) * 60_000;
try {
  for (const n of SIZES) {
    const list = Array.from({ length: n }, (_, i) => ({ url: `${spaceBase}/r${n}/${i}`, interval_s: 60 }));
    const put = await fetch(`${edge.base}/v1/admin/spaces`, { method: "PUT", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(list) });
    if (!put.ok) throw new Error(`PUT /v1/admin/spaces: ${put.status} ${await put.text()}`);
    // A changed list comes in a slice a tick (list.ts), each new Space checked as it comes:
    // tick until all of it is in, then measure the ticks that check all N.
    const tick = () => fetch(`${edge.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${(time += 60_000)}`);
    let applying = 0;
    for (;;) {
      await tick();
      applying += 1;
      const report = await (await fetch(`${edge.base}/v1/spaces?limit=1`, { headers: { authorization: `Bearer ${admin}` } })).json();
      if (report.list?.applying == null && report.page?.total === n) break;
      if (applying > 80) throw new Error(`the list is not in after ${applying} ticks: ${JSON.stringify(report.list)}`);
    }
    for (const kind of [`steady (list in after ${applying} ticks)`, "steady"]) {
    runs.clear();
    const started = performance.now();
    const res = await tick();
    const clientMs = performance.now() - started;
    const health = await (await fetch(`${edge.base}/v1/pinger/health`)).json();
    const t = health.last_tick;
    if (!res.ok || t === null || Date.parse(t.at) !== time) throw new Error(`tick did not complete: ${res.status} ${JSON.stringify(health)}`);
    const serverMs = Date.parse(t.finished_at) - Date.parse(t.started_at);
    // The fullest shard's rounds of 6: shards run at once, so a tick takes as long as it does.
    const ideal = Math.ceil(Math.min(n, PER_SHARD) / 6) * DELAY_MS;
    const stats = [...runs.values()];
    const requests = stats.reduce((a, r) => a + r.requests, 0);
    console.log(
      `| ${n.toLocaleString("en")} ${kind} | ${t.shards} | ${t.plan_ms} / ${t.shards_ms} ms | ${ideal} ms | ${serverMs} ms (client ${Math.round(clientMs)} ms) | ${(serverMs / ideal).toFixed(2)} | ${requests} (checked ${t.checked}, up ${t.up}) | ${Math.max(...stats.map((r) => r.requests))} | ${Math.max(...stats.map((r) => r.max))} |`,
    );
    }
  }
} finally {
  await edge.stop();
  server.close();
  server.closeAllConnections();
}
