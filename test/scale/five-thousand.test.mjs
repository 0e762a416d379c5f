// 5,000 Spaces and several days of history on a real local edge (wrangler dev): every read a
// viewer, a scraper or a client makes answers correctly. A list of 5,000 loopback Spaces goes in
// through the admin API; ticks run through the Cron entry over SCALE_DAYS days in the past,
// three an hour of simulated time (each Space on 6 hours, so about 830 checks an hour, and every
// hour and day of the history machinery: hours closed, recent blocks, days rolled up), then one
// at the current minute. 1 Space in 100 answers 500 (down), 1 in 100 answers 503 (waking). Nothing here is
// timed against a limit: each read's median wall time beside GET /health's is printed and kept
// in test-output/scale.json for BENCHMARKS.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWrangler } from "../../scripts/bench-lib.mjs";

const N = Number(process.env.SCALE_SPACES ?? 5000);
const DAYS = Number(process.env.SCALE_DAYS ?? 3);
const ADMIN = "scale-admin-token-0123456789abcdef";
const HOUR = 3_600_000;
// A healthy Space in the middle of the list, for its page and badges.
const ID = `s-${N / 2 + 34}`;
const kind = (i) => (i % 100 === 7 ? "down" : i % 100 === 13 ? "waking" : "up");
let edge;
let space;
let hits = 0;

beforeAll(async () => {
  space = createServer((req, res) => {
    hits += 1;
    const i = Number(req.url.split("/")[2]);
    res.statusCode = kind(i) === "down" ? 500 : kind(i) === "waking" ? 503 : 200;
    res.end();
  });
  space.keepAliveTimeout = 60_000;
  await new Promise((r) => space.listen(0, "127.0.0.1", r));
  // The watch off: ticks for past hours would otherwise look overdue to it.
  edge = await startWrangler({ vars: { ADMIN_TOKEN: ADMIN, CRON_LATE_S: "0", PING_BACKOFF_MS: "50" }, args: ["--test-scheduled"] });
});

afterAll(async () => {
  await edge?.stop();
  await new Promise((r) => space?.close(r));
});

const get = (path, token) => fetch(`${edge.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const json = async (path, token) => {
  const res = await get(path, token);
  expect(res.status, path).toBe(200);
  return res.json();
};
const text = async (path) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
const tick = async (t) => {
  const res = await fetch(`${edge.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${t}`);
  expect(res.status, `tick at ${new Date(t).toISOString()}`).toBe(200);
};

describe(`${N.toLocaleString("en")} Spaces, ${DAYS} days of history`, () => {
  it("every read answers correctly: the Spaces API page by page, the status page and its next page, /metrics part by part, detail pages, badges, health, usage", async () => {
    const port = space.address().port;
    const list = Array.from({ length: N }, (_, i) => ({ id: `s-${i}`, url: `http://127.0.0.1:${port}/s/${i}`, interval_s: 21_600, ...(i % 10 === 0 ? { critical: true } : {}), ...(i % 50 === 0 ? { name: `Space number ${i}` } : {}) }));
    const put = await fetch(`${edge.base}/v1/admin/spaces`, { method: "PUT", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: JSON.stringify(list) });
    expect(put.status).toBe(200);

    const now = Date.now();
    const first = Math.floor((now - DAYS * 86_400_000) / HOUR) * HOUR;
    let ticks = 0;
    // Each hour's tick, and two a minute apart after it: an ended hour is closed, then its
    // recent block built, then its day rolled up, one kind of work a tick (history.ts), which
    // ticks a minute apart do within the hour.
    for (let t = first; t < now - HOUR; t += HOUR, ticks += 3) for (const m of [0, 1, 2]) await tick(t + m * 60_000);
    await tick(Math.floor(Date.now() / 60_000) * 60_000);
    ticks += 1;

    // /v1/spaces, page by page: every Space exactly once, problems first.
    const seen = new Set();
    let cursor = null;
    let pages = 0;
    let firstPage;
    do {
      const body = await json(`/v1/spaces?limit=250${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      firstPage ??= body;
      for (const s of body.spaces) {
        expect(seen.has(s.id), s.id).toBe(false);
        seen.add(s.id);
      }
      cursor = body.page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen.size).toBe(N);
    expect(pages).toBe(Math.ceil(N / 250));
    expect(firstPage.list).toMatchObject({ valid: N, invalid: 0, error: null, applying: null });
    expect(firstPage.counts).toMatchObject({ up: N - 2 * (N / 100), down: N / 100, waking: N / 100 });
    expect(firstPage.spaces.slice(0, (2 * N) / 100).every((s) => s.state !== "up")).toBe(true);
    // A healthy Space has days of checks, all good; a down one none good.
    const one = firstPage.spaces.find((s) => s.state === "down");
    expect(one.uptime["7d"]).toBe(0);
    const healthy = await json(`/v1/spaces?limit=250&cursor=${encodeURIComponent(firstPage.page.next_cursor)}`);
    const good = healthy.spaces.find((s) => s.state === "up");
    expect(good.uptime["7d"]).toBe(1);
    expect(good.checks["7d"]).toBeGreaterThanOrEqual(DAYS * 4 - 1);

    // The status page and its next page.
    const page = await text("/");
    expect(page).toContain("s-7");
    const next = /href="\?cursor=([^"&]+)[^"]*" rel="next"/.exec(page);
    expect(next).not.toBeNull();
    const page2 = await text(`/?cursor=${next[1]}`);
    expect(page2).not.toBe(page);

    // /metrics, part by part: every Space's up gauge once.
    const m1 = await text("/metrics");
    const parts = Number(/^edge_pulse_metrics_parts (\d+)$/m.exec(m1)[1]);
    expect(parts).toBeGreaterThan(1);
    const upLines = new Set();
    mkdirSync("test-output", { recursive: true });
    for (let p = 1; p <= parts; p++) {
      const body = p === 1 ? m1 : await text(`/metrics?part=${p}`);
      // The first and last parts, for promtool (.ci/run), as Prometheus users check a target.
      if (p === 1 || p === parts) writeFileSync(`test-output/metrics-part-${p === 1 ? "first" : "last"}.txt`, body);
      for (const line of body.split("\n")) if (line.startsWith("edge_pulse_space_up{")) upLines.add(/space_id="([^"]+)"/.exec(line)[1]);
    }
    expect(upLines.size).toBe(N);

    // A Space's page, badges, the watchdog and the usage meter.
    expect(await text(`/spaces/${ID}`)).toContain(`/s/${N / 2 + 34} <span class="pill up">up</span>`);
    expect(await text("/spaces/s-7")).toContain('/s/7 <span class="pill down">down</span>');
    expect(await text(`/badge/${ID}.svg`)).toContain("up");
    expect(await text("/badge/s-7.svg")).toContain("down");
    expect(await text(`/badge/${ID}/uptime.svg?window=7d`)).toContain("100%");
    expect((await json("/v1/pinger/health")).status).toBe("ok");
    const usage = await json("/v1/usage", ADMIN);
    expect(usage.quotas.find((q) => q.quota === "do_requests").used).toBeGreaterThan(0);

    // Each read's median wall time beside GET /health's, in the same run (printed, not asserted).
    const reads = [
      ["GET /health", "/health"],
      ["GET / (status page)", "/"],
      ["GET /?cursor= (its next page)", `/?cursor=${next[1]}`],
      ["GET /metrics (part 1)", "/metrics"],
      [`GET /metrics?part=${parts}`, `/metrics?part=${parts}`],
      ["GET /v1/spaces (a page of 100)", "/v1/spaces"],
      ["GET /v1/spaces?limit=250", "/v1/spaces?limit=250"],
      ["GET /spaces/{id}", `/spaces/${ID}`],
      ["GET /badge/{id}.svg", `/badge/${ID}.svg`],
      ["GET /badge/{id}/uptime.svg", `/badge/${ID}/uptime.svg?window=90d`],
      ["GET /v1/pinger/health", "/v1/pinger/health"],
    ];
    const rows = [];
    for (const [name, path] of reads) {
      const ms = [];
      for (let k = 0; k < 21; k++) {
        const t0 = performance.now();
        const res = await get(path);
        await res.arrayBuffer();
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      rows.push({ read: name, median_ms: +ms[10].toFixed(1) });
    }
    const base = rows[0].median_ms;
    console.log(`\n${N} Spaces, ${DAYS} days, ${ticks} ticks, ${hits} checks: median wall time (21 runs each) under wrangler dev\n| read | median ms | x GET /health |\n|---|---|---|`);
    for (const r of rows) console.log(`| ${r.read} | ${r.median_ms} | ${(r.median_ms / base).toFixed(2)} |`);
    mkdirSync("test-output", { recursive: true });
    writeFileSync("test-output/scale.json", JSON.stringify({ spaces: N, days: DAYS, ticks, checks: hits, at: new Date().toISOString(), rows }, null, 2));
  });
});
