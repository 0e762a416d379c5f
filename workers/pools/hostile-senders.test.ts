// Senders that lie or misbehave: a clock far ahead cannot lock a sender out, a caller is
// checked before its body is read (nothing is counted for one that is not authenticated),
// and worker descriptors follow rules a scheduler can trust.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, advance, api, beat, createPool, events, freezeClock, poolHeartbeat, snapshot, workerHeartbeat } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

const metricsLine = async (pool: string) => {
  const { exports } = await import("cloudflare:workers");
  const text = await (await exports.default.fetch("http://edge.test/metrics")).text();
  return text.split("\n").filter((l) => l.startsWith("edge_pulse_heartbeats_rejected_total") && l.includes(`pool="${pool}"`));
};

describe("sender clocks", () => {
  it("a far-future timestamp is accepted as skew and never makes later, correct heartbeats look old", async () => {
    freezeClock("2026-11-01T00:00:00.600Z");
    const token = await createPool("future");
    const far = { ...poolHeartbeat("future", "h1", ["w1"]), timestamp: "9999-12-31T23:59:59Z" };
    expect((await api("POST", "/v2/pools/future/heartbeat", { token, json: far })).body.status).toBe("accepted");
    // Right after, a timestamp with whole seconds (as the seed writes them) is a little behind the edge's clock.
    const seedStyle = { ...poolHeartbeat("future", "h1", ["w1"]), timestamp: "2026-11-01T00:00:00Z" };
    expect((await api("POST", "/v2/pools/future/heartbeat", { token, json: seedStyle })).body.status).toBe("accepted");
    expect((await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w2", "9999-12-31T23:59:59Z") })).body.status).toBe("accepted");
    for (let i = 0; i < 3; i++) {
      advance(15);
      expect((await api("POST", "/v2/pools/future/heartbeat", { token, json: poolHeartbeat("future", "h1", ["w1"]) })).body.status).toBe("accepted");
      expect((await beat(token, "w2")).status).toBe("accepted");
    }
    const snap = await snapshot("future");
    expect(snap.hosts[0]).toMatchObject({ state: "fresh", age_s: 0 });
    expect(snap.workers.map((w) => [w.id, w.state, w.age_s])).toEqual([["w1", "fresh", 0], ["w2", "fresh", 0]]);
    expect((await events("future")).filter((e) => e.kind === "skew").map((e) => e.subject)).toEqual(["host:h1", "worker:w2"]);
  });

  it("an out-of-order heartbeat (older than the last one, within the edge's clock) is still ignored", async () => {
    freezeClock("2026-11-01T00:00:00Z");
    const token = await createPool("order");
    await beat(token, "w1");
    const late = await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat("w1", "2026-10-31T23:59:50Z") });
    expect(late.body.status).toBe("ignored");
  });
});

describe("the caller before the body", () => {
  it("a forged token gets 401 whatever its body, and moves no pool's counters", async () => {
    const token = await createPool("victim");
    const forged = token.replace(/\.[^.]+$/, `.${"f".repeat(43)}`); // well-formed, wrong secret
    const before = await metricsLine("victim");
    for (const [path, body] of [
      ["/v2/pools/victim/heartbeat", "{"],
      ["/v2/pools/victim/heartbeat", JSON.stringify({ ...poolHeartbeat("victim", "h", []), pad: "x".repeat(600_000) })],
      ["/v1/heartbeat", "{"],
      ["/v1/heartbeat", "x".repeat(600_000)],
    ] as const) {
      const res = await api("POST", path, { token: forged, raw: body, headers: { "content-type": "application/json" } });
      expect(res.status, `${path} ${body.slice(0, 10)}`).toBe(401);
    }
    expect(await metricsLine("victim")).toEqual(before);
    // The pool's own token still gets the body's error, and that refusal is counted.
    const own = await api("POST", "/v2/pools/victim/heartbeat", { token, raw: "{", headers: { "content-type": "application/json" } });
    expect(own.status).toBe(400);
    expect(await metricsLine("victim")).toContainEqual(expect.stringContaining('reason="invalid_json"'));
  });
});

describe("worker descriptors", () => {
  it("a worker uri must be http(s)", async () => {
    const token = await createPool("uris");
    for (const uri of ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "ftp://host/x"]) {
      const hb = poolHeartbeat("uris", "h1", ["w1"]);
      hb.workers[0]!.uri = uri;
      const res = await api("POST", "/v2/pools/uris/heartbeat", { token, json: hb });
      expect(res.status, uri).toBe(400);
      expect(res.body.error.field).toBe("workers.0.uri");
    }
    expect((await snapshot("uris")).workers).toEqual([]);
  });

  it("a worker whose gpu_id names no GPU of its host is marked in the snapshot", async () => {
    const token = await createPool("gpu-ids");
    const hb = poolHeartbeat("gpu-ids", "h1", ["on-0", "on-7", "no-gpu"]);
    hb.workers[1]!.gpu_id = 7;
    (hb.workers[2] as { gpu_id: number | null }).gpu_id = null;
    await api("POST", "/v2/pools/gpu-ids/heartbeat", { token, json: hb });
    await beat(token, "direct");
    const snap = await snapshot("gpu-ids", ADMIN);
    expect(Object.fromEntries(snap.workers.map((w) => [w.id, w.gpu_unknown]))).toEqual({ "on-0": false, "on-7": true, "no-gpu": false, direct: false });
  });
});
