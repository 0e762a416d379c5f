// Installing from the edge itself, as a new GPU host does: the edge serves the packed sidecar
// as a static asset, and `npx --yes https://EDGE/heartbeat-sidecar.tgz` runs it with the
// machine's own Node and npm (20 and 11 here), nothing from this repo on PATH.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { admin, EDGE, FIXTURES, newPool } from "./harness.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const NPX = ["/usr/local/bin/npx", "/usr/bin/npx"].find((p) => existsSync(p));

async function download(path: string): Promise<Buffer> {
  const res = await fetch(`${EDGE}${path}`);
  expect(res.status, path).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** Runs the system's npx in a bare environment: its own Node, a new npm cache, no repo tools. */
function npx(args: string[], extraPath = ""): string {
  if (NPX === undefined) throw new Error("no system npx (/usr/local/bin or /usr/bin): GPU hosts have one");
  const home = mkdtempSync(join(tmpdir(), "npx-host-"));
  return execFileSync(NPX, ["--yes", ...args], {
    cwd: home,
    env: { PATH: `${extraPath}${dirname(NPX)}:/usr/bin:/bin`, HOME: home, npm_config_cache: join(home, "cache"), npm_config_update_notifier: "false", npm_config_fund: "false" },
    timeout: 60_000,
  }).toString();
}

describe("GET /heartbeat-sidecar.tgz", () => {
  it("is a gzip tarball of this version's package, the same bytes at the versioned URL", async () => {
    const latest = await download("/heartbeat-sidecar.tgz");
    expect([...latest.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const pkg = JSON.parse(execFileSync("tar", ["-xzO", "package/package.json"], { input: latest }).toString());
    expect(pkg).toMatchObject({ name: "heartbeat-sidecar", version, bin: { "heartbeat-sidecar": "dist/cli.js" } });
    const files = execFileSync("tar", ["-tz"], { input: latest }).toString();
    expect(files).toContain("package/dist/cli.js");
    expect(files).not.toContain("package/src/");
    expect((await download(`/heartbeat-sidecar-${version}.tgz`)).equals(latest)).toBe(true);
  });

  it("runs with `npx --yes URL` on the machine's own Node, and lands the host in the pool", async () => {
    const url = `${EDGE}/heartbeat-sidecar.tgz`;
    expect(npx([url, "--help"])).toContain("--edge URL");
    expect(npx([url, "--version"]).trim()).toBe(version);
    const token = await newPool("npx-host");
    npx([url, "--once", "--edge", EDGE, "--pool", "npx-host", "--token", token, "--host-id", "gpu-box-npx"], `${FIXTURES}:`);
    const snap = await admin("GET", "/v2/pools/npx-host");
    expect(snap.hosts).toMatchObject([{ host_id: "gpu-box-npx", state: "fresh", sidecar_version: version, sidecar_differs: false }]);
    expect(snap.gpus).toHaveLength(2);
  });
});
