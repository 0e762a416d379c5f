// `npm pack` gives a tarball that installs with no dependencies and runs elsewhere.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const SIDECAR = fileURLToPath(new URL("..", import.meta.url));
const NODE = ["/usr/local/bin/node", "/usr/bin/node"].find((p) => existsSync(p)) ?? process.execPath;

it("packs into a tarball that installs offline and runs with the host's Node", () => {
  const dir = mkdtempSync(join(tmpdir(), "sidecar-pack-"));
  execFileSync("npm", ["pack", "--pack-destination", dir, "--ignore-scripts"], { cwd: SIDECAR, stdio: "pipe" });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  const files = execFileSync("tar", ["tzf", join(dir, tarball)]).toString().trim().split("\n").sort();
  expect(files).toEqual(["package/README.md", "package/dist/cli.js", "package/dist/index.js", "package/package.json"]);

  const app = join(dir, "elsewhere");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), '{"name":"elsewhere","version":"1.0.0","private":true}');
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, tarball)], { cwd: app, stdio: "pipe" });
  expect(readdirSync(join(app, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["heartbeat-sidecar"]);
  const out = execFileSync(NODE, [join(app, "node_modules/.bin/heartbeat-sidecar"), "--dry-run", "--pool", "packed", "--host-id", "elsewhere"], {
    env: { PATH: "/usr/bin:/bin" },
  }).toString();
  expect(JSON.parse(out)).toMatchObject({ pool_id: "packed", host_id: "elsewhere", gpus: [], workers: [] });
});
