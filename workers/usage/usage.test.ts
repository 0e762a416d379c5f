// The usage meter end to end inside workerd: cron ticks through the SpaceStore and real shards
// against loopback Spaces, counted where they are spent and read back from GET /v1/usage,
// checked against the store's own SQLite count; then a forecast pushed past 95% slows only
// non-critical Spaces, says so in GET /v1/spaces and on the page, and raises the alerts.
import { env } from "cloudflare:workers";
import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, freezeClock } from "../../test/helpers.js";
import worker from "../index.js";
import { dayOf, type UsageDelta } from "./tally.js";
import { alerter, spaceStore } from "../objects.js";

const BASE = inject("spacesBase");
let clock = Date.parse("2026-11-22T10:00:00Z");
function at(minutes = 1): number {
  clock += minutes * 60_000;
  freezeClock(new Date(clock).toISOString());
  return clock;
}
const cron = (t: number) => worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: t }), { ...env, PING_BACKOFF_MS: "20" } as Env);
const hits = async (path: string) => Number(await (await fetch(`${BASE}/hits${path}`)).text());
const part = (q: any, what: string) => q.by.find((p: any) => p.what === what)?.used ?? 0;
const quota = (body: any, name: string) => body.quotas.find((q: any) => q.quota === name);

afterEach(() => void vi.useRealTimers());

describe("the usage meter", () => {
  it("counts each tick where it is spent and answers GET /v1/usage (admin only), rows matching the store's own count", async () => {
    // Stored through the admin API (on the test's clock): the Worker's own KV write is counted too.
    const t1 = at();
    const put = await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: [{ url: `${BASE}/ok/usage-a`, interval_s: 60 }, { url: `${BASE}/ok/usage-b`, interval_s: 60, critical: true }] });
    expect(put.status).toBe(200);
    await cron(t1);
    await cron(at());
    expect((await api("GET", "/v1/usage")).status).toBe(401);
    const res = await api("GET", "/v1/usage", { token: ADMIN });
    expect(res.status).toBe(200);
    const u = res.body;
    expect(u).toMatchObject({ plan: "free", day: "2026-11-22", governor: { stretch: 1 } });
    const dor = quota(u, "do_requests");
    expect(dor.limit).toBe(100_000);
    // One request to the store a tick (plan and record run inside it), one shard each.
    expect(part(dor, "SpaceStore.tick")).toBe(2);
    expect(part(dor, "PingShard.rpc")).toBe(2);
    expect(part(dor, "Alerter.tick")).toBeLessThanOrEqual(2); // its counts ride back in its answer to the tick
    expect(part(quota(u, "worker_requests"), "cron")).toBe(2);
    expect(part(quota(u, "worker_requests"), "api")).toBe(2); // both GET /v1/usage, the refused one too
    expect(part(quota(u, "kv_reads"), "spaces")).toBe(2);
    expect(part(quota(u, "kv_writes"), "worker")).toBe(1);
    expect(part(quota(u, "worker_requests"), "admin")).toBe(1);
    expect(u.subrequests.by).toEqual([{ what: "ping", used: 4, forecast: expect.any(Number) }]);
    expect(quota(u, "do_duration_gbs").used).toBeGreaterThanOrEqual(0);
    // The store's own count of SQLite's rowsWritten (its health() reports it).
    const pinger = spaceStore(env) as unknown as { health(): Promise<{ rows_written: number }> };
    const rows = (await pinger.health()).rows_written;
    expect(part(quota(u, "rows_written"), "SpaceStore")).toBe(rows);
    expect(rows).toBeGreaterThan(0);
    expect(u.not_seen.length).toBeGreaterThan(3);
  });

  it("a forecast past 95% slows only non-critical Spaces, says so, and alerts at 80% and 95%", async () => {
    // Typed by hand: the stub's generated RPC type is too deep for tsc here.
    const store = spaceStore(env) as unknown as { usage(d: UsageDelta): Promise<void> };
    // As if the shards had spent 150,000 requests by 10:00: on course for 360,000 today.
    const t = at();
    await store.usage({ [dayOf(t)]: { "do_requests|PingShard.rpc": 150_000 } });
    await cron(t);
    const body = (await api("GET", "/v1/spaces")).body;
    expect(body.governor.stretch).toBe(144);
    expect(body.governor.reason).toMatch(/^Durable Object requests forecast \d+% of the free plan's 100,000 a day: non-critical Spaces are checked 144x less often/);
    const by = (name: string) => body.spaces.find((s: any) => s.url === `${BASE}/ok/${name}`);
    expect(by("usage-a")).toMatchObject({ interval_s: 60, checked_every_s: 8_640 }); // 60 s x 144, under 12 h
    expect(by("usage-b")).toMatchObject({ interval_s: 60, checked_every_s: 60, critical: true });
    const before = [await hits("/ok/usage-a"), await hits("/ok/usage-b")];
    for (let i = 0; i < 3; i++) await cron(at());
    expect((await hits("/ok/usage-b")) - before[1]!).toBe(3);
    expect((await hits("/ok/usage-a")) - before[0]!).toBeLessThanOrEqual(1);
    const page = await (await worker.fetch(new Request("http://edge.test/"), env, { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext)).text();
    expect(page).toContain("Checks slowed:");
    expect(page).toMatch(/Durable Object requests \d+% → \d+%/);
    // Both forecast alerts went to the Alerter with the tick: still pending, or opened by its alarm.
    const signals = await runInDurableObject(alerter(env), (_o: unknown, s: DurableObjectState) => [
      ...s.storage.sql.exec<{ signal: string }>("SELECT signal FROM pending").toArray().map((r) => JSON.parse(r.signal) as { key: string; detail: string }),
      ...s.storage.sql.exec<{ key: string; detail: string }>("SELECT key, detail FROM incidents").toArray(),
    ]);
    const usage = signals.filter((x) => x.key.startsWith("usage:"));
    expect(usage.map((x) => x.key).sort()).toEqual(["usage:do_requests:80", "usage:do_requests:95"]);
    expect(usage[0]!.detail).toContain("Most from: PingShard.rpc");
    expect(usage[0]!.detail).toContain("To change: longer Space intervals");
    const metrics = await (await worker.fetch(new Request("http://edge.test/metrics"), env, { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext)).text();
    expect(metrics).toContain("edge_pulse_governor_stretch 144");
    expect(metrics).toMatch(/edge_pulse_usage_limit\{quota="do_requests",plan="free"\} 100000/);
  });
});
