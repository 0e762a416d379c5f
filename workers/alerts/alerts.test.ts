// Alerts end to end inside workerd: Space ticks against real loopback Spaces and pool
// heartbeats feed the Alerter, whose alarm delivers to real loopback webhook receivers
// (test/space-servers.ts). Anti-flap, one alert per incident, reminders, the storm guard,
// retries, the pinger watch and the admin API's secrecy.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, advance, api, createPool, cronTick, freezeClock, poolHeartbeat, runAlarm } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { alerter } from "../objects.js";

const BASE = inject("spacesBase");
const HOST = new URL(BASE).host;
const settings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, PING_RETRIES: 0 };

// Starts at the real time, so an alarm the runtime runs on its own between tests (on the real
// clock) never sees ticks from the "future" as overdue.
let clock = Math.floor(Date.now() / 60_000) * 60_000;
function at(seconds = 60): number {
  clock += seconds * 1000;
  freezeClock(new Date(clock).toISOString());
  return clock;
}
afterEach(() => void vi.useRealTimers());

const runAlerts = () => runDurableObjectAlarm(alerter(env));
const received = async (hook: string) => (await (await fetch(`${BASE}/_hook/${hook}`)).json()) as { body: any; headers: Record<string, string> }[];
const failNext = (hook: string, n: number, status: number) => fetch(`${BASE}/_hook/${hook}/${n}/${status}`, { method: "PUT" });
const setSwitch = (key: string, status: number) => fetch(`${BASE}/_switch/${key}/${status}`, { method: "PUT" });

async function configure(config: Record<string, unknown>): Promise<void> {
  const res = await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, ...config } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}
const webhook = (hook: string, extra: Record<string, unknown> = {}) => ({ type: "webhook", url: `${BASE}/hook/${hook}`, ...extra });

/** One tick at the next minute, then the Alerter's alarm (as the runtime would run it). */
async function tickAndAlert(): Promise<void> {
  await cronTick(at(), settings);
  await runAlerts();
}

// The Alerter is one object for the file: each test starts with no Spaces and no targets,
// so what the last test left open is closed where no receiver hears it.
beforeEach(async () => {
  at(0);
  await configure({ targets: [] });
  await env.SPACES.put("spaces", "[]");
  await tickAndAlert();
});

describe("Space alerts", () => {
  it("sends exactly one alert when a Space goes down (after down_after failures) and one when it is back", async () => {
    await configure({ targets: [webhook("one")] });
    await env.SPACES.put("spaces", JSON.stringify([{ url: `${BASE}/switch/one`, name: "demo", interval_s: 60, down_after: 2 }]));
    await tickAndAlert(); // first check: up
    await setSwitch("one", 500);
    await cronTick(at(), settings); // one failure: still up
    expect(await received("one")).toEqual([]); // and the tick itself never sends anything
    await runAlerts();
    expect(await received("one")).toEqual([]);
    await tickAndAlert(); // second failure: down
    await tickAndAlert(); // still down: nothing new
    await tickAndAlert();
    const down = await received("one");
    expect(down).toHaveLength(1);
    expect(down[0]!.body).toMatchObject({ source: "edge-pulse", event: "opened", subject: "space", title: `Space "demo" on ${HOST} is down`, detail: "unexpected status 500" });

    await setSwitch("one", 200);
    await tickAndAlert();
    const all = await received("one");
    expect(all.map((m) => m.body.event)).toEqual(["opened", "resolved"]);
    expect(all[1]!.body).toMatchObject({ title: `Space "demo" on ${HOST} is up`, duration_s: 180 });
  });

  it("never alerts on a Space that fails one check at a time (anti-flap)", async () => {
    await configure({ targets: [webhook("flap")] });
    await env.SPACES.put("spaces", JSON.stringify([{ url: `${BASE}/switch/flap`, interval_s: 60 }]));
    await tickAndAlert();
    for (let i = 0; i < 4; i++) {
      await setSwitch("flap", i % 2 === 0 ? 503 : 200);
      await tickAndAlert();
    }
    expect(await received("flap")).toEqual([]);
    const spaces = (await api("GET", "/v1/spaces")).body.spaces;
    expect(spaces[0].state).toBe("up");
  });

  it("turns many changes at once into one summary (storm guard), per target", async () => {
    await configure({ targets: [webhook("storm"), { type: "slack", url: `${BASE}/hook/storm-slack` }], storm_threshold: 5 });
    const list = Array.from({ length: 8 }, (_, i) => ({ url: `${BASE}/switch/storm-${i}`, interval_s: 60, down_after: 1 }));
    await env.SPACES.put("spaces", JSON.stringify(list));
    await tickAndAlert();
    for (let i = 0; i < 8; i++) await setSwitch(`storm-${i}`, 502);
    await tickAndAlert();
    const [summary, ...rest] = await received("storm");
    expect(rest).toEqual([]);
    expect(summary!.body).toMatchObject({ event: "summary", subject: "many", count: 8, title: "8 alerts at once: 8 new" });
    expect(summary!.body.items).toHaveLength(8);
    const slack = await received("storm-slack");
    expect(slack).toHaveLength(1);
    expect(slack[0]!.body.text).toMatch(/^⚠️ 8 alerts at once: 8 new\n• Space "127\.0\.0\.1:\d+\/switch\/storm-0" on 127\.0\.0\.1:\d+ is down/);
  });

  it("reminds about an open incident at the set interval, and only then", async () => {
    await configure({ targets: [webhook("remind")], remind_every_s: 600 });
    await env.SPACES.put("spaces", JSON.stringify([{ url: `${BASE}/status/500/remind`, name: "stuck", interval_s: 60 }]));
    await tickAndAlert(); // a new Space's first check sets its state at once
    await tickAndAlert();
    expect((await received("remind")).map((m) => m.body.event)).toEqual(["opened"]);
    for (let i = 0; i < 9; i++) await tickAndAlert(); // 10 minutes after the alert
    const all = await received("remind");
    expect(all.map((m) => m.body.event)).toEqual(["opened", "reminder"]);
    expect(all[1]!.body).toMatchObject({ title: `Still: Space "stuck" on ${HOST} is down`, duration_s: 600 });
  });
});

describe("delivery", () => {
  it("retries a failing webhook with backoff, keeps order, and drops what a target refuses", async () => {
    await configure({ targets: [{ type: "discord", url: `${BASE}/hook/discord`, name: "ops discord" }, webhook("gone")] });
    await failNext("discord", 2, 503);
    await failNext("gone", 1, 404);
    await env.SPACES.put("spaces", JSON.stringify([{ url: `${BASE}/switch/retry`, name: "retry me", interval_s: 60 }]));
    await tickAndAlert();
    await setSwitch("retry", 500);
    await tickAndAlert(); // the first failure: still up
    await tickAndAlert(); // the second: down; "opened" fails (attempt 1)
    await setSwitch("retry", 200);
    await tickAndAlert(); // "resolved" queued behind the failing "opened", which fails again (attempt 2)
    expect(await received("discord")).toEqual([]);
    advance(60); // past any backoff (5-10 s, then 10-20 s): attempt 3 and "resolved" succeed
    await runAlerts();
    advance(60);
    await runAlerts();
    const got = await received("discord");
    expect(got.map((m) => m.body.content.split("\n")[0])).toEqual([`🔴 Space "retry me" on ${HOST} is down`, `🟢 Space "retry me" on ${HOST} is up (after 60 s)`]);
    expect(got[0]!.body).toMatchObject({ username: "edge-pulse", allowed_mentions: { parse: [] } });
    const status = (await api("GET", "/v1/admin/alerts", { token: ADMIN })).body;
    expect(status.sent.find((s: any) => s.target === "ops discord" && s.event === "opened")).toMatchObject({ outcome: "sent", attempts: 3 });
    expect(status.sent.find((s: any) => s.target === "webhook-1" && s.event === "opened")).toMatchObject({ outcome: "dropped: answered 404", attempts: 1 });
    expect(await received("gone")).toHaveLength(1); // the "resolved" one, after the refused one was dropped
    expect(status.outbox.waiting).toBe(0);
  });

  it("signs generic webhook bodies when a secret is set", async () => {
    const secret = "a-very-secret-signing-key";
    await configure({ targets: [webhook("signed", { secret, headers: { "x-team": "gpu" } })] });
    expect((await api("POST", "/v1/admin/alerts/test", { token: ADMIN })).body).toEqual({ queued: 1 });
    await runAlerts();
    const [m] = await received("signed");
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(JSON.stringify(m!.body))));
    expect(m!.headers["x-edge-pulse-signature"]).toBe(`sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
    expect(m!.headers["x-team"]).toBe("gpu");
    expect(m!.body).toMatchObject({ event: "test" });
  });
});

describe("pool alerts", () => {
  it("says a host was lost once, folding its workers in, and when its worker is evicted", async () => {
    await configure({ targets: [webhook("pool")] });
    freezeClock(new Date(at()).toISOString());
    const token = await createPool("alert-pool", { evict_after_s: 120, mass_stale_min_senders: 100 });
    expect((await api("POST", "/v2/pools/alert-pool/heartbeat", { token, json: poolHeartbeat("alert-pool", "box-1", ["w1", "w2"]) })).status).toBe(200);
    expect((await api("POST", "/v1/heartbeat", { token, json: { worker_id: "solo", timestamp: new Date().toISOString(), health_status: "healthy" } })).status).toBe(200);
    advance(45);
    await runAlarm("alert-pool"); // the host (and its two workers) go stale
    await runAlerts();
    advance(45);
    await runAlarm("alert-pool"); // the solo worker: 90 s
    await runAlerts();
    advance(120);
    await runAlarm("alert-pool"); // evictions
    await runAlerts();
    const got = (await received("pool")).map((m) => m.body);
    expect(got.map((b) => [b.event, b.title])).toEqual([
      ["opened", 'Host "box-1" in pool "alert-pool" lost'],
      ["opened", 'Worker "solo" in pool "alert-pool" is stale'],
      ["resolved", 'Host "box-1" in pool "alert-pool" was evicted'],
      ["resolved", 'Worker "solo" in pool "alert-pool" was evicted'],
    ]);
    expect(got[0].detail).toBe("no heartbeat for 45 s; 2 workers went stale with it");
  });
});

describe("pool recovery", () => {
  it("says a stale worker is back when its heartbeat returns (handed over after the heartbeat's answer)", async () => {
    await configure({ targets: [webhook("back")] });
    freezeClock(new Date(at()).toISOString());
    const token = await createPool("back-pool", { mass_stale_min_senders: 100 });
    const beat = () => api("POST", "/v1/heartbeat", { token, json: { worker_id: "w-back", timestamp: new Date().toISOString(), health_status: "healthy" } });
    expect((await beat()).status).toBe(200);
    advance(90);
    await runAlarm("back-pool");
    await runAlerts();
    advance(30);
    expect((await beat()).status).toBe(200);
    // The registry forwards the recovery without holding the heartbeat's answer: wait for it.
    for (let i = 0; i < 50 && (await received("back")).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await runAlerts();
    }
    expect((await received("back")).map((m) => [m.body.event, m.body.title, m.body.duration_s])).toEqual([
      ["opened", 'Worker "w-back" in pool "back-pool" is stale', null],
      ["resolved", 'Worker "w-back" in pool "back-pool" is back', 30],
    ]);
  });
});

describe("pool deletion", () => {
  it("closes the pool's open incidents", async () => {
    await configure({ targets: [webhook("deleted")] });
    freezeClock(new Date(at()).toISOString());
    const token = await createPool("gone-pool", { mass_stale_min_senders: 100 });
    expect((await api("POST", "/v1/heartbeat", { token, json: { worker_id: "w-gone", timestamp: new Date().toISOString(), health_status: "healthy" } })).status).toBe(200);
    advance(90);
    await runAlarm("gone-pool");
    await runAlerts();
    expect((await api("DELETE", "/v1/admin/pools/gone-pool", { token: ADMIN })).status).toBe(200);
    await runAlerts();
    expect((await received("deleted")).map((m) => m.body.title)).toEqual([
      'Worker "w-gone" in pool "gone-pool" is stale',
      'Pool "gone-pool" was deleted; closed: Worker "w-gone" in pool "gone-pool" is stale',
    ]);
    expect((await api("GET", "/v1/admin/alerts", { token: ADMIN })).body.open).toEqual([]);
  });
});

describe("the pinger watch", () => {
  it("says when no tick has finished for pinger_overdue_s, and when ticks are back", async () => {
    await configure({ targets: [webhook("watch")], pinger_overdue_s: 300 });
    await env.SPACES.put("spaces", "[]");
    await tickAndAlert();
    at(240);
    await runAlerts();
    expect(await received("watch")).toEqual([]);
    at(120);
    await runAlerts();
    expect((await received("watch")).map((m) => m.body.title)).toEqual(["The pinger has stopped"]);
    await tickAndAlert();
    const got = await received("watch");
    expect(got.map((m) => m.body.title)).toEqual(["The pinger has stopped", "The pinger is running again"]);
  });
});

describe("how often the pinger tells the Alerter", () => {
  it("a quiet tick tells only every tell_every_ms (180 s with pinger_overdue_s 300), and each tell moves the watch on", async () => {
    await configure({ targets: [webhook("quiet")], pinger_overdue_s: 300 });
    const alarmAt = async () => (await api("GET", "/v1/admin/alerts", { token: ADMIN })).body.alarm_at as number;
    at(600); // long enough since the last tell that the next tick tells
    const t0 = at();
    await cronTick(t0, settings);
    expect(await alarmAt()).toBe(t0 + 301_000);
    for (const s of [60, 120]) {
      await cronTick(at(), settings);
      expect(await alarmAt(), `${s} s after the tell`).toBe(t0 + 301_000);
    }
    const t3 = at();
    await cronTick(t3, settings);
    expect(await alarmAt()).toBe(t3 + 301_000);
    await runAlerts(); // not due: nothing said, nothing moved
    expect(await received("quiet")).toEqual([]);
    expect(await alarmAt()).toBe(t3 + 301_000);

    // A tell that never arrived: the Alerter asks the store before it calls the pinger stopped.
    const told = (v?: number) =>
      runInDurableObject(alerter(env), (_o: unknown, state: DurableObjectState) => {
        if (v !== undefined) state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'last_tick_at'", JSON.stringify(v));
        return JSON.parse(state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'last_tick_at'").one().value) as number;
      });
    await told(t3 - 400_000);
    await runAlerts();
    expect(await received("quiet")).toEqual([]);
    expect(await told()).toBe(t3);
  });
});

describe("PUT /v1/admin/alerts", () => {
  it("refuses bad settings naming the field and keeps the stored ones; never shows a URL or secret", async () => {
    await configure({ targets: [webhook("private-path-123", { secret: "shh-this-is-a-secret", name: "ops" })] });
    const bad = await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { targets: [{ type: "discord", url: "not a url" }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_alerts", field: "targets.0.url" });
    expect((await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { remind_every_s: -1 } })).body.error.field).toBe("remind_every_s");
    expect((await api("GET", "/v1/admin/alerts")).status).toBe(401);
    const status = await api("GET", "/v1/admin/alerts", { token: ADMIN });
    expect(status.body.config.targets).toEqual([{ index: 0, type: "webhook", name: "ops", host: new URL(BASE).host, subjects: "all" }]);
    const text = JSON.stringify(status.body);
    expect(text).not.toContain("private-path-123");
    expect(text).not.toContain("shh-this-is-a-secret");
  });
});
