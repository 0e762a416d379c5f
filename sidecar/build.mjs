// Bundles the sidecar (with ../shared and zod) into dist/: no runtime dependencies, so
// `npx heartbeat-sidecar` and `npm pack` tarballs run anywhere with Node >= 20.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define: { __SIDECAR_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
  legalComments: "none",
  // Smaller source is less for Node to hold; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
};
await build({ ...common, entryPoints: ["src/cli.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } });
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });
chmodSync(new URL("./dist/cli.js", import.meta.url), 0o755);
