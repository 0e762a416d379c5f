// Leaving is leaving: a worker removed at the hive reaches the edge as `left` in the next
// pool heartbeat (no stale, no entry kept); one that heartbeats again is simply back.
import { describe, expect, it } from "vitest";
import { admin, startHost, until, workerBeat } from "./harness.js";

describe("a worker removed at the hive", () => {
  it("is gone from the pool at the next heartbeat, logged as left and never stale", async () => {
    const host = await startHost("leave");
    for (const id of ["worker-a", "worker-b"]) expect((await workerBeat(host.hive, id)).status).toBe(200);
    await until(() => admin("GET", "/v2/pools/leave"), (s) => s.workers?.length === 2);

    const del = await fetch(`${host.hive}/v1/workers/worker-a`, { method: "DELETE" });
    expect(del.status).toBe(200);
    const snap = await until(() => admin("GET", "/v2/pools/leave"), (s) => s.workers.length === 1, 10_000);
    expect(snap.workers[0].id).toBe("worker-b");
    const { events } = await admin("GET", "/v2/pools/leave/events");
    const aboutA = events.filter((e: any) => e.subject === "worker:worker-a").map((e: any) => e.kind);
    expect(aboutA).toEqual(["joined", "left"]);
    expect(events.find((e: any) => e.subject === "worker:worker-a" && e.kind === "left").detail).toMatchObject({ host_id: expect.any(String) });

    // Removing it again is a 404; a heartbeat after that brings it back as a new join.
    expect((await fetch(`${host.hive}/v1/workers/worker-a`, { method: "DELETE" })).status).toBe(404);
    expect((await workerBeat(host.hive, "worker-a")).status).toBe(200);
    await until(() => admin("GET", "/v2/pools/leave"), (s) => s.workers.length === 2, 10_000);
  });

  it("a host cannot remove another host's worker", async () => {
    const one = await startHost("leave-two", ["--host-id", "box-1"]);
    expect((await workerBeat(one.hive, "shared-name")).status).toBe(200);
    await until(() => admin("GET", "/v2/pools/leave-two"), (s) => s.workers?.length === 1);
    // A seed-style pool heartbeat from another host naming the worker as left changes nothing.
    const other = await admin("POST", "/v2/pools/leave-two/heartbeat", {
      pool_id: "leave-two", host_id: "box-2", timestamp: new Date().toISOString(), gpus: [], workers: [], left_workers: ["shared-name"],
    });
    expect(other.status).toBe("accepted");
    const snap = await admin("GET", "/v2/pools/leave-two");
    expect(snap.workers.map((w: any) => [w.id, w.host_id])).toEqual([["shared-name", "box-1"]]);
  });
});
