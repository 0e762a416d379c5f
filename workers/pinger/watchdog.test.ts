// A stalled cron, in workerd: cron ticks keep the SpaceStore's watch alarm ahead (written
// every other tick); with the cron silent, the alarm's handler (run here with the settings
// a deployment would have: the test project turns the watch off in its vars, or it would
// fire on the real clock between tests) checks the Spaces itself every interval, alerts
// "cron late" once, and hands back to the cron when it returns. The same path runs on its
// own under wrangler dev in test/e2e/stalled-cron.test.mjs.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, cronTick, freezeClock } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS, type PingerSettings } from "./settings.js";
import type { SpaceStore } from "./space-store.js";
import { judgeWatch, slackMs, watchAfterTick } from "./watchdog.js";
import { alerter, spaceStore } from "../objects.js";

const BASE = inject("spacesBase");
const settings: PingerSettings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, CRON_LATE_S: 120 };
let clock = Math.floor(Date.now() / 60_000) * 60_000;
function set(ms: number): number {
  clock = ms;
  freezeClock(new Date(clock).toISOString());
  return clock;
}
afterEach(() => void vi.useRealTimers());

const store = () => spaceStore(env);
const alarmAt = async () => (await store().health()).watch_alarm_at;
const watchTick = () => runInDurableObject(store(), (s: SpaceStore) => s.watchTick(settings));
const hits = async (path: string) => Number(await (await fetch(`${BASE}/hits${path}`)).text());

describe("the watch's arithmetic", () => {
  it("moves the alarm every other tick while the cron ticks, and waits for `late` before stepping in", () => {
    const late = 120_000;
    const s = slackMs(late);
    expect(s).toBe(30_000);
    expect(watchAfterTick(null, 0, late)).toBe(late + s);
    expect(watchAfterTick(late + s, 60_000, late)).toBeNull(); // still far enough ahead
    expect(watchAfterTick(late + s, 120_000, late)).toBe(120_000 + late + s);
    expect(judgeWatch(100_000, 0, 60_000, late)).toEqual({ run: false, at: late + s });
    expect(judgeWatch(150_000, 0, 60_000, late)).toEqual({ run: true, tickMs: 120_000, at: 180_000 + s });
    // Driving: every interval.
    expect(judgeWatch(200_000, 120_000, 60_000, late, true)).toEqual({ run: true, tickMs: 180_000, at: 240_000 + s });
    expect(judgeWatch(150_000, 120_000, 60_000, late, true)).toEqual({ run: false, at: 180_000 + s });
    expect(judgeWatch(5_000, null, 60_000, late)).toMatchObject({ run: true });
  });
});

describe("a stalled cron", () => {
  it("does not stop the checks: the alarm ticks every interval, says 'cron late' once, and hands back when the cron returns", async () => {
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/cron` }] } });
    await env.SPACES.put("spaces", JSON.stringify([{ id: "kept-awake", url: `${BASE}/ok/kept-awake`, interval_s: 60 }]));
    const t0 = set(clock + 60_000);
    await cronTick(t0, settings);
    expect(await alarmAt()).toBe(new Date(t0 + 150_000).toISOString());
    await cronTick(set(t0 + 60_000), settings);
    expect(await alarmAt()).toBe(new Date(t0 + 150_000).toISOString()); // not written again
    expect(await hits("/ok/kept-awake")).toBe(2);

    // The cron stops. Before `late` has passed the alarm only looks again.
    set(t0 + 150_000);
    await watchTick();
    expect(await hits("/ok/kept-awake")).toBe(2);
    expect(await alarmAt()).toBe(new Date(t0 + 60_000 + 150_000).toISOString());

    set(t0 + 210_000);
    await watchTick(); // two intervals without a tick: the alarm runs it
    expect(await hits("/ok/kept-awake")).toBe(3);
    const health = (await api("GET", "/v1/pinger/health")).body;
    expect(health).toMatchObject({ status: "cron_late", last_tick: { source: "alarm", at: new Date(t0 + 180_000).toISOString() }, cron: { late_since: new Date(t0 + 180_000).toISOString() } });
    expect(await alarmAt()).toBe(new Date(t0 + 240_000 + 30_000).toISOString());
    await runDurableObjectAlarm(alerter(env));

    for (const m of [270_000, 330_000, 390_000]) {
      set(t0 + m);
      await watchTick(); // every interval while the cron is silent
      await runDurableObjectAlarm(alerter(env));
    }
    expect(await hits("/ok/kept-awake")).toBe(6);

    // The cron comes back: its tick takes over and moves the watch on.
    const back = set(t0 + 420_000);
    await cronTick(back, settings);
    await runDurableObjectAlarm(alerter(env));
    expect(await hits("/ok/kept-awake")).toBe(7);
    expect((await api("GET", "/v1/pinger/health")).body).toMatchObject({ status: "ok", cron: { late_since: null } });
    expect(await alarmAt()).toBe(new Date(back + 150_000).toISOString());
    const said = ((await (await fetch(`${BASE}/_hook/cron`)).json()) as { body: any }[]).map((m) => [m.body.event, m.body.title]);
    expect(said).toEqual([
      ["opened", "The Cron Trigger is late: the pinger's own alarm is running the checks"],
      ["resolved", "The Cron Trigger is back"],
    ]);
  });

  it("is off with CRON_LATE_S=0: a cron tick does not move the watch", async () => {
    await env.SPACES.put("spaces", JSON.stringify([{ id: "no-watch", url: `${BASE}/ok/no-watch`, interval_s: 60 }]));
    const before = await alarmAt();
    await cronTick(set(clock + 60_000), { ...settings, CRON_LATE_S: 0 });
    expect(await alarmAt()).toBe(before); // with the watch on, this tick would have set it 150 s on
    expect(await hits("/ok/no-watch")).toBe(1);
  });
});
