// The done-when of the scheduler work, end to end on a real local edge (wrangler dev):
// a page on another origin opens a real EventSource on /v1/heartbeats/stream with a read
// token and sees workers come and go as a running heartbeat-sidecar reports them; and two
// schedulers racing for VRAM never get the same bytes.
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, EDGE, startHost, until, workerBeat } from "../../sidecar/test/harness.ts";
import { launch } from "./browser.mjs";

let page;
let pageServer;
let pageUrl;

// The UI page: what a queen dashboard does with EventSource, on its own origin.
const PAGE = `<!doctype html><html lang="en"><head><title>queen UI</title></head><body><main><ul id="workers"></ul></main>
<script>
  window.seen = [];
  const es = new EventSource(new URLSearchParams(location.search).get("stream"));
  es.addEventListener("heartbeat", (e) => {
    const data = JSON.parse(e.data);
    window.seen.push(data);
    if (data.type === "hive_telemetry") document.getElementById("workers").innerHTML = data.workers.map((w) => "<li>" + w.instance + "</li>").join("");
  });
  es.onerror = () => window.seen.push({ type: "error" });
</script></body></html>`;

beforeAll(async () => {
  pageServer = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE));
  await new Promise((r) => pageServer.listen(0, "127.0.0.1", r));
  pageUrl = `http://127.0.0.1:${pageServer.address().port}/`;
});

afterAll(async () => {
  await new Promise((r) => pageServer.close(r));
});

describe("a browser on another origin, EventSource on /v1/heartbeats/stream", () => {
  it("shows workers coming and going as the sidecar reports them", async () => {
    const host = await startHost("ui-stream", ["--host-id", "gpu-box"]);
    const read = (await admin("POST", "/v1/admin/pools/ui-stream/tokens", { label: "dashboard", scope: "read" })).token;
    const browser = await launch();
    try {
      page = await browser.newPage();
      await page.goto(`${pageUrl}?stream=${encodeURIComponent(`${EDGE}/v1/heartbeats/stream?token=${read}`)}`);
      const workers = () => page.locator("#workers li").allTextContents();
      // The queen's own heartbeat arrives first.
      await until(() => page.evaluate(() => window.seen.filter((s) => s.type === "queen").length), (n) => n >= 1, 10_000);
      expect((await page.evaluate(() => window.seen.find((s) => s.type === "queen"))).hive_ids).toEqual(["gpu-box"]);

      expect((await workerBeat(host.hive, "worker-a")).status).toBe(200);
      expect((await workerBeat(host.hive, "worker-b")).status).toBe(200);
      expect((await until(workers, (w) => w.length === 2, 15_000)).sort()).toEqual(["worker-a", "worker-b"]);
      // Removed at the hive: gone from the page at the next heartbeat.
      expect((await fetch(`${host.hive}/v1/workers/worker-a`, { method: "DELETE" })).status).toBe(200);
      expect(await until(workers, (w) => w.length === 1, 15_000)).toEqual(["worker-b"]);
      const telemetry = await page.evaluate(() => window.seen.filter((s) => s.type === "hive_telemetry").at(-1));
      expect(telemetry).toMatchObject({ hive_id: "gpu-box", workers: [{ instance: "worker-b", pid: null, model: null }] });
      expect(await page.evaluate(() => window.seen.some((s) => s.type === "error"))).toBe(false);
    } finally {
      await browser.close();
    }
  });
});

describe("two schedulers at the same moment", () => {
  it("get two GPUs, or one and a 409, never the same bytes", async () => {
    const write = (await admin("POST", "/v1/admin/pools/race-e2e/tokens", { label: "hive" })).token;
    const sched = (await admin("POST", "/v1/admin/pools/race-e2e/tokens", { label: "scheduler", scope: "schedule" })).token;
    const GB = 1e9;
    const beat = await fetch(`${EDGE}/v2/pools/race-e2e/heartbeat`, {
      method: "POST",
      headers: { authorization: `Bearer ${write}`, "content-type": "application/json" },
      body: JSON.stringify({ pool_id: "race-e2e", host_id: "box", timestamp: new Date().toISOString(), workers: [], gpus: [0, 1].map((id) => ({ id, device_name: "NVIDIA L4", total_vram_bytes: 24 * GB, free_vram_bytes: 22 * GB })) }),
    });
    expect(beat.status).toBe(200);
    const ask = async (holder) => {
      const placed = await (await fetch(`${EDGE}/v2/pools/race-e2e/placement?vram_bytes=${20 * GB}`, { headers: { authorization: `Bearer ${sched}` } })).json();
      const first = placed.candidates[0];
      const res = await fetch(`${EDGE}/v2/pools/race-e2e/reservations`, {
        method: "POST",
        headers: { authorization: `Bearer ${sched}`, "content-type": "application/json" },
        body: JSON.stringify({ vram_bytes: 20 * GB, ttl_s: 60, holder, host_id: first.host_id, gpu_id: first.gpu_id }),
      });
      return { status: res.status, body: await res.json() };
    };
    // Both see the same best fit and ask for it by name: one gets it, the other a 409.
    const [a, b] = await Promise.all([ask("scheduler-a"), ask("scheduler-b")]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    // The loser asks again without naming a GPU and gets the other one.
    const retry = await fetch(`${EDGE}/v2/pools/race-e2e/reservations`, {
      method: "POST",
      headers: { authorization: `Bearer ${sched}`, "content-type": "application/json" },
      body: JSON.stringify({ vram_bytes: 20 * GB, ttl_s: 60, holder: "scheduler-b" }),
    });
    const won = [a, b].find((x) => x.status === 201).body;
    const second = await retry.json();
    expect(retry.status).toBe(201);
    expect(second.gpu_id).not.toBe(won.gpu_id);
  });
});
