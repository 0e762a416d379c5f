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
  expect(files.filter((f) => !f.startsWith("package/dist/types/"))).toEqual(["package/LICENSE", "package/README.md", "package/dist/cli.js", "package/dist/index.js", "package/package.json"]);
  // What `npm publish` with provenance needs, and what a host's npm checks.
  const pkg = JSON.parse(execFileSync("tar", ["-xzO", "-f", join(dir, tarball), "package/package.json"]).toString());
  expect(pkg).toMatchObject({ license: "MIT", bin: { "heartbeat-sidecar": "dist/cli.js" }, engines: { node: ">=20" }, publishConfig: { access: "public", provenance: true } });
  expect(pkg.repository).toMatchObject({ type: "git", directory: "sidecar" });
  expect(pkg.dependencies).toBeUndefined();
  expect(files).toContain("package/dist/types/sidecar/src/index.d.ts");
  expect(files).toContain("package/dist/types/sidecar/src/sender.d.ts");

  const app = join(dir, "elsewhere");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), '{"name":"elsewhere","version":"1.0.0","private":true}');
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, tarball)], { cwd: app, stdio: "pipe" });
  expect(readdirSync(join(app, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["heartbeat-sidecar"]);
  const out = execFileSync(NODE, [join(app, "node_modules/.bin/heartbeat-sidecar"), "--dry-run", "--pool", "packed", "--host-id", "elsewhere"], {
    env: { PATH: "/usr/bin:/bin" },
  }).toString();
  expect(JSON.parse(out)).toMatchObject({ pool_id: "packed", host_id: "elsewhere", gpus: [], workers: [] });

  // A TypeScript worker process gets the library's types: right use compiles, wrong use does not.
  const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
  const check = (code: string) => {
    writeFileSync(join(app, "use.ts"), code);
    try {
      execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", "--typeRoots", join(SIDECAR, "node_modules/@types"), "use.ts"], { cwd: app, stdio: "pipe" });
      return "ok";
    } catch (err) {
      return (err as { stdout: Buffer }).stdout.toString();
    }
  };
  writeFileSync(join(app, "package.json"), '{"name":"elsewhere","version":"1.0.0","private":true,"type":"module"}');
  expect(check('import { startHeartbeat } from "heartbeat-sidecar";\nconst hb = startHeartbeat({ url: "http://127.0.0.1:9200/v1/heartbeat", intervalMs: 30_000, payload: () => ({}) });\nawait hb.stop();\nexport const sent: number = hb.stats.sent;\n')).toBe("ok");
  expect(check('import { startHeartbeat } from "heartbeat-sidecar";\nstartHeartbeat({ url: "x", intervalMs: "30s", payload: {} });\n')).toMatch(/intervalMs|not assignable/);
});
