// Writes the API's documentation into dist/assets, which Cloudflare serves as static files
// (wrangler.toml [assets]): /openapi.json (OpenAPI 3.1, generated from the zod schemas the
// routes parse with) and /docs (docs.html, the same document as a page). Generating them
// here keeps zod's JSON-Schema code and the document out of the Worker. esbuild bundles
// workers/openapi/static-files.tsx for Node (the TypeScript imports need a bundler), and
// the bundle runs once. Part of `npm run build`, which wrangler runs before dev and deploy.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist/assets");
const work = join(root, "node_modules/.cache/edge-pulse");
const bundle = join(work, `openapi-${process.pid}.mjs`);
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

mkdirSync(work, { recursive: true });
await build({
  entryPoints: [join(root, "workers/openapi/static-files.tsx")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  tsconfig: join(root, "tsconfig.json"),
});
try {
  const { staticFiles } = await import(pathToFileURL(bundle).href);
  mkdirSync(out, { recursive: true });
  const files = staticFiles(version);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  const doc = JSON.parse(files["openapi.json"]);
  console.log(`openapi: dist/assets/openapi.json (${Object.keys(doc.paths).length} paths, ${Object.keys(doc.components.schemas).length} schemas, ${files["openapi.json"].length} bytes) and docs.html`);
} finally {
  rmSync(bundle, { force: true });
}
