#!/usr/bin/env node
// `npm run demo`: a living local edge-pulse in one command. It starts
//   - loopback "Spaces" on 127.0.0.1:8790: healthy, flaky (down one minute in three) and down,
//     plus a webhook receiver that prints every alert it gets;
//   - the Worker under `wrangler dev` (its own state in .wrangler/demo, wiped at start), with
//     ticks at start and at every minute boundary, like the real Cron Trigger;
//   - heartbeat-sidecar with a stand-in nvidia-smi (two H100s), and three workers that
//     heartbeat it every 30 s (one goes quiet after 2 minutes, so it turns stale).
// Open the status page it prints. Stop a Space with `curl -X POST 127.0.0.1:8790/_stop/healthy`
// and exactly one alert for it arrives here. Ctrl-C stops everything.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";

const EDGE_PORT = Number(process.env.PORT ?? 8787);
const SPACES_PORT = Number(process.env.DEMO_SPACES_PORT ?? 8790);
const HIVE = process.env.DEMO_HIVE ?? "127.0.0.1:9201";
const edge = `http://127.0.0.1:${EDGE_PORT}`;
const spaces = `http://127.0.0.1:${SPACES_PORT}`;
const ADMIN = `demo-${randomBytes(12).toString("hex")}`;
const say = (msg) => console.log(`[demo] ${msg}`);

// Something already on the Worker's port (an `npm run dev`, an earlier demo) would answer in
// the demo's place with another admin token: say so instead of failing on a 401.
try {
  await fetch(`${edge}/health`, { signal: AbortSignal.timeout(1000) });
  console.error(`[demo] port ${EDGE_PORT} is in use (npm run dev or another demo?); stop it or run PORT=8788 npm run demo`);
  process.exit(1);
} catch {
  // Nothing there: good.
}

// ---- loopback Spaces and the webhook receiver ----
const stopped = new Set();
const alerts = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", spaces);
  const [, kind, name] = url.pathname.split("/");
  if (req.method === "POST" && (kind === "_stop" || kind === "_start")) {
    if (kind === "_stop") stopped.add(name);
    else stopped.delete(name);
    say(`${kind === "_stop" ? "stopped" : "started"} Space "${name}"`);
    return void res.end(`${name} ${kind === "_stop" ? "stopped" : "started"}\n`);
  }
  if (kind === "hook" && req.method === "POST") {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const m = JSON.parse(text);
      alerts.push(m);
      console.log(`\n[alert] ${m.event.toUpperCase()}: ${m.title}${m.detail ? ` (${m.detail})` : ""}\n`);
      res.writeHead(204);
      res.end();
    });
    return;
  }
  if (kind === "_alerts") {
    res.writeHead(200, { "content-type": "application/json" });
    return void res.end(JSON.stringify(alerts, null, 2));
  }
  if (kind === "space") {
    const flakyDown = name === "flaky" && new Date().getUTCMinutes() % 3 === 0;
    const status = name === "down" || stopped.has(name) || flakyDown ? 500 : 200;
    res.writeHead(status, { "content-type": "text/plain" });
    return void setTimeout(() => res.end(status === 200 ? "ok" : "failing"), name === "healthy" ? 40 : 120);
  }
  res.writeHead(404);
  res.end();
});
await new Promise((resolve, reject) => server.once("error", reject).listen(SPACES_PORT, "127.0.0.1", resolve));

// ---- the Worker ----
rmSync(".wrangler/demo", { recursive: true, force: true });
const children = [];
const wrangler = spawn(
  "wrangler",
  ["dev", "--port", String(EDGE_PORT), "--ip", "127.0.0.1", "--persist-to", ".wrangler/demo", "--test-scheduled", "--log-level", "warn", "--var", `ADMIN_TOKEN:${ADMIN}`, "--var", "PING_BACKOFF_MS:500"],
  { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
children.push(wrangler);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGINT");
  server.close();
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => {
  if (!stopping) {
    say(`wrangler dev exited (${code}); is port ${EDGE_PORT} free? (PORT=... npm run demo)`);
    stop();
  }
});

async function call(method, path, json, token = ADMIN) {
  const res = await fetch(`${edge}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${edge}/health`)).ok) break;
  } catch {}
  if (i > 600) throw new Error("wrangler dev did not start within 60 s");
  await new Promise((r) => setTimeout(r, 100));
}

await call("PUT", "/v1/admin/spaces", [
  // Short ids make short page and badge URLs (/spaces/healthy, /badge/healthy.svg).
  { id: "healthy", url: `${spaces}/space/healthy`, name: "healthy", interval_s: 60, group: "Apps" },
  { id: "flaky", url: `${spaces}/space/flaky`, name: "flaky", interval_s: 60, down_after: 1, group: "Apps" },
  { id: "down", url: `${spaces}/space/down`, name: "down", interval_s: 60, group: "Experiments" },
]);
await call("PUT", "/v1/admin/alerts", { targets: [{ type: "webhook", url: `${spaces}/hook`, name: "demo receiver" }], group_wait_s: 5, remind_every_s: 3600 });

async function tick(at) {
  try {
    await fetch(`${edge}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${at}`, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    say(`tick failed: ${err.message}`);
  }
}
await tick(Date.now());
(function everyMinute() {
  const next = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
  setTimeout(() => {
    void tick(next);
    everyMinute();
  }, next - Date.now());
})();

// ---- a GPU host: the sidecar with a stand-in nvidia-smi, and workers heartbeating it ----
if (!existsSync("sidecar/dist/cli.js")) spawnSync("npm", ["run", "build"], { stdio: "inherit" });
const { token } = await call("POST", "/v1/admin/pools/demo-pool/tokens", { label: "demo sidecar" });
const sidecar = spawn(
  process.execPath,
  ["sidecar/dist/cli.js", "--edge", edge, "--pool", "demo-pool", "--token", token, "--host-id", "demo-gpu-host", "--listen", HIVE, "--nvidia-smi", "sidecar/test/fixtures/nvidia-smi", "--log-level", "warn"],
  { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NVIDIA_SMI_FIXTURE: "h100x2.csv" } },
);
children.push(sidecar);

const workers = [
  { id: "worker-llama", status: "busy", model_ref: "meta-llama/Llama-3.1-8B-Instruct", vram_bytes: 17_000_000_000, gpu_id: 0, uri: "http://127.0.0.1:8101", capabilities: ["text-gen"], protocol: "sse" },
  { id: "worker-qwen", status: "idle", model_ref: "Qwen/Qwen2.5-7B-Instruct", vram_bytes: 15_500_000_000, gpu_id: 1, uri: "http://127.0.0.1:8102", capabilities: ["text-gen"], protocol: "sse" },
  { id: "worker-embed", status: "idle", model_ref: "BAAI/bge-m3", vram_bytes: 2_300_000_000, gpu_id: 1, uri: "http://127.0.0.1:8103", capabilities: ["embed"], protocol: "http" },
];
const startedAt = Date.now();
async function heartbeatWorkers() {
  for (const w of workers) {
    // worker-embed goes quiet after 2 minutes: watch it turn stale on the page.
    if (w.id === "worker-embed" && Date.now() - startedAt > 120_000) continue;
    try {
      await fetch(`http://${HIVE}/v1/workers`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(w) });
      await fetch(`http://${HIVE}/v1/heartbeat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ worker_id: w.id, timestamp: new Date().toISOString(), health_status: "healthy" }) });
    } catch {
      // The sidecar is still starting; the next round will reach it.
    }
  }
}
setTimeout(heartbeatWorkers, 1500);
setInterval(heartbeatWorkers, 30_000);

say(`status page:   ${edge}/`);
say(`metrics:       ${edge}/metrics    API docs: ${edge}/docs`);
say(`stop a Space:  curl -X POST ${spaces}/_stop/healthy   (start it again: /_start/healthy)`);
say(`alerts so far: curl ${spaces}/_alerts   (each is also printed here as it arrives)`);
// Never printed: written where only this user can read it.
mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/demo-admin-token", `${ADMIN}\n`, { mode: 0o600 });
say("admin token for this demo: in .wrangler/demo-admin-token");
