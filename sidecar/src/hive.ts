// The local hive on --listen (loopback by default; no auth there, but nothing a browser can
// send gets in: hive-guard.ts): workers on this host send the seed's heartbeat here, and may
// register their state. Bad input gets 400 naming the field; a full hive answers 429.
//   POST   /v1/heartbeat      {"worker_id","timestamp","health_status"}
//   POST   /v1/workers        {"id","status","model_ref","vram_bytes","gpu_id","uri","capabilities","protocol"}
//   DELETE /v1/workers/:id    the worker is leaving
//   GET    /v1/workers        what this hive knows, with local staleness
//   GET    /health            {"status":"alive", ...}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { z } from "zod";
import { parseJsonText, validate } from "../../shared/parse.js";
import { WorkerHeartbeatSchema, WorkerReportSchema } from "../../shared/heartbeat.js";
import { guardRequest } from "./hive-guard.js";
import type { LocalRegistry } from "./registry.js";

const MAX_LOCAL_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string, field: string): void {
  send(res, status, { error: { code, message, field } });
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOCAL_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function parse<S extends z.ZodType>(req: IncomingMessage, res: ServerResponse, schema: S): Promise<z.output<S> | undefined> {
  const text = await readBody(req);
  if (text === null) return void error(res, 413, "body_too_large", `body exceeds ${MAX_LOCAL_BODY} bytes`, "(body)");
  const json = parseJsonText(text);
  const checked = json.ok ? validate(schema, json.value) : json;
  if (checked.ok) return checked.value;
  return void error(res, 400, checked.error.code, checked.error.message, checked.error.field);
}

export interface HiveInfo {
  hostId: string;
  stats: () => Record<string, unknown>;
  /** --hive-token: when set, every request must carry it (and the Host may be any name). */
  token?: string | null;
}

const full = (res: ServerResponse, registry: LocalRegistry, field: string) =>
  error(res, 429, "hive_full", `this hive already holds ${registry.maxWorkers} fresh workers, the most the edge takes from one host; the workers it has are still heard`, field);

function decodedId(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function createHive(registry: LocalRegistry, info: HiveInfo): Server {
  const server = createServer(async (req, res) => {
    try {
      const refused = guardRequest(req, info.token ?? null);
      if (refused !== null) {
        res.setHeader("connection", "close");
        return error(res, refused.status, refused.code, refused.message, refused.field);
      }
      const url = new URL(req.url ?? "/", "http://hive");
      if (req.method === "POST" && url.pathname === "/v1/heartbeat") {
        const hb = await parse(req, res, WorkerHeartbeatSchema);
        if (hb === undefined) return;
        if (!registry.heartbeat(hb.worker_id, hb.health_status)) return full(res, registry, "worker_id");
        return send(res, 200, { status: "accepted", worker_id: hb.worker_id });
      }
      if (req.method === "POST" && url.pathname === "/v1/workers") {
        const report = await parse(req, res, WorkerReportSchema);
        if (report === undefined) return;
        if (!registry.register(report)) return full(res, registry, "id");
        return send(res, 200, { status: "registered", worker_id: report.id });
      }
      const match = /^\/v1\/workers\/([^/]+)$/.exec(url.pathname);
      if (req.method === "DELETE" && match) {
        const id = decodedId(match[1]!);
        if (id === null) return error(res, 400, "invalid_path", "the worker id in the path is not valid percent-encoding", "id");
        return registry.remove(id) ? send(res, 200, { status: "removed", worker_id: id }) : error(res, 404, "not_found", "no such worker", "id");
      }
      if (req.method === "GET" && url.pathname === "/v1/workers") return send(res, 200, { host_id: info.hostId, workers: registry.list() });
      if (req.method === "GET" && url.pathname === "/health") return send(res, 200, { status: "alive", host_id: info.hostId, ...info.stats() });
      return error(res, 404, "not_found", `no route for ${req.method} ${url.pathname}`, "(path)");
    } catch (err) {
      return error(res, 500, "internal", (err as Error).message, "(body)");
    }
  });
  // A client that never finishes its request is cut off instead of holding a socket open.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  return server;
}
