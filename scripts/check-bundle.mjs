// Checks what the Worker's bundle holds, from the esbuild metafile that the dry-run build at
// the end of `npm test` writes (wrangler deploy --dry-run --metafile): the OpenAPI builder
// and its schema names are build-time code (dist/assets/openapi.json is a static file), so
// none of workers/openapi/ may be in it. Prints the size by package for BENCHMARKS.md.
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dir = process.argv[2] ?? ".wrangler/dry-run";
const meta = JSON.parse(readFileSync(`${dir}/bundle-meta.json`, "utf8"));
const output = Object.entries(meta.outputs).find(([name]) => name.endsWith("index.js"));
if (output === undefined) throw new Error(`no index.js in ${dir}/bundle-meta.json`);
const inputs = Object.entries(output[1].inputs);

const forbidden = inputs.filter(([path]) => path.startsWith("workers/openapi/"));
if (forbidden.length > 0) {
  console.error(`check-bundle: the Worker bundles build-time code: ${forbidden.map(([p]) => p).join(", ")}`);
  process.exit(1);
}

const byPackage = new Map();
for (const [path, { bytesInOutput }] of inputs) {
  const at = path.lastIndexOf("node_modules/");
  const key = at >= 0 ? path.slice(at + 13).split("/").slice(0, path.slice(at + 13).startsWith("@") ? 2 : 1).join("/") : path.split("/")[0];
  byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
}
const js = readFileSync(`${dir}/index.js`);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`check-bundle: index.js ${kib(statSync(`${dir}/index.js`).size)} (gzip ${kib(gzipSync(js).length)}); no workers/openapi/ code`);
for (const [key, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${key.padEnd(12)} ${kib(bytes)}`);
