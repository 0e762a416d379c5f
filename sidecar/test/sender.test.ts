// The generic sender against real loopback servers: schedule, failures counted, backoff
// while the receiver is down, recovery, timeouts, and a final heartbeat on stop.
import { afterEach, describe, expect, it } from "vitest";
import { startHeartbeat, type HeartbeatHandle } from "../src/sender.js";
import { freePort } from "../../scripts/bench-lib.mjs";
import { receiver } from "./servers.js";

const handles: HeartbeatHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
});

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("startHeartbeat", () => {
  it("posts the payload with the token on every interval, never sooner than 90% of it", async () => {
    const srv = await receiver((_n, _req, res) => res.end("{}"));
    let n = 0;
    const hb = startHeartbeat({ url: srv.url, token: "t0k3n", intervalMs: 150, payload: () => ({ n: n++ }) });
    handles.push(hb);
    await until(() => srv.received.length >= 5);
    await hb.stop();
    expect(srv.received.map((r) => r.body.n)).toEqual([0, 1, 2, 3, 4].concat(srv.received.slice(5).map((r) => r.body.n)));
    expect(srv.received[0]!.headers.authorization).toBe("Bearer t0k3n");
    expect(srv.received[0]!.headers["content-type"]).toBe("application/json");
    for (let i = 1; i < srv.received.length; i++) expect(srv.received[i]!.at - srv.received[i - 1]!.at).toBeGreaterThanOrEqual(130);
    expect(hb.stats).toMatchObject({ failed: 0, consecutiveFailures: 0 });
    await srv.close();
  });

  it("counts and logs failures, backs off exponentially, and recovers on its own", async () => {
    const srv = await receiver((n, _req, res) => {
      res.statusCode = n <= 4 ? 503 : 200;
      res.end(n <= 4 ? '{"error":{"message":"waking up"}}' : "{}");
    });
    const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const hb = startHeartbeat({
      url: srv.url, intervalMs: 50, maxBackoffMs: 400, payload: {}, random: () => 1,
      logger: (level, msg, fields) => logs.push({ level, msg, fields }),
    });
    handles.push(hb);
    await until(() => srv.received.length >= 6);
    const gaps = srv.received.slice(1, 5).map((r, i) => r.at - srv.received[i]!.at);
    // With random() = 1 the waits are 50, 100, 200, 400 ms (capped): each at least the one before.
    expect(gaps[1]!).toBeGreaterThanOrEqual(90);
    expect(gaps[2]!).toBeGreaterThanOrEqual(180);
    expect(gaps[3]!).toBeGreaterThanOrEqual(360);
    expect(hb.stats.failed).toBe(4);
    expect(hb.stats.consecutiveFailures).toBe(0);
    expect(hb.stats.lastError).toBe("HTTP 503: waking up");
    expect(logs.filter((l) => l.msg === "heartbeat failed")).toHaveLength(4);
    expect(logs.find((l) => l.msg === "heartbeat recovered")?.fields).toEqual({ after_failures: 4 });
    await srv.close();
  });

  it("gives up on a request after the timeout and counts it", async () => {
    const srv = await receiver(() => {}); // never answers
    const results: (string | null)[] = [];
    const hb = startHeartbeat({ url: srv.url, intervalMs: 10_000, timeoutMs: 200, payload: {}, onResult: (r) => results.push(r.error) });
    handles.push(hb);
    await until(() => results.length >= 1);
    expect(results[0]).toBe("timed out after 200 ms");
    expect(hb.stats.failed).toBe(1);
    await srv.close();
  });

  it("counts a refused connection without throwing", async () => {
    const results: (string | null)[] = [];
    const closed = await freePort();
    const hb = startHeartbeat({ url: `http://127.0.0.1:${closed}/hb`, intervalMs: 10_000, payload: {}, onResult: (r) => results.push(r.error) });
    handles.push(hb);
    await until(() => results.length >= 1);
    expect(results[0]).toBe("ECONNREFUSED");
  });

  it("sends a final payload on stop and nothing after it", async () => {
    const srv = await receiver((_n, _req, res) => res.end("{}"));
    const hb = startHeartbeat({ url: srv.url, intervalMs: 100, payload: { leaving: false } });
    await until(() => srv.received.length >= 1);
    const final = await hb.stop({ leaving: true });
    expect(final?.ok).toBe(true);
    const count = srv.received.length;
    expect(srv.received.at(-1)!.body).toEqual({ leaving: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.received.length).toBe(count);
    await srv.close();
  });
});
