// `npm run build` and wrangler's [build] step: pack heartbeat-sidecar and write the API's
// documentation, both into dist/assets (served as static files).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const script of ["scripts/pack-sidecar.mjs", "scripts/build-openapi.mjs"]) {
  execFileSync(process.execPath, [script, ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
}
