// The local hive on --listen (loopback by default, no auth): workers on this host send the
// seed's heartbeat here, and may register their state. Bad input gets 400 naming the field.
//   POST   /v1/heartbeat      {"worker_id","timestamp","health_status"}
//   POST   /v1/workers        {"id","status","model_ref","vram_bytes","gpu_id","uri","capabilities","protocol"}
//   DELETE /v1/workers/:id    the worker is leaving
//   GET    /v1/workers        what this hive knows, with local staleness
//   GET    /health            {"status":"alive", ...}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { z } from "zod";
import { parseJsonText, validate } from "../../shared/parse.js";
import { WorkerHeartbeatSchema, WorkerReportSchema } from "../../shared/heartbeat.js";
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
}

export function createHive(registry: LocalRegistry, info: HiveInfo): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://hive");
      if (req.method === "POST" && url.pathname === "/v1/heartbeat") {
        const hb = await parse(req, res, WorkerHeartbeatSchema);
        if (hb === undefined) return;
        registry.heartbeat(hb.worker_id, hb.health_status);
        return send(res, 200, { status: "accepted", worker_id: hb.worker_id });
      }
      if (req.method === "POST" && url.pathname === "/v1/workers") {
        const report = await parse(req, res, WorkerReportSchema);
        if (report === undefined) return;
        registry.register(report);
        return send(res, 200, { status: "registered", worker_id: report.id });
      }
      const match = /^\/v1\/workers\/([^/]+)$/.exec(url.pathname);
      if (req.method === "DELETE" && match) {
        const id = decodeURIComponent(match[1]!);
        return registry.remove(id) ? send(res, 200, { status: "removed", worker_id: id }) : error(res, 404, "not_found", "no such worker", "id");
      }
      if (req.method === "GET" && url.pathname === "/v1/workers") return send(res, 200, { host_id: info.hostId, workers: registry.list() });
      if (req.method === "GET" && url.pathname === "/health") return send(res, 200, { status: "alive", host_id: info.hostId, ...info.stats() });
      return error(res, 404, "not_found", `no route for ${req.method} ${url.pathname}`, "(path)");
    } catch (err) {
      return error(res, 500, "internal", (err as Error).message, "(body)");
    }
  });
}
