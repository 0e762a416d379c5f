#!/usr/bin/env node
// `npm run spaces:put [-- FILE] [--remote] [--allow-invalid]`: validates a Space list with the
// same schema the Worker uses, then stores it in KV (`SPACES`, key `spaces`) with
// `wrangler kv key put`. Local by default (the state `npm run dev` uses); `--remote` writes
// production. Nothing is written when any entry is invalid (every error is listed with its
// index and value) unless --allow-invalid: then the errors are listed and the list stored
// anyway, and the pinger skips the bad entries and reports them on GET /v1/spaces
// (`npm run dev` loads spaces.json this way).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const args = process.argv.slice(2);
const remote = args.includes("--remote");
const allowInvalid = args.includes("--allow-invalid");
const file = args.find((a) => !a.startsWith("--")) ?? "spaces.json";
if (!existsSync(file)) {
  console.error(`spaces:put: ${file} not found (usage: npm run spaces:put -- [FILE] [--remote])`);
  process.exit(2);
}

const out = join(mkdtempSync(join(tmpdir(), "spaces-")), "spaces.mjs");
await build({ entryPoints: [fileURLToPath(new URL("../shared/spaces.ts", import.meta.url))], bundle: true, platform: "node", format: "esm", outfile: out, logLevel: "error" });
const { parseSpaceList } = await import(out);

let raw;
try {
  raw = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  console.error(`spaces:put: ${file} is not valid JSON: ${err.message}`);
  process.exit(1);
}
const { spaces, errors, listError } = parseSpaceList(raw);
if (listError !== null || errors.length > 0) {
  if (listError) console.error(`spaces:put: ${listError}`);
  for (const e of errors) console.error(`  entry ${e.index} ${JSON.stringify(e.value)}: ${e.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  if (listError !== null || !allowInvalid) {
    console.error(`spaces:put: nothing written (${errors.length} invalid of ${Array.isArray(raw) ? raw.length : 0})`);
    process.exit(1);
  }
  console.error(`spaces:put: storing anyway (--allow-invalid): the pinger skips ${errors.length} invalid entries and reports them`);
}

const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
const where = remote ? ["--remote"] : ["--local", "--persist-to", ".wrangler/state"];
const put = spawnSync(existsSync(wrangler) ? wrangler : "wrangler", ["kv", "key", "put", "--binding", "SPACES", "spaces", "--path", file, ...where], { stdio: "inherit" });
if (put.status !== 0) process.exit(put.status ?? 1);
console.log(`spaces:put: stored ${spaces.length} Spaces ${remote ? "in production" : "locally (.wrangler/state)"}`);
