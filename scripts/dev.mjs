#!/usr/bin/env node
// `npm run dev`: runs the Worker locally with `wrangler dev` (local KV and SQLite Durable
// Objects persisted in .wrangler/state) and fires its Cron Triggers on schedule, which
// Miniflare does not do by itself. Creates .dev.vars with a random ADMIN_TOKEN on first run,
// and loads ./spaces.json (when there is one) into the local KV before starting, so the
// Spaces in it are pinged from the first tick; bad entries are listed and skipped.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cronsOf, parseCron } from "./cron.mjs";

const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;

if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", `ADMIN_TOKEN=${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  console.log("[dev] wrote .dev.vars with a random ADMIN_TOKEN (read it there; it is never printed)");
}

if (existsSync("spaces.json")) {
  const put = spawnSync(process.execPath, ["scripts/spaces-put.mjs", "spaces.json", "--allow-invalid"], { stdio: "inherit" });
  if (put.status !== 0) console.log("[dev] spaces.json was not loaded (see above); the last stored list stays in force");
}

const crons = cronsOf(readFileSync("wrangler.toml", "utf8"));
// Read every trigger before starting: one the parser cannot read stops here, named.
let triggers;
try {
  triggers = crons.map((cron) => ({ cron, parsed: parseCron(cron) }));
} catch (err) {
  console.error(`[dev] wrangler.toml [triggers]: ${err.message}`);
  process.exit(1);
}
const wrangler = spawn(
  "wrangler",
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", ".wrangler/state", "--test-scheduled", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  wrangler.kill("SIGINT");
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
wrangler.on("exit", (code) => process.exit(stopping ? 0 : (code ?? 1)));

async function fire(cron, at) {
  const url = `${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}&time=${at.getTime()}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    console.log(`[dev] cron "${cron}" fired at ${at.toISOString()}: ${res.status}`);
  } catch (err) {
    console.log(`[dev] cron "${cron}" could not fire: ${err.message}`);
  }
}

// Fire at each minute boundary, like the real scheduler.
function scheduleNextMinute() {
  const now = Date.now();
  const next = new Date(Math.floor(now / 60_000) * 60_000 + 60_000);
  setTimeout(() => {
    for (const { cron, parsed } of triggers) if (parsed.match(next)) void fire(cron, next);
    scheduleNextMinute();
  }, next.getTime() - now);
}
if (crons.length > 0) {
  console.log(`[dev] firing crons on schedule: ${crons.join(", ")}`);
  scheduleNextMinute();
}
