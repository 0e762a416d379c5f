// The status page, /metrics, the pages' accessibility and alert delivery against a real local
// edge (wrangler dev, test/local-edge.ts) with loopback Spaces, a pool fed by heartbeats and
// a loopback webhook receiver. The page is rendered in headless Chromium on a phone-sized
// screen and a screenshot is written to test/e2e/output/.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import parsePrometheus from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch } from "./browser.mjs";

const edge = inject("edgeUrl");
const admin = inject("adminToken");
const OUT = "test/e2e/output";
const WORKER_URI = "http://10.9.8.7:8001/very-private-worker";

let server;
let base;
const state = { down: false };
const hook = [];

async function call(method, path, { token = admin, json } = {}) {
  const res = await fetch(`${edge}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json !== undefined ? { "content-type": "application/json" } : {}) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : null };
}

/**
 * The file's four ticks, a minute apart (the store hands out each window once), all in one
 * clock hour (the page's bars and chart count hours) and none ahead of the clock the pages read
 * (a tick in the next hour would leave its checks out of the last 24): the last four minutes,
 * or, early in an hour, the previous hour's last four.
 */
const TICKS = 4;
function firstTick(now) {
  const minute = Math.floor(now / 60_000) * 60_000;
  const start = minute - (TICKS - 1) * 60_000;
  const hour = (t) => Math.floor(t / 3_600_000);
  return hour(start) === hour(minute) ? start : hour(minute) * 3_600_000 - TICKS * 60_000;
}
let lastTick = 0;
async function tick() {
  lastTick = lastTick === 0 ? firstTick(Date.now()) : lastTick + 60_000;
  expect(lastTick).toBeLessThanOrEqual(Date.now());
  const res = await fetch(`${edge}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${lastTick}`);
  expect(res.status).toBe(200);
}

async function until(check, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("timed out waiting");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/e2e-up") return void res.end("ok");
    if (req.url === "/e2e-regional") {
      // Fails for every home-region shard, answers the confirming one: degraded, never down.
      res.writeHead(/\/confirm-/.test(String(req.headers["x-edge-pulse-run"])) ? 200 : 502);
      return void res.end();
    }
    if (req.url === "/e2e-stoppable") {
      res.writeHead(state.down ? 500 : 200);
      return void res.end();
    }
    if (req.url === "/hook") {
      let text = "";
      req.on("data", (d) => (text += d));
      req.on("end", () => {
        hook.push(JSON.parse(text));
        res.writeHead(204);
        res.end();
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;

  expect((await call("PUT", "/v1/admin/alerts", { json: { targets: [{ type: "webhook", url: `${base}/hook` }], group_wait_s: 0 } })).status).toBe(200);
  const spaces = [
    { url: `${base}/e2e-up`, name: "e2e-up", interval_s: 60 },
    { url: `${base}/e2e-stoppable`, name: "e2e-stoppable", interval_s: 60 },
    { url: `${base}/e2e-regional`, name: "e2e-regional", interval_s: 60 },
  ];
  expect((await call("PUT", "/v1/admin/spaces", { json: spaces })).status).toBe(200);

  const issued = await call("POST", "/v1/admin/pools/e2e-pool/tokens", { json: { label: "e2e" } });
  expect(issued.status).toBe(201);
  const token = issued.body.token;
  const hb = {
    pool_id: "e2e-pool",
    host_id: "gpu-box-e2e",
    timestamp: new Date().toISOString(),
    gpus: [
      { id: 0, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 60_000_000_000 },
      { id: 1, device_name: "NVIDIA GRID vGPU", total_vram_bytes: null, free_vram_bytes: null, unknown_reason: "memory.total: [Not Supported]" },
    ],
    workers: [
      { id: "e2e-worker-1", status: "busy", model_ref: "llama-3-8b", vram_bytes: 16_000_000_000, gpu_id: 0, uri: WORKER_URI, capabilities: ["text-gen"], protocol: "sse" },
      { id: "e2e-worker-2", status: "idle", model_ref: "qwen-2.5-7b", vram_bytes: 9_000_000_000, gpu_id: 0, uri: WORKER_URI, capabilities: ["text-gen"], protocol: "sse" },
    ],
  };
  expect((await call("POST", "/v2/pools/e2e-pool/heartbeat", { token, json: hb })).status).toBe(200);
  expect((await call("POST", "/v2/pools/e2e-pool/heartbeat", { token, json: { ...hb, gpus: "many" } })).status).toBe(400);

  // The page shows windows in force and to come, on the pool's card too.
  expect((await call("POST", "/v1/admin/maintenance", { json: { subjects: { pools: ["e2e-pool"] }, duration_s: 3600, note: "driver update" } })).status).toBe(201);
  expect((await call("POST", "/v1/admin/maintenance", { json: { subjects: "all", start: new Date(Date.now() + 86_400_000).toISOString(), duration_s: 1800, repeat: "weekly", note: "weekly reboot" } })).status).toBe(201);
  await tick(); // both up (and e2e-regional degraded)
  state.down = true;
  await tick(); // one failure: still up (down after 2)
  await tick(); // down: one alert
  await until(async () => hook.length >= 2);
  await tick(); // still down: no second alert
}, 90_000);

afterAll(() => new Promise((r) => server.close(r)));

describe("alerts from a real edge", () => {
  it("sends exactly one alert when a Space stops", async () => {
    await new Promise((r) => setTimeout(r, 2_000)); // time for a (wrong) second one to arrive
    const downs = hook.filter((m) => m.title.includes("e2e-stoppable"));
    expect(downs).toHaveLength(1);
    expect(downs[0]).toMatchObject({ event: "opened", subject: "space", title: `Space "e2e-stoppable" on ${new URL(base).host} is down`, detail: "unexpected status 500" });
    // The Space that fails only from its home region is degraded, never down.
    expect(hook.filter((m) => m.title.includes("e2e-regional")).map((m) => m.title)).toEqual([`Space "e2e-regional" on ${new URL(base).host} is degraded`]);
  });
});

describe("GET /metrics", () => {
  it("parses as Prometheus text with Space, pool, GPU and counter families", async () => {
    const res = await fetch(`${edge}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // Every sample line has the exposition format's shape.
    for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+]+|NaN)$/);
    const families = Object.fromEntries(parsePrometheus(text).map((f) => [f.name, f]));
    const sample = (name, labels) => families[name]?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
    expect(sample("edge_pulse_space_up", { name: "e2e-up" })).toBe("1");
    expect(sample("edge_pulse_space_up", { name: "e2e-stoppable" })).toBe("0");
    expect(Number(sample("edge_pulse_space_latency_seconds", { name: "e2e-up" }))).toBeGreaterThan(0);
    expect(families.edge_pulse_pings_sent_total.type).toBe("COUNTER");
    expect(Number(sample("edge_pulse_pings_sent_total", {}))).toBeGreaterThanOrEqual(8);
    expect(Number(sample("edge_pulse_pings_failed_total", {}))).toBeGreaterThanOrEqual(2);
    expect(sample("edge_pulse_pool_workers", { pool: "e2e-pool", state: "fresh" })).toBe("2");
    expect(sample("edge_pulse_gpu_vram_total_bytes", { pool: "e2e-pool", host: "gpu-box-e2e", gpu: "0" })).toBe("85520809984");
    expect(sample("edge_pulse_gpu_vram_free_bytes", { pool: "e2e-pool", host: "gpu-box-e2e", gpu: "0" })).toBe("60000000000");
    expect(sample("edge_pulse_gpu_vram_total_bytes", { pool: "e2e-pool", gpu: "1" })).toBeUndefined(); // unknown: no invented value
    expect(sample("edge_pulse_pool_gpus_unknown", { pool: "e2e-pool" })).toBe("1");
    expect(sample("edge_pulse_heartbeats_accepted_total", { pool: "e2e-pool" })).toBe("1");
    expect(sample("edge_pulse_heartbeats_rejected_total", { pool: "e2e-pool", reason: "invalid_body" })).toBe("1");
    expect(sample("edge_pulse_incidents_open", { subject: "space" })).toBe("2"); // down, and degraded
    expect(sample("edge_pulse_space_state", { name: "e2e-regional", state: "degraded" })).toBe("1");
    expect(["enam", "weur"].map((region) => sample("edge_pulse_space_region_up", { name: "e2e-regional", region })).sort()).toEqual(["0", "1"]);
    expect(text).not.toContain(WORKER_URI);
    // Spaces are told apart by space_id: scheme, host and path, never credentials or a query.
    expect(sample("edge_pulse_space_up", { space_id: `${base}/e2e-up`, name: "e2e-up" })).toBe("1");
    expect(text).not.toMatch(/space_id="[^"]*[?@]/);
  });
});

describe("axe-core in Chromium", () => {
  it("finds no serious or critical violation on /, /docs and the detail pages, in both colour schemes, on a phone and a desktop", async () => {
    const axe = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
    const browser = await launch();
    const found = [];
    try {
      for (const colorScheme of ["dark", "light"]) {
        for (const width of [390, 1280]) {
          const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
          for (const path of ["/", "/docs", `/spaces/${encodeURIComponent(`${base}/e2e-stoppable`)}`, "/pools/e2e-pool"]) {
            expect((await page.goto(`${edge}${path}`)).status()).toBe(200);
            await page.addScriptTag({ path: axe });
            const violations = await page.evaluate(async () => (await globalThis.axe.run(document, { resultTypes: ["violations"] })).violations);
            for (const v of violations) if (v.impact === "serious" || v.impact === "critical") found.push(`${path} ${colorScheme} ${width}px: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target} ${v.nodes[0]?.any?.[0]?.message ?? ""}`);
          }
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
    expect(found).toEqual([]);
  });

  it("refreshes by a script the reader can pause, not a meta refresh; bars can be read by keyboard", async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${edge}/`);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      // A doctype: standards mode, not quirks (here and on /docs).
      expect(await page.evaluate(() => document.compatMode)).toBe("CSS1Compat");
      await page.goto(`${edge}/docs`);
      expect(await page.evaluate(() => document.compatMode)).toBe("CSS1Compat");
      await page.goto(`${edge}/`);
      const button = page.locator("#refresh");
      expect(await button.getAttribute("aria-pressed")).toBe("false");
      await button.click();
      expect(await button.getAttribute("aria-pressed")).toBe("true");
      expect(await button.textContent()).toBe("Resume auto-refresh");
      const bars = page.locator(".bars.days").first();
      await bars.focus();
      expect(await bars.getAttribute("aria-label")).toMatch(/^uptime by day: \d+ of 90 days checked/);
      expect(await page.locator(".bars.days:focus + .bars-detail").isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });
});

describe("the status page in Chromium", () => {
  it("shows Spaces up and down and the pool's GPUs and workers on a phone screen, without worker URIs", async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      const res = await page.goto(`${edge}/`);
      expect(res.status()).toBe(200);
      await expect(page.locator("#summary .headline").textContent()).resolves.toContain("1 Space down · 1 Space degraded");
      const regional = page.locator('article.space[data-state="degraded"]', { hasText: "e2e-regional" });
      expect(await regional.locator(".error").textContent()).toMatch(/^fails from (enam|weur) \(unexpected status 502\); answers from (enam|weur)$/);
      expect(await regional.locator(".regions").textContent()).toMatch(/\(home\): down/);
      expect(await page.locator("#maintenance li").allTextContents()).toEqual([expect.stringMatching(/^now pool e2e-pool: until .* – driver update$/), expect.stringMatching(/^planned all Spaces and pools: .* \(every week\) – weekly reboot$/)]);
      const up = page.locator('article.space[data-state="up"]', { hasText: "e2e-up" });
      const down = page.locator('article.space[data-state="down"]', { hasText: "e2e-stoppable" });
      expect(await up.count()).toBe(1);
      expect(await down.count()).toBe(1);
      expect(await down.locator(".error").textContent()).toBe("unexpected status 500");
      expect(await up.locator(".bars.days i").count()).toBe(90);
      expect(await up.locator(".bars.hours i").count()).toBe(24);
      expect(await up.locator(".bars.hours i.g").count()).toBe(1);
      const pool = page.locator("article.pool", { hasText: "e2e-pool" });
      expect(await pool.locator(".gpus li").count()).toBe(2);
      expect(await pool.locator(".maint").textContent()).toContain("driver update");
      expect(await pool.locator(".usage:not(.unknown)").getAttribute("title")).toBe("GPU 0: 23.8 of 79.6 used");
      expect(await pool.locator(".usage.unknown").count()).toBe(1);
      expect(await pool.locator('tr[data-state="fresh"]').count()).toBe(2);
      expect(await page.locator("#incidents").textContent()).toContain(`Space "e2e-stoppable" on ${new URL(base).host} is down`);
      expect(await page.locator("#incidents").textContent()).toContain(`Space "e2e-regional" on ${new URL(base).host} is degraded`);
      const html = await page.content();
      expect(html).not.toContain(WORKER_URI);
      expect(html).not.toContain("10.9.8.7");
      // Readable on a phone: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: `${OUT}/status-page-phone.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: `${OUT}/status-page-desktop.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe("detail pages, notes and badges in Chromium", () => {
  it("a click on a Space shows its latency chart and each check; a note on its incident shows on the pages", async () => {
    const incident = (await call("GET", "/v1/admin/alerts")).body.open.find((i) => i.title.includes("e2e-stoppable"));
    expect((await call("POST", `/v1/admin/incidents/${incident.id}/notes`, { json: { text: "Looking into it: the model server ran out of memory" } })).status).toBe(201);
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      await page.goto(`${edge}/`);
      expect(await page.title()).toBe("1 down · 1 degraded – edge-pulse status");
      expect(await page.locator('link[rel="icon"]').getAttribute("href")).toMatch(/^data:image\/svg\+xml,.*e5534b/);
      expect(await page.locator("#incidents").textContent()).toContain("Looking into it: the model server ran out of memory");
      await page.locator("article.space h3 a", { hasText: "e2e-stoppable" }).click();
      await page.waitForURL(/\/spaces\//);
      expect(await page.title()).toMatch(/^down – e2e-stoppable/);
      const chart = page.locator("#latency svg.chart.latency.large");
      expect(await chart.getAttribute("role")).toBe("img");
      expect(await chart.getAttribute("aria-label")).toMatch(/^Latency by hour, last 24 hours: median \d+ ms to \d+ ms per hour; slowest \d+ ms at \d\d:00; failed checks in 1 hour: \d\d:00 \(\d of \d\)$/);
      expect(await chart.locator("rect.fail").count()).toBe(1);
      const rows = page.locator("table.checks tbody tr");
      expect(await rows.count()).toBeGreaterThanOrEqual(4);
      expect(await rows.first().locator("td").nth(1).textContent()).toBe("down");
      expect(await rows.first().locator("td").nth(2).textContent()).toBe("500");
      expect(await page.locator("#incidents").textContent()).toContain("Looking into it");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${OUT}/space-page-phone.png`, fullPage: true });

      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${edge}/pools/e2e-pool`);
      const vram = page.locator("svg.chart.vram");
      expect(await vram.count()).toBe(2);
      expect(await vram.nth(0).getAttribute("aria-label")).toBe("gpu-box-e2e GPU 0 VRAM used, last 24 hours: used 24 GiB to 24 GiB of 80 GiB, now 24 GiB");
      // GPU 1 cannot be read: said so, and nothing drawn (no invented value).
      expect(await vram.nth(1).getAttribute("aria-label")).toBe("gpu-box-e2e GPU 1 VRAM used, last 24 hours: unknown: it could not be read");
      expect(await vram.nth(1).locator("polyline, circle").count()).toBe(0);
      expect(await page.content()).not.toContain("10.9.8.7");
      await page.screenshot({ path: `${OUT}/pool-page-desktop.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("badges and charts are well-formed SVG with the expected text, and load as images", async () => {
    const id = encodeURIComponent(`${base}/e2e-up`);
    const badges = {
      [`/badge/${id}.svg`]: "e2e-up: up",
      [`/badge/${encodeURIComponent(`${base}/e2e-stoppable`)}.svg`]: "e2e-stoppable: down",
      [`/badge/${id}/uptime.svg?window=24h`]: "uptime 24h: 100%",
      "/badge/pool/e2e-pool.svg": "e2e-pool: 2/2 workers fresh",
      "/badge/nobody-knows.svg": "status: unknown",
    };
    const page_ = await (await fetch(`${edge}/spaces/${encodeURIComponent(`${base}/e2e-stoppable`)}`)).text();
    const charts = page_.match(/<svg class="chart[\s\S]*?<\/svg>/g);
    expect(charts?.length).toBe(1);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${edge}/`);
      for (const [path, title] of Object.entries(badges)) {
        const res = await fetch(`${edge}${path}`);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
        expect(res.headers.get("cache-control")).toMatch(/^public, max-age=300/);
        const parsed = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, "image/svg+xml");
          return { error: doc.querySelector("parsererror")?.textContent ?? null, root: doc.documentElement.nodeName, title: doc.querySelector("title")?.textContent };
        }, await res.text());
        expect(parsed).toEqual({ error: null, root: "svg", title });
        const size = await page.evaluate(async (src) => {
          const img = new Image();
          img.src = src;
          await img.decode();
          return [img.naturalWidth, img.naturalHeight];
        }, `${edge}${path}`);
        expect(size[1]).toBe(20);
        expect(size[0]).toBeGreaterThan(40);
      }
      for (const chart of charts) {
        const parsed = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, "image/svg+xml");
          return { error: doc.querySelector("parsererror")?.textContent ?? null, label: doc.documentElement.getAttribute("aria-label") };
        }, chart);
        expect(parsed.error).toBeNull();
        expect(parsed.label).toMatch(/^Latency by hour/);
      }
    } finally {
      await browser.close();
    }
  });
});
