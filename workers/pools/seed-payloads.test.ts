// The seed's example payloads, sent verbatim, come back aggregated in the seed's shape.
import { afterEach, describe, expect, it } from "vitest";
import { vi } from "vitest";
import { SEED_POOL_HEARTBEAT, SEED_WORKER_HEARTBEAT, ADMIN, api, createPool, freezeClock, snapshot } from "../../test/helpers.js";

afterEach(() => vi.useRealTimers());

describe("seed payloads", () => {
  it("accepts the seed pool heartbeat and serves it back in the seed shape", async () => {
    freezeClock("2031-03-01T10:00:00Z");
    const token = await createPool("pool-1");
    const res = await api("POST", "/v2/pools/pool-1/heartbeat", { token, raw: SEED_POOL_HEARTBEAT });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "accepted", pool_id: "pool-1", interval_s: 15, server_time: "2031-03-01T10:00:00.000Z" });

    const snap = await snapshot("pool-1", token);
    expect(snap.pool_id).toBe("pool-1");
    expect(snap.gpus).toEqual([
      {
        id: 0, device_name: "NVIDIA RTX 4090", total_vram_bytes: 24000000000, free_vram_bytes: 12000000000,
        host_id: "default", received_at: "2031-03-01T10:00:00.000Z", state: "fresh",
      },
    ]);
    expect(snap.workers).toHaveLength(1);
    expect(snap.workers[0]).toMatchObject({
      id: "worker-abc123", status: "idle", model_ref: "llama-7b", vram_bytes: 8000000000, gpu_id: 0,
      uri: "http://localhost:8001", capabilities: ["text-gen"], protocol: "sse",
      host_id: "default", state: "fresh", last_heartbeat_at: "2031-03-01T10:00:00.000Z", age_s: 0,
    });
    // The sender's 2025 clock is reported as skew, never used for liveness.
    expect(snap.workers[0]!.clock_skew_ms).toBe(Date.parse("2025-10-19T12:34:56Z") - Date.parse("2031-03-01T10:00:00Z"));
    expect(snap.vram).toEqual({ total_bytes: 24000000000, free_bytes: 12000000000, unknown_gpus: 0 });
    expect(snap.counts).toEqual({ workers: { fresh: 1, stale: 0 }, hosts: { fresh: 1, stale: 0 } });
  });

  it("accepts the seed worker heartbeat with a pool token and merges it with the relayed worker", async () => {
    freezeClock("2031-03-01T10:00:00Z");
    const token = await createPool("seed-merge");
    const poolHb = SEED_POOL_HEARTBEAT.replace('"pool-1"', '"seed-merge"');
    expect((await api("POST", "/v2/pools/seed-merge/heartbeat", { token, raw: poolHb })).status).toBe(200);

    vi.setSystemTime(new Date("2031-03-01T10:00:20Z"));
    const res = await api("POST", "/v1/heartbeat", { token, raw: SEED_WORKER_HEARTBEAT });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "accepted", pool_id: "seed-merge", interval_s: 30 });

    const snap = await snapshot("seed-merge");
    expect(snap.workers).toHaveLength(1);
    expect(snap.workers[0]).toMatchObject({
      id: "worker-abc123", model_ref: "llama-7b", health_status: "healthy",
      last_heartbeat_at: "2031-03-01T10:00:20.000Z", host_id: "default",
    });
  });

  it("lists pools with counts for the admin, and only its own pool for a pool token", async () => {
    freezeClock("2031-03-01T10:00:00Z");
    const a = await createPool("list-a");
    await createPool("list-b");
    await api("POST", "/v1/heartbeat", { token: a, json: { worker_id: "w1", timestamp: "2031-03-01T10:00:00Z", health_status: "healthy" } });

    const all = await api("GET", "/v2/pools", { token: ADMIN });
    expect(all.status).toBe(200);
    const ids = all.body.pools.map((p: { pool_id: string }) => p.pool_id);
    expect(ids).toEqual(expect.arrayContaining(["list-a", "list-b"]));
    expect(all.body.pools.find((p: { pool_id: string }) => p.pool_id === "list-a")).toEqual({
      pool_id: "list-a", workers: { fresh: 1, stale: 0 }, hosts: { fresh: 0, stale: 0 }, eviction_suspended: false,
    });

    const own = await api("GET", "/v2/pools", { token: a });
    expect(own.body.pools.map((p: { pool_id: string }) => p.pool_id)).toEqual(["list-a"]);
  });

  it("answers /health like the seed", async () => {
    const res = await api("GET", "/health");
    expect(res).toMatchObject({ status: 200, body: { status: "alive" } });
  });
});
