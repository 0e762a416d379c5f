// globalSetup for the `edge` project: real HTTP servers on 127.0.0.1 that act as Spaces
// (healthy, slow, hanging, waking, resetting, redirecting), reached from inside workerd.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { freePort } from "../scripts/bench-lib.mjs";

/** How many requests each path has had, for "503 until the Nth request" and counting. */
const hits = new Map<string, number>();

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://spaces");
  const n = (hits.get(url.pathname) ?? 0) + 1;
  hits.set(url.pathname, n);
  const parts = url.pathname.split("/").filter(Boolean);
  switch (parts[0]) {
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
