// Packs heartbeat-sidecar (`npm pack` of sidecar/, whose prepack builds dist/) into
// dist/assets, which the Worker serves as static assets (wrangler.toml [assets]):
// /heartbeat-sidecar.tgz and /heartbeat-sidecar-<version>.tgz are the same bytes, so a host
// installs the version its edge speaks. wrangler runs this before `dev` and `deploy`
// ([build]), and `npm run build` (part of `npm test`) runs it. It does nothing when the
// tarball is newer than every input; --force packs anyway.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sidecar = join(root, "sidecar");
const out = join(root, "dist/assets");
const { version } = JSON.parse(readFileSync(join(sidecar, "package.json"), "utf8"));
const versioned = join(out, `heartbeat-sidecar-${version}.tgz`);
const latest = join(out, "heartbeat-sidecar.tgz");

/** The newest modification time under a path (a file or a folder). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const inputs = ["src", "package.json", "README.md", "LICENSE", "build.mjs", "tsconfig.json", "tsconfig.build.json"].map((f) => join(sidecar, f));
const newestInput = Math.max(newest(join(root, "shared")), ...inputs.map(newest));
const upToDate = [latest, versioned, join(sidecar, "dist/cli.js")].every(existsSync) && statSync(latest).mtimeMs >= newestInput;
if (upToDate && !process.argv.includes("--force")) {
  console.log(`heartbeat-sidecar ${version}: dist/assets is up to date`);
} else {
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (/^heartbeat-sidecar.*\.tgz$/.test(f)) rmSync(join(out, f));
  execFileSync("npm", ["pack", "--pack-destination", out, "--silent"], { cwd: sidecar, stdio: ["ignore", "ignore", "inherit"] });
  copyFileSync(versioned, latest);
  console.log(`heartbeat-sidecar ${version}: packed into dist/assets (${statSync(latest).size} bytes)`);
}
