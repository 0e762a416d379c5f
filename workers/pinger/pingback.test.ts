// Proof of life from inside a Space, in workerd: GET /health?space=<id> and POST
// /v1/pingback/<id> as the seed's ping_master() would call them, a loopback Space whose URL
// answers while its app never pings back (degraded, with the reason), one that does, and
// what the ping-backs cost in rows.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { api, cronTick, minuteClock } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS } from "./settings.js";
import { spaceStore } from "../objects.js";

const BASE = inject("spacesBase");
const settings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10 };
const clock = minuteClock();
const at = () => clock.at();
afterEach(() => void vi.useRealTimers());

const space = async (id: string) => (await api("GET", "/v1/spaces")).body.spaces.find((s: any) => s.id === id);
const rows = async () => (await spaceStore(env).health()).rows_written;

describe("ping-backs", () => {
  it("GET /health stays the seed's answer; with ?space= it records a ping-back, names bad or unknown ids, and ignores other parameters", async () => {
    await env.SPACES.put("spaces", JSON.stringify([{ id: "answering", url: `${BASE}/ok/answering`, interval_s: 60, expect_pingback: true }]));
    await cronTick(at(), settings);
    const plain = await api("GET", "/health");
    expect(plain).toMatchObject({ status: 200, body: { status: "alive" } });
    expect(Object.keys(plain.body)).toEqual(["status"]);
    const back = await api("GET", "/health?space=answering&t=123");
    expect(back).toMatchObject({ status: 200, body: { status: "alive", space: "answering", received_at: new Date(clock.now).toISOString() } });
    expect(await api("GET", "/health?space=nobody")).toMatchObject({ status: 404, body: { error: { code: "unknown_space", field: "space" } } });
    expect(await api("GET", `/health?space=${"x".repeat(3000)}`)).toMatchObject({ status: 400, body: { error: { field: "space" } } });
    expect(await api("POST", "/v1/pingback/answering")).toMatchObject({ status: 200, body: { status: "alive", space: "answering" } });
    expect(await api("POST", "/v1/pingback/nobody")).toMatchObject({ status: 404 });
  });

  it("a Space that answers but never pings back is degraded after two intervals, with the reason; one that pings back stays up", async () => {
    await env.SPACES.put(
      "spaces",
      JSON.stringify([
        { id: "throttled", url: `${BASE}/ok/throttled`, interval_s: 60, expect_pingback: true, down_after: 1 },
        { id: "alive", url: `${BASE}/ok/alive`, interval_s: 60, expect_pingback: true, down_after: 1 },
        { id: "not-asked", url: `${BASE}/ok/not-asked`, interval_s: 60 },
      ]),
    );
    await cronTick(at(), settings); // checks begin: everyone answers, nobody is late yet
    expect((await space("throttled")).state).toBe("up");
    for (let i = 0; i < 3; i++) {
      const before = await rows();
      // Many ping-backs between ticks write nothing until the tick's record.
      for (let k = 0; k < 20; k++) expect((await api("GET", "/health?space=alive")).status).toBe(200);
      expect(await rows()).toBe(before);
      await cronTick(at(), settings);
    }
    const throttled = await space("throttled");
    expect(throttled).toMatchObject({ state: "degraded", pingback: { expected: true, last_at: null } });
    expect(throttled.last_error.message).toMatch(/^the app is not running code: no ping-back in the 3 min since checks began \(expected within 2 min\)$/);
    expect(throttled.last_check.outcome).toBe("degraded");
    expect(await space("alive")).toMatchObject({ state: "up", pingback: { expected: true, last_at: new Date(clock.now - 60_000).toISOString() } });
    expect(await space("not-asked")).toMatchObject({ state: "up", pingback: { expected: false, last_at: null } });

    // The app comes back to life: one ping-back and the next check is up again.
    await api("POST", "/v1/pingback/throttled");
    await cronTick(at(), settings);
    expect(await space("throttled")).toMatchObject({ state: "up" });
  });

  it("a ping-back survives the store's restart once a tick has written it", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    await env.SPACES.put("spaces", JSON.stringify([{ id: "kept", url: `${BASE}/ok/kept`, interval_s: 60, expect_pingback: true }]));
    await cronTick(at(), settings); // the store learns the list at a tick
    expect((await api("GET", "/health?space=kept")).status).toBe(200);
    const sent = clock.now;
    await cronTick(at(), settings);
    await evictDurableObject(spaceStore(env));
    expect((await space("kept")).pingback.last_at).toBe(new Date(sent).toISOString());
  });
});
