#!/usr/bin/env node
// `npm run bench:budget`: one simulated UTC day on the Free plan, with the project's own Worker
// and Durable Object classes (scripts/bench-runtime.mjs: storage on node:sqlite, RPC as V8
// serialisation) and the shipped wrangler.toml, counted by the project's own usage meter and
// read back from GET /v1/usage as an operator reads it. Everything is the real code: the Cron
// entry every minute, the SpaceStore's tick, real PingShard objects with their budget and the
// retry pass, the Alerter, a real pool of HOSTS hosts heartbeating through the Worker every
// 15 s, and every alarm run when it falls due. Only the network is a model, said here:
// - fetch answers at once; each request moves the asking invocation's own clock on by
//   LATENCY_MS / 6 (six connections at a time), so a shard's duration is about
//   ceil(Spaces / 6) x LATENCY_MS and a tick's the slowest of its shards (they run at once);
// - 1 check in 200 fails (502 on every attempt), a different Space each minute, never the same
//   one two ticks in a row (so no alerts), and is retried twice;
// - retries wait 1 ms (PING_BACKOFF_MS), not 2 s: time here is the model's, not the machine's.
// "SQLite check": the SpaceStore's rows in the book against SQLite's own total_changes() over
// the same span (the book takes rows in at each tick, so from the previous day's last tick).
// Scenarios: the pinger alone and with a pool of 8 hosts, at 2,000 and 5,000 Spaces; what
// checks people can trust cost (a second region confirming failures, Spaces pinging back every
// 5 minutes: GET /health?space=, each a Worker request and a SpaceStore request).
//   node scripts/bench-budget.mjs                       (about 3 minutes)
//   SMOKE=1 node scripts/bench-budget.mjs               (CI: every scenario, 50 Spaces, 2 hours)
import { AsyncLocalStorage } from "node:async_hooks";
import { startRuntime, vars } from "./bench-runtime.mjs";

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 300);
const SMOKE = process.env.SMOKE === "1";
const HOURS = SMOKE ? 2 : 25;
const scale = (n) => (SMOKE ? Math.min(n, 50) : n);
const SCENARIOS = [
  { spaces: 2000, hosts: 0 },
  { spaces: 2000, hosts: 8 },
  { spaces: 5000, hosts: 8 },
  { spaces: 2000, hosts: 0, regions: "enam,weur" },
  { spaces: 2000, hosts: 0, pingbacks: 100 },
]
  .map((c) => ({ ...c, spaces: scale(c.spaces), pingbacks: SMOKE ? Math.min(c.pingbacks ?? 0, 25) : (c.pingbacks ?? 0) }))
  // At the smoke's scale 2,000 and 5,000 are the same scenario.
  .filter((c, i, all) => all.findIndex((d) => JSON.stringify(d) === JSON.stringify(c)) === i);
const MIN = 60_000;

// One clock for the day, plus each invocation's own time spent waiting on the network.
const als = new AsyncLocalStorage();
let clock = 0;
const RealDate = Date;
const now = () => clock + (als.getStore()?.offset ?? 0);
globalThis.Date = class extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(now());
    else super(...a);
  }
  static now() {
    return now();
  }
};

/** Each object call runs on its own clock from its caller's; its caller waits for it (calls made at once: for the slowest). */
function around(_cls, _method, call) {
  const parent = als.getStore();
  const own = { offset: parent?.offset ?? 0 };
  return als.run(own, async () => {
    try {
      return await call();
    } finally {
      if (parent !== undefined) parent.offset = Math.max(parent.offset, own.offset);
    }
  });
}

// The objects' log lines (a tick's summary each minute) are not this bench's output.
const print = console.log;
console.log = () => {};

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const store = als.getStore();
  if (store !== undefined) store.offset += LATENCY_MS / 6;
  const i = Number(/owner-(\d+)-/.exec(url.hostname)?.[1] ?? 0);
  const fails = (Math.floor(clock / MIN) * 7 + i) % 200 === 0;
  return new Response(null, { status: fails ? 502 : 200 });
};

async function day({ spaces, hosts, regions = "", pingbacks }) {
  // From 23:00 the day before: the list goes in, and the counted day is 00:00-23:59 UTC.
  const start = RealDate.parse("2026-11-22T23:00:00Z");
  const end = start + HOURS * 3_600_000 - MIN;
  clock = start;
  const rt = await startRuntime({ extraVars: { CRON_LATE_S: vars().CRON_LATE_S ?? "120", PING_BACKOFF_MS: "1", PING_REGIONS: regions }, around });
  const list = Array.from({ length: spaces }, (_, i) => ({
    id: `space-${i}`, url: `https://owner-${i}-app.hf.space/`, interval_s: 300, ...(i % 10 === 0 ? { critical: true } : {}), ...(i < pingbacks ? { expect_pingback: true } : {}),
  }));
  await rt.env.SPACES.put("spaces", JSON.stringify(list));
  const admin = { authorization: `Bearer ${rt.env.ADMIN_TOKEN}`, "content-type": "application/json" };
  const gpus = Array.from({ length: 8 }, (_, id) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 60_000_000_000 }));
  let auth = null;
  if (hosts > 0) {
    const made = await rt.fetch("setup", "/v1/admin/pools/gpu/tokens", { method: "POST", headers: admin, body: JSON.stringify({ label: "bench" }) });
    auth = { authorization: `Bearer ${JSON.parse(made.text()).token}`, "content-type": "application/json" };
  }
  const heartbeat = (h) =>
    JSON.stringify({
      pool_id: "gpu", host_id: `host-${h}`, timestamp: new Date().toISOString(), gpus,
      workers: Array.from({ length: 8 }, (_, w) => ({ id: `w-${h}-${w}`, status: "idle", model_ref: "llama-8b", vram_bytes: 17e9, gpu_id: w, uri: `http://10.0.0.${h}:${8000 + w}`, capabilities: ["text-gen"], protocol: "sse" })),
    });
  const db = rt.env.SPACE_STORE.storageOf("pinger").db;
  const changes = () => Number(db.prepare("SELECT total_changes() AS n").get().n);
  // The book takes the store's rows in at each tick's settle: the day's rows are SQLite's from
  // the previous day's last settle on.
  let settledAt = 0;
  let sqliteAtStart = 0;
  let hooked = false;
  const dayStart = start + 3_600_000;
  const namespaces = [rt.env.SPACE_STORE, rt.env.ALERTS, rt.env.POOLS, rt.env.POOL_INDEX];
  for (let t = start; t <= end + 30_000; t += 1000) {
    clock = t;
    for (const ns of namespaces) await als.run({ offset: 0 }, () => ns.runDueAlarms(t));
    const s = (t - start) / 1000;
    if (t <= end && s % 60 === 0) {
      await als.run({ offset: 0 }, () => rt.cron(t));
      if (!hooked) {
        const hub = rt.env.SPACE_STORE.instance("pinger").hub;
        const settle = hub.settle.bind(hub);
        hub.settle = (...a) => ((settledAt = changes()), settle(...a));
        hooked = true;
      }
      if (t === dayStart - MIN) sqliteAtStart = settledAt;
    }
    // Ping-backs: each of the first `pingbacks` Spaces every 5 minutes, spread over them.
    for (let i = 0; i < pingbacks; i++) {
      if ((s - i * 3) % 300 !== 0 || t < start + 10 * MIN) continue;
      await als.run({ offset: 0 }, () => rt.fetch("pingback", `/health?space=space-${i}`));
    }
    // Hosts 2 s apart, each every 15 s.
    for (let h = 0; h < hosts; h++) {
      if ((s - 2 * h) % 15 !== 0) continue;
      const res = await als.run({ offset: 0 }, () => rt.fetch("heartbeat", "/v2/pools/gpu/heartbeat", { method: "POST", headers: auth, body: heartbeat(h) }));
      if (res.status !== 200) throw new Error(`heartbeat ${res.status}: ${res.text()}`);
    }
  }
  const sqliteRows = changes() - sqliteAtStart;
  const usage = JSON.parse((await rt.fetch("usage", "/v1/usage", { headers: admin })).text());
  return { usage, sqliteRows };
}

const fmt = (n) => Math.round(n).toLocaleString("en");
const pct = (q) => `${fmt(q.used)} (${((q.used / q.limit) * 100).toFixed(1)}%)`;
const s = vars();
print(
  `\nOne simulated UTC day on the Free plan (node ${process.version}), the shipped wrangler.toml (shards of ${s.PING_SPACES_PER_SHARD} in ${s.PING_SUBREQUESTS_PER_SHARD} subrequests, ${s.PING_RETRIES} retries); ${LATENCY_MS} ms per check; 1 Space in 10 critical; 1 check in 200 failing. Counted by the usage meter, read from GET /v1/usage; "SQLite check": the SpaceStore's rows in the book vs SQLite's own total_changes() over the same span.\n`,
);
print("| scenario | Worker requests | DO requests | rows written | DO duration GB-s | KV reads | KV writes | governor's stretch | SQLite check (book = SQLite) |");
print("|---|---|---|---|---|---|---|---|---|");
const parts = [];
for (const sc of SCENARIOS) {
  const t0 = performance.now();
  const { usage, sqliteRows } = await day(sc);
  const by = Object.fromEntries(usage.quotas.map((q) => [q.quota, q]));
  const bookRows = by.rows_written.by.find((p) => p.what === "SpaceStore")?.used ?? 0;
  const name = `${fmt(sc.spaces)} Spaces${sc.hosts > 0 ? ` + ${sc.hosts} hosts` : ""}${sc.regions ? `, PING_REGIONS="${sc.regions}"` : ""}${sc.pingbacks > 0 ? `, ${sc.pingbacks} pinging back every 5 min` : ""}`;
  print(`| ${name} | ${pct(by.worker_requests)} | ${pct(by.do_requests)} | ${pct(by.rows_written)} | ${pct(by.do_duration_gbs)} | ${pct(by.kv_reads)} | ${pct(by.kv_writes)} | ${usage.governor.stretch} | ${fmt(bookRows)} = ${fmt(sqliteRows)} ${bookRows === sqliteRows ? "✓" : "✗"} |`);
  parts.push([name, usage, Math.round(performance.now() - t0)]);
}
for (const [name, usage, ms] of parts) {
  print(`\n${name} (${(ms / 1000).toFixed(0)} s to simulate):`);
  for (const q of usage.quotas) if (q.used > 0) print(`- ${q.quota}: ${q.by.map((p) => `${p.what} ${fmt(p.used)}`).join(", ")}`);
}
process.exit(0); // timers the objects left (a flush, a stream) would keep a finished bench alive
