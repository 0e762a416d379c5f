#!/usr/bin/env node
// `npm run bench:limits`: the CPU map. Every invocation a user's traffic causes, measured on the
// project's own Worker and Durable Object classes in Node (scripts/bench-runtime.mjs: storage on
// node:sqlite, RPC as V8 serialisation, each object call counted as its own invocation), with
// 90 days of history (88 days of day blocks as the roll-up writes them, then 26 hours of real
// ticks through the Cron entry) at SPACES Spaces, and pools of 8 hosts / 1,000 workers and
// 125 hosts / 10,000 workers. Each cell is CPU p50 / p99 ms against the Free plan's 10 ms.
// The network is out of it: shards answer at once with made-up results (a shard's own CPU is
// bench:pinger's), so a tick's row is the SpaceStore's own work.
//   SPACES=100,1000,2000,5000 HOURS=26 REPS=20 POOL_SCALES=8x125,125x80 node --expose-gc --no-flush-bytecode scripts/bench-limits.mjs
// The garbage of the other objects' invocations (one process here, one isolate each on
// Cloudflare) is collected before each measured one (--expose-gc); --no-flush-bytecode keeps
// those forced collections from also dropping compiled code, which made every invocation
// recompile what it runs (steady tick at 5,000 Spaces: 10.6 ms p50 with, 6.5 without).
import { percentile } from "./bench-lib.mjs";
import { startRuntime } from "./bench-runtime.mjs";

const SCALES = (process.env.SPACES ?? "100,1000,2000,5000").split(",").map(Number);
const HOURS = Number(process.env.HOURS ?? 26);
const REPS = Number(process.env.REPS ?? 20);
const POOL_SCALES = (process.env.POOL_SCALES ?? "8x125,125x80").split(",").filter(Boolean).map((s) => s.split("x").map(Number));
const LIMIT_MS = 10;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** label -> scale -> samples (ms) and bytes */
const table = new Map();
const note = (label, scale, ms, bytes = 0) => {
  let row = table.get(label);
  if (row === undefined) table.set(label, (row = new Map()));
  let cell = row.get(scale);
  if (cell === undefined) row.set(scale, (cell = { ms: [], bytes: 0 }));
  cell.ms.push(ms);
  cell.bytes = Math.max(cell.bytes, bytes);
};

/** Runs `fn` REPS times (after one warm-up) and files every invocation it caused under `name`. */
async function measure(rt, scale, name, fn, reps = REPS) {
  await fn();
  rt.meter.samples.clear();
  for (let i = 0; i < reps; i++) {
    // Each Worker isolate and object has a heap of its own: the garbage of the bench's other
    // invocations (one process here) is collected before each one, not counted in it.
    globalThis.gc?.();
    await fn();
  }
  for (const [label, s] of rt.meter.samples) s.ms.forEach((ms, i) => note(`${name} | ${label}`, scale, ms, s.bytes[i]));
  rt.meter.samples.clear();
}

function shardStandIn(wire) {
  // Every Space answers, the way a real shard reports it (JSON text each way:
  // workers/pinger/wire.ts); no network.
  const at = Date.now();
  const order = { ...wire, spaces: JSON.parse(wire.spaces) };
  const results = order.spaces.map((p, i) => {
    // 1 Space in 100 down throughout (the page's problem cards), and 1 check in 200 failing.
    const down = Number(p.space.id.slice(2)) % 100 === 7 || (at / MIN + i) % 200 < 1;
    return { id: p.space.id, slot_key: p.slot_key, outcome: down ? "down" : "up", status: down ? 503 : 200, latency_ms: 120 + (i % 300), attempts: 1, error: down ? "unexpected status 503" : null, at };
  });
  return { run_id: order.run_id, results: JSON.stringify(results), subrequests: results.length, budget: order.settings.subrequests, max_in_flight: Math.min(6, results.length), started_at: at, finished_at: at, usage: null };
}

async function spacesScale(N) {
  // The shards' stand-in answers with the tick's own time: the bench moves Date.now() through
  // the simulated day (every object reads the same clock).
  let clock = Math.floor(Date.now() / MIN) * MIN - HOURS * HOUR;
  const realNow = Date.now;
  Date.now = () => clock;
  const rt = await startRuntime({ shards: shardStandIn });
  const list = Array.from({ length: N }, (_, i) => ({
    id: `s-${i}`, url: `https://owner-${i}-app.hf.space/`, interval_s: 300,
    ...(i % 3 === 0 ? { hf_space: `owner-${i}/app` } : {}), ...(i % 10 === 0 ? { critical: true } : {}), ...(N <= 100 && i % 4 === 0 ? { group: `group-${i % 3}` } : {}),
  }));
  // A small list first, so what follows is a changed list on a running store (not the
  // isolate's first code to run), as a user changing theirs meets it.
  await rt.env.SPACES.put("spaces", JSON.stringify(list.slice(0, 10).map((s) => ({ ...s, id: `warm-${s.id}`, url: `${s.url}warm` }))));
  for (let k = 0; k < 3; k++) await rt.cron((clock += MIN));
  await rt.env.SPACES.put("spaces", JSON.stringify(list));

  // The ticks that bring the changed list in: 100 entries a tick parsed and written, each new
  // Space checked as it comes; then the old list's Spaces removed.
  for (let k = 0; k < 40; k++) {
    rt.meter.samples.clear();
    clock += MIN;
    await rt.cron(clock);
    for (const [label, s] of rt.meter.samples) s.ms.forEach((ms) => note(`tick bringing a changed ${N.toLocaleString("en")}-entry list in | ${label}`, N, ms));
    const applying = rt.env.SPACE_STORE.instance("pinger").list.progress();
    if (applying === null) break;
  }
  rt.meter.samples.clear();

  // 88 days of history before the ticks, written as the daily roll-up writes day blocks.
  const store = rt.env.SPACE_STORE;
  const db = store.storageOf("pinger").db;
  const { DayBlock, shiftSeen } = await seriesModule();
  const firstDay = Math.floor(clock / DAY) - 88;
  let prev = null;
  for (let day = firstDay; day < Math.floor(clock / DAY); day++) {
    const b = new DayBlock(day);
    for (let s = 0; s < N; s++) {
      const p = prev?.get(s);
      b.set(s, { up: 285, total: 288, lat_sum: 288 * 200, lat_n: 288, cum_up: (p?.cum_up ?? 0) + 285, cum_total: (p?.cum_total ?? 0) + 288, seen: shiftSeen(p?.seen ?? [0, 0, 0], 1, true) });
    }
    db.prepare("INSERT OR REPLACE INTO day_blocks (day, bars, data) VALUES (?, ?, ?)").run(day, b.toBars(), b.toBlob());
    prev = b;
  }
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('rolled_through', ?)").run(JSON.stringify(Math.floor(clock / DAY) - 1));
  store.evict("pinger");

  // HOURS of ticks through the Cron entry, each filed by what it did beside its checks.
  // What the tick did besides its checks, seen on the history's own steps (history.ts).
  let did = null;
  const watch = () => {
    const h = store.instance("pinger").ledger.history;
    if (h.watched) return;
    h.watched = true;
    for (const [step, name] of [["closeSome", "closing an ended hour (3,000 checks)"], ["buildRecent", "building the recent block"], ["rollUpStep", "rolling up a day (2,000 Spaces)"]]) {
      const f = h[step].bind(h);
      h[step] = (...a) => {
        const w = f(...a);
        if (typeof w === "number" ? w > 0 : w.busy) did ??= name;
        return w;
      };
    }
  };
  const end = clock + HOURS * HOUR;
  for (clock += MIN; clock <= end; clock += MIN) {
    rt.meter.samples.clear();
    globalThis.gc?.();
    watch();
    did = null;
    await rt.cron(clock);
    const kind = did === null ? "tick, steady" : `tick ${did}`;
    for (const [label, s] of rt.meter.samples) s.ms.forEach((ms) => note(`cron ${kind} | ${label}`, N, ms));
  }
  rt.meter.samples.clear();
  clock = end + 30_000;

  // Viewers and scrapers.
  const firstPage = JSON.parse((await rt.fetch("x", "/v1/spaces")).text());
  const cursor = firstPage.page.next_cursor;
  await measure(rt, N, "GET / (status page)", () => rt.fetch("GET /", "/"));
  if (cursor !== null) await measure(rt, N, "GET /?cursor= (its next page)", () => rt.fetch("GET /?cursor=", `/?cursor=${cursor}`));
  await measure(rt, N, "GET /metrics (part 1)", () => rt.fetch("GET /metrics", "/metrics"));
  if (N > 500) await measure(rt, N, "GET /metrics?part=2", () => rt.fetch("GET /metrics?part=2", "/metrics?part=2"));
  await measure(rt, N, "GET /v1/spaces (a page of 100)", () => rt.fetch("GET /v1/spaces", "/v1/spaces"));
  await measure(rt, N, "GET /v1/spaces?limit=250 (the largest page)", () => rt.fetch("GET /v1/spaces?limit=250", "/v1/spaces?limit=250"));
  await measure(rt, N, "GET /spaces/{id} (a Space's page)", () => rt.fetch("GET /spaces/{id}", `/spaces/s-${Math.floor(N / 2)}`));
  await measure(rt, N, "GET /badge/{id}.svg", () => rt.fetch("GET /badge/{id}.svg", `/badge/s-${Math.floor(N / 3)}.svg`));
  await measure(rt, N, "GET /badge/{id}/uptime.svg", () => rt.fetch("GET /badge/{id}/uptime.svg", `/badge/s-${Math.floor(N / 3)}/uptime.svg?window=90d`));
  await measure(rt, N, "GET /health?space= (a ping-back)", () => rt.fetch("GET /health?space=", `/health?space=s-${Math.floor(N / 4)}`));
  await measure(rt, N, "GET /health", () => rt.fetch("GET /health", "/health"));
  // A list change through the admin API: the whole list parsed and validated in one invocation.
  const admin = { authorization: `Bearer ${rt.env.ADMIN_TOKEN}`, "content-type": "application/json" };
  const listText = JSON.stringify(list);
  await measure(rt, N, `PUT /v1/admin/spaces (${N.toLocaleString("en")} entries)`, () => rt.fetch("PUT /v1/admin/spaces", "/v1/admin/spaces", { method: "PUT", headers: admin, body: listText }), 5);
  // Cold: the store evicted (a deploy, a restart) before each read: nothing of it in memory.
  for (const [name, path] of [["GET / after a restart", "/"], ["GET /v1/spaces after a restart", "/v1/spaces"], ["GET /metrics after a restart", "/metrics"], ["GET /spaces/{id} after a restart", `/spaces/s-${Math.floor(N / 2)}`], ["GET /badge after a restart", `/badge/s-1.svg`]]) {
    await measure(rt, N, name, async () => {
      store.evict("pinger");
      await rt.fetch(name, path);
    }, 5);
  }
  Date.now = realNow;
}

async function seriesModule() {
  const { importTs } = await import("./bench-lib.mjs");
  return importTs('export { DayBlock, shiftSeen } from "./workers/pinger/series.ts";');
}

async function poolScale(hosts, perHost) {
  const rt = await startRuntime({ shards: shardStandIn });
  const label = `${hosts} hosts / ${(hosts * perHost).toLocaleString("en")} workers`;
  const admin = { authorization: `Bearer ${rt.env.ADMIN_TOKEN}`, "content-type": "application/json" };
  const token = async (scope) => JSON.parse((await rt.fetch("x", "/v1/admin/pools/bench/tokens", { method: "POST", headers: admin, body: JSON.stringify({ scope }) })).text()).token;
  const auth = { authorization: `Bearer ${await token("write")}`, "content-type": "application/json" };
  const reader = { authorization: `Bearer ${await token("schedule")}` };
  const gpus = Array.from({ length: 8 }, (_, id) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 60_000_000_000 - id * 1e9 }));
  const body = (h) => JSON.stringify({
    pool_id: "bench", host_id: `host-${h}`, timestamp: new Date().toISOString(), gpus,
    workers: Array.from({ length: perHost }, (_, i) => ({ id: `w-${h}-${i}`, status: "idle", model_ref: "meta-llama/Llama-3.1-8B-Instruct", vram_bytes: 17e9, gpu_id: i % 8, uri: `http://10.0.${h % 250}.1:${8000 + i}`, capabilities: ["text-gen"], protocol: "sse" })),
  });
  for (let h = 0; h < hosts; h++) await rt.fetch("x", "/v2/pools/bench/heartbeat", { method: "POST", headers: auth, body: body(h) });
  let h = 0;
  await measure(rt, label, "POST /v2/pools/{id}/heartbeat (steady)", () => rt.fetch("heartbeat", "/v2/pools/bench/heartbeat", { method: "POST", headers: auth, body: body(h++ % hosts) }));
  await measure(rt, label, "GET /v2/pools/{id} (snapshot)", () => rt.fetch("snapshot", "/v2/pools/bench", { headers: reader }));
  await measure(rt, label, "GET /v2/pools/{id}/placement", () => rt.fetch("placement", "/v2/pools/bench/placement?vram_bytes=20000000000", { headers: reader }));
  await measure(rt, label, "GET /pools/{id} (the pool's page)", () => rt.fetch("pool page", "/pools/bench"));
  await measure(rt, label, "GET /badge/pool/{id}.svg", () => rt.fetch("pool badge", "/badge/pool/bench.svg"));
  await measure(rt, label, "PoolRegistry alarm (sweep)", () => rt.env.POOLS.alarm("bench"));
  await measure(rt, label, "GET /metrics with the pool", () => rt.fetch("metrics", "/metrics"));
  if (hosts * perHost > 1000) {
    const next = JSON.parse((await rt.fetch("x", "/v2/pools/bench", { headers: reader })).text()).page.next_cursor;
    await measure(rt, label, "GET /v2/pools/{id}?cursor= (the next 1,000)", () => rt.fetch("snapshot page 2", `/v2/pools/bench?cursor=${next}`, { headers: reader }));
  }
  const sched = { ...reader, "content-type": "application/json" };
  await measure(rt, label, "POST + DELETE a reservation", async () => {
    const made = await rt.fetch("reserve", "/v2/pools/bench/reservations", { method: "POST", headers: sched, body: JSON.stringify({ vram_bytes: 1e9, ttl_s: 60, holder: "bench" }) });
    if (made.status !== 201) throw new Error(`reservation: ${made.status} ${made.text()}`);
    const gone = await rt.fetch("release", `/v2/pools/bench/reservations/${JSON.parse(made.text()).reservation_id}`, { method: "DELETE", headers: sched });
    if (gone.status !== 200) throw new Error(`release: ${gone.status} ${gone.text()}`);
  });
  // A heartbeat that flushes the registry's volatile state (every flush_interval_s, 30 s, while busy).
  const realNow = Date.now;
  let skew = 0;
  Date.now = () => realNow() + skew;
  await measure(rt, label, "POST /v2/pools/{id}/heartbeat that flushes", () => {
    skew += 31_000;
    return rt.fetch("heartbeat + flush", "/v2/pools/bench/heartbeat", { method: "POST", headers: auth, body: body(h++ % hosts) });
  }, 10);
  Date.now = realNow;
}

for (const n of SCALES) await spacesScale(n);
for (const [hosts, perHost] of POOL_SCALES) await poolScale(hosts, perHost);

const cols = [...new Set([...table.values()].flatMap((row) => [...row.keys()]))];
const head = cols.map((c) => (typeof c === "number" ? `${c.toLocaleString("en")} Spaces` : c));
console.log(`\nCPU per invocation, p50 / p99 ms (node ${process.version}); ✗ past the Free plan's ${LIMIT_MS} ms; size: the answer's bytes at the largest scale\n`);
console.log(`| invocation | part | ${head.join(" | ")} | size |`);
console.log(`|---|---|${cols.map(() => "---|").join("")}---|`);
for (const [label, row] of table) {
  const [name, part] = label.split(" | ");
  const cells = cols.map((c) => {
    const cell = row.get(c);
    if (cell === undefined) return "";
    const a = [...cell.ms].sort((x, y) => x - y);
    const p50 = percentile(a, 50);
    const p99 = percentile(a, 99);
    return `${p50.toFixed(2)} / ${p99.toFixed(2)}${p99 > LIMIT_MS ? " ✗" : ""}`;
  });
  const last = [...row.values()].at(-1);
  console.log(`| ${name} | ${part} | ${cells.join(" | ")} | ${last.bytes > 0 ? `${(last.bytes / 1024).toFixed(1)} KiB` : ""} |`);
}
