// The local hive refuses anything a browser can send: any Origin (or Sec-Fetch-*) header, a
// Host that is not a loopback name (DNS rebinding), a body that is not JSON. Tested from a
// real HTTP client and from a page in Debian's Chromium on the same host.
import { createServer, request } from "node:http";
import { describe, expect, it } from "vitest";
import { launch } from "../../test/e2e/browser.mjs";
import { EDGE, run, startHost, until, workerBeat } from "./harness.js";

/** A raw request, so the test sets Host and Origin exactly as an attacker's client would. */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, setHost: false }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text.startsWith("{") ? JSON.parse(text) : text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const report = (id: string) => JSON.stringify({ id, status: "idle", uri: "http://evil.example:8000/" });
const workerIds = async (hive: string) => ((await (await fetch(`${hive}/v1/workers`)).json()) as { workers: Array<{ report: { id: string } }> }).workers.map((w) => w.report.id);

describe("the local hive", () => {
  it("refuses cross-site requests, rebinding Hosts and non-JSON bodies, and registers nothing for them", async () => {
    const host = await startHost("guard");
    const json = { "content-type": "application/json" };
    const local = `127.0.0.1:${host.port}`;
    for (const [what, method, path, headers, status, field] of [
      ["Origin on a text/plain POST", "POST", "/v1/workers", { host: local, origin: "http://evil.example", "content-type": "text/plain" }, 403, "origin"],
      ["Origin on a JSON POST", "POST", "/v1/workers", { host: local, origin: "http://evil.example", ...json }, 403, "origin"],
      ["Origin null (sandboxed frame)", "POST", "/v1/heartbeat", { host: local, origin: "null", ...json }, 403, "origin"],
      ["Sec-Fetch-Site from a browser", "POST", "/v1/workers", { host: local, "sec-fetch-site": "cross-site", ...json }, 403, "sec-fetch-site"],
      ["rebinding Host on a POST", "POST", "/v1/workers", { host: `evil.example:${host.port}`, ...json }, 403, "host"],
      ["rebinding Host on a read", "GET", "/v1/workers", { host: `evil.example:${host.port}` }, 403, "host"],
      ["text/plain body", "POST", "/v1/workers", { host: local, "content-type": "text/plain" }, 415, "content-type"],
      ["form body", "POST", "/v1/heartbeat", { host: local, "content-type": "application/x-www-form-urlencoded" }, 415, "content-type"],
      ["no content type", "POST", "/v1/workers", { host: local }, 415, "content-type"],
    ] as const) {
      const res = await raw(host.port, method, path, headers, report(`refused-${status}`));
      expect(res.status, what).toBe(status);
      expect(res.body.error.field, what).toBe(field);
    }
    // Without a Host header Node's HTTP server answers 400 before the hive sees the request.
    expect((await raw(host.port, "POST", "/v1/workers", json, report("no-host"))).status).toBe(400);
    // Node's own fetch (sec-fetch-mode: cors, no Origin) is how workers written in Node talk.
    expect((await workerBeat(host.hive, "node-fetch")).status).toBe(200);
    expect(await workerIds(host.hive)).toEqual(["node-fetch"]);
    await fetch(`${host.hive}/v1/workers/node-fetch`, { method: "DELETE" });

    // Loopback names and JSON with a charset are what real workers send.
    for (const name of [local, `localhost:${host.port}`, `[::1]:${host.port}`, `127.0.0.2:${host.port}`, "localhost"]) {
      expect((await raw(host.port, "POST", "/v1/workers", { host: name, "content-type": "application/json; charset=utf-8" }, report("w-ok"))).status, name).toBe(200);
    }
    // A path that cannot be decoded is a bad request, not a crash.
    const bad = await raw(host.port, "DELETE", "/v1/workers/%E0%A4%A", { host: local });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("id");
    expect(await workerIds(host.hive)).toEqual(["w-ok"]);
  });

  it("binds elsewhere only with a hive token, which every request must then carry", async () => {
    const noToken = run(["--edge", EDGE, "--pool", "guard", "--token", "t", "--listen", "0.0.0.0:0"]);
    expect(await noToken.exit).toBe(2);
    expect(noToken.stderr()).toContain("--hive-token");

    const host = await startHost("guard-token", ["--hive-token", "hive-secret-123456"]);
    expect((await workerBeat(host.hive, "w1")).status).toBe(401);
    expect((await workerBeat(host.hive, "w1", { headers: { "content-type": "application/json", authorization: "Bearer wrong-secret-00000" } })).status).toBe(401);
    const ok = await workerBeat(host.hive, "w1", { headers: { "content-type": "application/json", authorization: "Bearer hive-secret-123456" } });
    expect(ok.status).toBe(200);
    // With a token the Host may be the machine's own name (workers on other hosts reach it so);
    // a browser still cannot send the token, and Origin is still refused.
    const named = await raw(host.port, "GET", "/v1/workers", { host: "gpu-box.lan:9200", authorization: "Bearer hive-secret-123456" });
    expect(named.status).toBe(200);
    const cross = await raw(host.port, "GET", "/v1/workers", { host: "gpu-box.lan:9200", authorization: "Bearer hive-secret-123456", origin: "http://evil.example" });
    expect(cross.status).toBe(403);
    expect(host.stderr()).not.toContain("hive-secret-123456");
  });

  it("a page opened in Chromium on the host can neither add nor remove a worker", async () => {
    const host = await startHost("guard-browser");
    expect((await workerBeat(host.hive, "victim")).status).toBe(200);
    const attack = `<!doctype html><title>evil</title><script>
      const hive = ${JSON.stringify(host.hive)};
      const body = ${JSON.stringify(report("evil-fetch"))};
      fetch(hive + "/v1/workers", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body }).catch(() => {});
      fetch(hive + "/v1/heartbeat", { method: "POST", mode: "no-cors", body: JSON.stringify({ worker_id: "evil-beat", timestamp: new Date().toISOString(), health_status: "healthy" }) }).catch(() => {});
      navigator.sendBeacon(hive + "/v1/workers", new Blob([${JSON.stringify(report("evil-beacon"))}], { type: "text/plain" }));
      fetch(hive + "/v1/workers/victim", { method: "DELETE" }).catch(() => {});
      fetch(hive + "/v1/workers/victim", { method: "DELETE", mode: "no-cors" }).catch(() => {});
    </script>
    <form id="f" method="POST" action="${host.hive}/v1/workers" enctype="text/plain"><input name='{"id":"evil-form","status":"idle","x":"' value='"}'></form>
    <script>setTimeout(() => document.getElementById("f").submit(), 300);</script>`;
    const site = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(attack));
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const hits: string[] = [];
      page.on("response", (r) => void (r.url().startsWith(host.hive) && hits.push(`${r.request().method()} ${r.status()}`)));
      await page.goto(`http://127.0.0.1:${(site.address() as { port: number }).port}/`);
      // The form navigates to the hive; once its answer is in, every attempt has landed.
      await until(async () => hits.length, (n) => n >= 1, 10_000);
      expect(hits).toContain("POST 403");
    } finally {
      await browser.close();
      site.close();
    }
    expect(await workerIds(host.hive)).toEqual(["victim"]);
  });
});
