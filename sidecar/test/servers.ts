// Real loopback servers for sidecar tests: a scriptable HTTP receiver, and a TCP proxy that
// can take the edge "down" (refusing, or accepting and never answering) and bring it back.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createConnection, createServer as createTcp, type Server as TcpServer, type Socket } from "node:net";

export interface Received {
  at: number;
  headers: IncomingMessage["headers"];
  body: any;
}

export async function receiver(respond: (n: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createHttp(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    received.push({ at: Date.now(), headers: req.headers, body: text ? JSON.parse(text) : null });
    respond(received.length, req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hb`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export type ProxyMode = "up" | "refuse" | "blackhole";

export async function edgeProxy(target: string, port = 0) {
  const { hostname, port: targetPort } = new URL(target);
  let mode: ProxyMode = "up";
  const sockets = new Set<Socket>();
  let server: TcpServer | null = null;
  const listen = (p: number) =>
    new Promise<number>((resolve) => {
      server = createTcp((client) => {
        sockets.add(client);
        client.on("close", () => sockets.delete(client));
        client.on("error", () => {});
        if (mode === "blackhole") return; // accept, never answer
        const upstream = createConnection(Number(targetPort), hostname);
        upstream.on("error", () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.listen(p, "127.0.0.1", () => resolve((server!.address() as { port: number }).port));
    });
  const actualPort = await listen(port);
  const stop = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server ? server.close(() => r()) : r();
      server = null;
    });
  return {
    url: `http://127.0.0.1:${actualPort}`,
    async set(next: ProxyMode) {
      if (next === "refuse") await stop();
      else if (server === null) await listen(actualPort);
      for (const s of sockets) s.destroy();
      mode = next;
    },
    close: stop,
  };
}
