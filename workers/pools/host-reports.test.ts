// What a host reports beyond the seed's fields: workers removed at its hive (left_workers)
// and the heartbeat-sidecar version it runs, marked when it is not the one this edge serves.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { advance, api, createPool, events, freezeClock, poolHeartbeat, runAlarm, snapshot } from "../../test/helpers.js";
import { EDGE_SIDECAR_VERSION } from "./sidecar-version.js";

afterEach(() => void vi.useRealTimers());

describe("left_workers", () => {
  it("drops the workers a host names as left at once: a left event, never stale, no entry kept", async () => {
    freezeClock("2026-11-01T00:00:00Z");
    const token = await createPool("lw");
    expect((await api("POST", "/v2/pools/lw/heartbeat", { token, json: poolHeartbeat("lw", "box-1", ["w-a", "w-b"]) })).status).toBe(200);
    advance(15);
    const res = await api("POST", "/v2/pools/lw/heartbeat", { token, json: poolHeartbeat("lw", "box-1", ["w-b"], { left_workers: ["w-a", "never-seen"] }) });
    expect(res.body.status).toBe("accepted");
    expect((await snapshot("lw")).workers.map((w) => w.id)).toEqual(["w-b"]);
    // Long past the stale window and the eviction: w-a never comes back as stale or evicted.
    for (let i = 0; i < 8; i++) {
      advance(100);
      await api("POST", "/v2/pools/lw/heartbeat", { token, json: poolHeartbeat("lw", "box-1", ["w-b"]) });
      await runAlarm("lw");
    }
    const aboutA = (await events("lw")).filter((e) => e.subject === "worker:w-a");
    expect(aboutA.map((e) => e.kind)).toEqual(["joined", "left"]);
    expect(aboutA[1]!.detail).toMatchObject({ host_id: "box-1" });
  });

  it("refuses a bad entry naming it, and changes nothing stored", async () => {
    const token = await createPool("lw-bad");
    await api("POST", "/v2/pools/lw-bad/heartbeat", { token, json: poolHeartbeat("lw-bad", "box-1", ["w-a"]) });
    const res = await api("POST", "/v2/pools/lw-bad/heartbeat", { token, json: poolHeartbeat("lw-bad", "box-1", [], { left_workers: ["w-a", "has space"] }) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("left_workers.1");
    expect((await snapshot("lw-bad")).workers.map((w) => w.id)).toEqual(["w-a"]);
  });
});

describe("sidecar_version", () => {
  it("is shown per host and marked when it is not the version this edge serves", async () => {
    const token = await createPool("versions");
    const send = (host: string, extra: Record<string, unknown>) => api("POST", "/v2/pools/versions/heartbeat", { token, json: poolHeartbeat("versions", host, [], extra) });
    expect((await send("same", { sidecar_version: EDGE_SIDECAR_VERSION })).status).toBe(200);
    expect((await send("old", { sidecar_version: "0.0.1" })).status).toBe(200);
    expect((await send("seed-hive", {})).status).toBe(200);
    const bad = await send("bad", { sidecar_version: "one" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("sidecar_version");

    const snap = await snapshot("versions");
    expect(snap.edge_sidecar_version).toBe(EDGE_SIDECAR_VERSION);
    expect(Object.fromEntries(snap.hosts.map((h) => [h.host_id, [h.sidecar_version, h.sidecar_differs]]))).toEqual({
      same: [EDGE_SIDECAR_VERSION, false],
      old: ["0.0.1", true],
      "seed-hive": [null, false],
    });

    // An upgrade is a durable change: it is written at once and marked no more.
    expect((await send("old", { sidecar_version: EDGE_SIDECAR_VERSION })).status).toBe(200);
    expect((await snapshot("versions")).hosts.find((h) => h.host_id === "old")?.sidecar_differs).toBe(false);
    await send("old", { sidecar_version: "0.0.1" });

    const html = await (await exports.default.fetch("http://edge.test/")).text();
    expect(html).toContain("heartbeat-sidecar 0.0.1");
    expect(html).toContain(`this edge serves ${EDGE_SIDECAR_VERSION}: reinstall`);
  });
});
