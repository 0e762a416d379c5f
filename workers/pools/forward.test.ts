// The seed's queen push against a real loopback receiver (test/space-servers.ts): the seed's
// shape, the bearer secret sent but never shown, backoff after failures and recovery, and no
// push while no host is fresh.
import { beforeEach, describe, expect, inject, it } from "vitest";
import { ADMIN, advance, api, createPool, freezeClock, poolHeartbeat, runAlarm, snapshot } from "../../test/helpers.js";

const BASE = inject("spacesBase");
const received = async (hook: string) => (await (await fetch(`${BASE}/_hook/${hook}`)).json()) as { body: any; headers: Record<string, string> }[];
const failNext = (hook: string, n: number, status: number) => fetch(`${BASE}/_hook/${hook}/${n}/${status}`, { method: "PUT" });

// A clock ahead of the real one: the pool's alarms are then set in the future and run only when
// the test runs them (an alarm set in the real past fires on its own, and pushed before the
// receiver was told to fail: the test's old flake).
const T0 = "2027-11-23T12:00:00Z";
beforeEach(() => freezeClock(T0));

describe("forwarding to a queen", () => {
  it("posts the seed's pool heartbeat with the bearer secret each interval, backs off on failure, recovers, and stops with no fresh host", async () => {
    const token = await createPool("fwd", { pool_interval_s: 15 });
    const set = await api("PUT", "/v1/admin/pools/fwd/forward", { token: ADMIN, json: { url: `${BASE}/hook/queen?key=s3cret`, token: "queen-secret" } });
    expect(set.status).toBe(200);
    expect(JSON.stringify(set.body)).not.toContain("queen-secret");
    expect(JSON.stringify(set.body)).not.toContain("s3cret");
    expect(set.body.forward).toMatchObject({ host: new URL(BASE).host, token_set: true, next_at: null });
    // Two hosts, each with a GPU 0: the seed has one GPU list, so they are numbered across hosts.
    await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "a", ["wa"]) });
    await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "b", ["wb"]) });
    expect(await runAlarm("fwd")).toBe(true);
    let got = await received("queen");
    expect(got).toHaveLength(1);
    expect(got[0]!.headers.authorization).toBe("Bearer queen-secret");
    expect(got[0]!.body).toEqual({
      pool_id: "fwd",
      timestamp: new Date(T0).toISOString(),
      gpus: [0, 1].map((id) => ({ id, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 80_000_000_000 })),
      workers: [
        { id: "wa", status: "idle", model_ref: "llama-7b", vram_bytes: 1, gpu_id: 0, uri: "http://127.0.0.1:8001", capabilities: ["text-gen"], protocol: "sse" },
        { id: "wb", status: "idle", model_ref: "llama-7b", vram_bytes: 1, gpu_id: 1, uri: "http://127.0.0.1:8001", capabilities: ["text-gen"], protocol: "sse" },
      ],
    });
    let status = (await snapshot("fwd")).forward!;
    expect(status).toMatchObject({ failures_in_a_row: 0, last: { status: 204, error: null }, next_at: new Date(Date.parse(T0) + 15_000).toISOString() });

    // The queen fails twice: the next tries wait longer (15 s x 2^n, jittered to half or more).
    await failNext("queen", 2, 503);
    for (const expected of [1, 2]) {
      advance(15 * 2 ** expected);
      await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "a", ["wa"]) });
      await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "b", ["wb"]) });
      await runAlarm("fwd");
      status = (await snapshot("fwd")).forward!;
      expect(status).toMatchObject({ failures_in_a_row: expected, last: { status: 503, error: "HTTP 503" } });
      const wait = Date.parse(status.next_at!) - Date.now();
      expect(wait).toBeGreaterThanOrEqual(15_000 * 2 ** expected * 0.5);
      expect(wait).toBeLessThanOrEqual(15_000 * 2 ** expected);
    }
    advance(60);
    await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "a", ["wa"]) });
    await api("POST", "/v2/pools/fwd/heartbeat", { token, json: poolHeartbeat("fwd", "b", ["wb"]) });
    await runAlarm("fwd");
    expect((await snapshot("fwd")).forward).toMatchObject({ failures_in_a_row: 0, last: { status: 204 } });
    // The receiver keeps what it accepted: the first push and the one after it recovered.
    got = await received("queen");
    expect(got).toHaveLength(2);

    // Silent hosts: stale after 45 s, and no more pushes (the alarm only keeps deadlines).
    advance(50);
    await runAlarm("fwd");
    expect((await snapshot("fwd")).forward!.next_at).toBeNull();
    advance(60);
    await runAlarm("fwd");
    expect(await received("queen")).toHaveLength(2);
    // Stopping: url null.
    expect((await api("PUT", "/v1/admin/pools/fwd/forward", { token: ADMIN, json: { url: null } })).body.forward).toBeNull();
    expect((await api("PUT", "/v1/admin/pools/fwd/forward", { token: ADMIN, json: { url: "ftp://x" } })).body.error.field).toBe("url");
    expect((await api("PUT", "/v1/admin/pools/nope/forward", { token: ADMIN, json: { url: null } })).status).toBe(404);
  });
});
