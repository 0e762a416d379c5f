// globalSetup for the `edge` project: real HTTP servers on 127.0.0.1 that act as Spaces
// (healthy, slow, hanging, waking, resetting, redirecting, switchable) and as a stand-in
// for the Hugging Face runtime API, reached from inside workerd. The server counts
// requests and simultaneous connections per pinger run (x-edge-pulse-run), so tests can
// check the per-invocation budget and the 6-connection limit from the outside.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { countRun, freePort, type RunCount } from "../scripts/bench-lib.mjs";
import { serviceLog, serviceRequest } from "./alert-services.js";

/** How many requests each path has had, for "503 until the Nth request" and counting. */
const hits = new Map<string, number>();

/** Per pinger run: requests seen, connections open now, most open at once. */
const runs = new Map<string, RunCount>();
/** /switch/<key> answers with this status (default 200). */
const switches = new Map<string, number>();
/** The HF stand-in: stage per Space id, restarts and the authorization they carried. */
const hfStages = new Map<string, string>();
const hfCalls = new Map<string, { runtime: number; restarts: number; auth: (string | null)[] }>();

/** Webhook receivers: what each got, and failures to answer with first. */
const hooks = new Map<string, { body: unknown; headers: Record<string, string | string[] | undefined> }[]>();
const hookFailures = new Map<string, { left: number; status: number }>();

function receiveHook(req: IncomingMessage, res: ServerResponse, name: string): void {
  let text = "";
  req.on("data", (d: Buffer) => (text += d.toString()));
  req.on("end", () => {
    const fail = hookFailures.get(name);
    if (fail !== undefined && fail.left > 0) {
      fail.left -= 1;
      return json(res, fail.status, { error: "failing on purpose" });
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    hooks.set(name, [...(hooks.get(name) ?? []), { body, headers: req.headers }]);
    res.writeHead(204);
    res.end();
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function hfApi(req: IncomingMessage, res: ServerResponse, parts: string[]): void {
  // /hf/api/spaces/<owner>/<name>/<runtime|restart>
  const id = `${parts[3]}/${parts[4]}`;
  const calls = hfCalls.get(id) ?? { runtime: 0, restarts: 0, auth: [] };
  hfCalls.set(id, calls);
  if (parts[5] === "runtime" && req.method === "GET") {
    calls.runtime += 1;
    const stage = hfStages.get(id);
    if (stage === undefined) return json(res, 404, { error: "Repository not found" });
    return json(res, 200, { stage, hardware: { current: "cpu-basic", requested: "cpu-basic" }, ...(stage === "RUNTIME_ERROR" ? { errorMessage: "Exit code: 1. Reason: ModuleNotFoundError" } : {}) });
  }
  if (parts[5] === "restart" && req.method === "POST") {
    calls.auth.push(req.headers.authorization ?? null);
    if (req.headers.authorization !== "Bearer hf_test_token") return json(res, 401, { error: "Invalid credentials" });
    calls.restarts += 1;
    hfStages.set(id, "APP_STARTING");
    return json(res, 200, { stage: "APP_STARTING" });
  }
  return json(res, 404, { error: "no such HF route" });
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://spaces");
  const n = (hits.get(url.pathname) ?? 0) + 1;
  hits.set(url.pathname, n);
  countRun(runs, req, res);
  const parts = url.pathname.split("/").filter(Boolean);
  switch (parts[0]) {
    case "_runs": { // /_runs/<prefix>: the runs whose id starts with it
      const prefix = decodeURIComponent(parts.slice(1).join("/"));
      return json(res, 200, Object.fromEntries([...runs].filter(([k]) => k.startsWith(prefix))));
    }
    case "svc": // POST /svc/<service>/<name>/...: an alert service's stand-in (alert-services.ts)
      return serviceRequest(req, res, parts);
    case "_svc":
      return serviceLog(res, parts);
    case "hook": // POST /hook/<name>: a webhook receiver
      return receiveHook(req, res, parts[1]!);
    case "_hook": // GET /_hook/<name>: what it got; PUT /_hook/<name>/<n>/<status>: fail the next n
      if (req.method === "PUT") {
        hookFailures.set(parts[1]!, { left: Number(parts[2]), status: Number(parts[3]) });
        return json(res, 200, { ok: true });
      }
      return json(res, 200, hooks.get(parts[1]!) ?? []);
    case "_switch": // PUT /_switch/<key>/<status>
      switches.set(parts[1]!, Number(parts[2]));
      return json(res, 200, { ok: true });
    case "region-fail": { // /region-fail/<region>/<name>: 502 to runs from that region's shards, 200 to the rest
      const run = String(req.headers["x-edge-pulse-run"] ?? "");
      res.writeHead(run.includes(`/${parts[1]}/`) ? 502 : 200);
      return void res.end(`region ${run}`);
    }
    case "switch": {
      const status = switches.get(parts[1]!) ?? 200;
      res.writeHead(status);
      return void res.end(`switch ${status}`);
    }
    case "_hf": // PUT /_hf/<owner>/<name>/<stage>; GET /_hf/<owner>/<name>: calls seen
      if (req.method === "PUT") {
        hfStages.set(`${parts[1]}/${parts[2]}`, parts[3]!);
        return json(res, 200, { ok: true });
      }
      return json(res, 200, hfCalls.get(`${parts[1]}/${parts[2]}`) ?? { runtime: 0, restarts: 0, auth: [] });
    case "hf":
      return hfApi(req, res, parts);
    case "ok":
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("ok");
    case "status":
      res.writeHead(Number(parts[1]));
      return void res.end(`status ${parts[1]}`);
    case "slow":
      return void setTimeout(() => res.end("slow but fine"), Number(parts[1]));
    case "hang":
      return; // never answers
    case "waking": // /waking/<key>/<n>: 503 for the first n requests to this path, then 200
      if (n <= Number(parts[2])) {
        res.writeHead(503, { "content-type": "text/html" });
        return void res.end("<h1>Your Space is starting. Please wait.</h1>");
      }
      return void res.end("awake");
    case "reset":
      return void req.socket.destroy();
    case "redirect": // /redirect/<n>: n hops, then /ok
      res.writeHead(302, { location: Number(parts[1]) > 1 ? `/redirect/${Number(parts[1]) - 1}` : "/ok" });
      return void res.end();
    case "loop": // /loop/a <-> /loop/b
      res.writeHead(302, { location: parts[1] === "a" ? "/loop/b" : "/loop/a" });
      return void res.end();
    case "big": // a large body the pinger must not read
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void res.end(Buffer.alloc(4 * 1024 * 1024));
    case "hits":
      return void res.end(String(hits.get(`/${parts.slice(1).join("/")}`) ?? 0));
    default:
      res.writeHead(404);
      return void res.end();
  }
}

export default async function setup(project: TestProject) {
  const server = createServer(route);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  project.provide("spacesBase", `http://127.0.0.1:${port}`);
  project.provide("refusedBase", `http://127.0.0.1:${await freePort()}`);
  return () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
}
