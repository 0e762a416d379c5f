// What the sidecar's end-to-end tests share: the built dist/cli.js run with the machine's own
// Node 20 when it has one (GPU hosts lag behind), a stand-in nvidia-smi on PATH, the real
// local edge from globalSetup (test/local-edge.ts), and polling without fixed sleeps.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, inject } from "vitest";

export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const EDGE = inject("edgeUrl");
export const ADMIN = inject("adminToken");
export const MiB = 1024 * 1024;

/** GPU hosts lag behind: prefer the system's Node (20 on our machines) over the repo's 24. */
export const NODE = ["/usr/local/bin/node", "/usr/bin/node"].find((p) => existsSync(p)) ?? process.execPath;
export const NODE_VERSION = execFileSync(NODE, ["--version"]).toString().trim();

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  logs: () => Array<{ level: string; msg: string; [k: string]: unknown }>;
  exit: Promise<number | null>;
}

export function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(NODE, [CLI, ...args], {
    env: { PATH: `${FIXTURES}:${process.env.PATH}`, NVIDIA_SMI_FIXTURE: "h100x2.csv", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const logs = () => err.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  return { child, stdout: () => out, stderr: () => err, logs, exit };
}

export async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${EDGE}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json() as Promise<any>;
}

export async function newPool(id: string): Promise<string> {
  return (await admin("POST", `/v1/admin/pools/${id}/tokens`, { label: "sidecar-test" })).token;
}

export const until = async <T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** A worker's seed heartbeat to a hive, as rbee workers send it (JSON content type). */
export function workerBeat(hive: string, workerId: string, init: RequestInit = {}) {
  return fetch(`${hive}/v1/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ worker_id: workerId, timestamp: new Date().toISOString(), health_status: "healthy" }),
    ...init,
  });
}

/** Starts the sidecar for a new pool with its hive on a free loopback port; resolves once it listens. */
export async function startHost(pool: string, extra: string[] = [], env: Record<string, string> = {}) {
  const { freePort } = await import("../../scripts/bench-lib.mjs");
  const token = await newPool(pool);
  const port = await freePort();
  const r = run(["--edge", EDGE, "--pool", pool, "--interval", "1", "--listen", `127.0.0.1:${port}`, ...extra], { HEARTBEAT_TOKEN: token, ...env });
  await until(async () => r.logs().some((l) => l.msg === "hive listening"), (v) => v);
  return { ...r, token, port, hive: `http://127.0.0.1:${port}` };
}
