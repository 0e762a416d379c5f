// The pinger end to end inside workerd: the Space list in KV, ticks planned by the
// SpaceStore, shards run by PingShard objects against real loopback servers (Spaces and a
// stand-in HF API, test/space-servers.ts), and what GET /v1/spaces and the watchdog say.
// Ticks use a pinned Date shared with the Durable Objects; each test moves it forward.
import { env } from "cloudflare:workers";
import { createScheduledController, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { api, cronTick, freezeClock } from "../../test/helpers.js";
import worker from "../index.js";
import { DEFAULT_PINGER_SETTINGS, type PingerSettings } from "./settings.js";
import { pingShard, spaceStore } from "../objects.js";

const BASE = inject("spacesBase");
const REFUSED = inject("refusedBase");
const settings: PingerSettings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 20, HF_API_BASE: `${BASE}/hf` };

/** Ticks move forward across the file: the store hands out each window once. */
let clock = Date.parse("2026-11-22T10:00:00Z");
function at(minutesLater = 1): number {
  clock += minutesLater * 60_000;
  freezeClock(new Date(clock).toISOString());
  return clock;
}

async function setSpaces(list: unknown): Promise<void> {
  await env.SPACES.put("spaces", typeof list === "string" ? list : JSON.stringify(list));
}
const tick = (time: number, s: Partial<PingerSettings> = {}) => cronTick(time, { ...settings, ...s });
const spaces = async () => (await api("GET", "/v1/spaces")).body;
const byId = (body: any, url: string) => body.spaces.find((s: any) => s.url === url);
const hits = async (path: string) => Number(await (await fetch(`${BASE}/hits${path}`)).text());
const runsOf = async (tickTime: number) => (await (await fetch(`${BASE}/_runs/${encodeURIComponent(new Date(tickTime).toISOString())}`)).json()) as Record<string, { requests: number; max: number }>;

afterEach(() => void vi.useRealTimers());

describe("a tick", () => {
  it("checks every valid Space, reports a typo by index and value, and keeps going", async () => {
    const list = [
      `${BASE}/ok/first`,
      { url: `${BASE}/slow/200/second`, name: "slow one", interval_s: 60 },
      { url: `${BASE}/status/500/stopped`, tier: "hot" },
      { url: `${BASE}/waking/third/99`, tier: "warm" },
      "htp:/typo",
      { url: `${REFUSED}/nobody` },
    ];
    await setSpaces(list);
    const t = at();
    const out = await tick(t);
    expect(out?.summary).toMatchObject({ due: 5, checked: 5, up: 2, down: 2, waking: 1, skipped: 0, lost: 0, shards: 1 });
    const body = await spaces();
    expect(body.list).toMatchObject({ valid: 5, invalid: 1, error: null });
    expect(body.config_errors).toEqual([{ index: 4, value: "htp:/typo", issues: [{ field: "url", message: "must be an http(s) URL" }] }]);
    // Problems first (down, degraded, waking, unknown, then up), each in the list's order.
    expect(body.spaces.map((s: any) => [s.state, s.url])).toEqual([
      ["down", `${BASE}/status/500/stopped`],
      ["down", `${REFUSED}/nobody`],
      ["waking", `${BASE}/waking/third/99`],
      ["up", `${BASE}/ok/first`],
      ["up", `${BASE}/slow/200/second`],
    ]);
    expect(body.counts).toEqual({ down: 2, degraded: 0, waking: 1, unknown: 0, up: 2 });
    const slow = byId(body, `${BASE}/slow/200/second`);
    expect(slow).toMatchObject({ name: "slow one", interval_s: 60, state: "up", since: new Date(t).toISOString(), last_error: null });
    expect(slow.last_check).toMatchObject({ outcome: "up", status: 200 });
    expect(slow.last_check.latency_ms).toBeGreaterThanOrEqual(190);
    expect(slow.uptime).toEqual({ "24h": 1, "7d": 1, "30d": 1, "90d": 1 });
    const stopped = byId(body, `${BASE}/status/500/stopped`);
    expect(stopped).toMatchObject({ interval_s: 180, state: "down", uptime: { "24h": 0 }, last_error: { message: "unexpected status 500", status: 500 } });
    expect(await hits("/status/500/stopped")).toBe(3); // first attempt and two retries
    expect(byId(body, `${REFUSED}/nobody`).last_error.message).toMatch(/^network error/);
    expect(body.last_tick).toMatchObject({ at: new Date(t).toISOString(), due: 5, shards: 1 });
  });

  it("marks a Space down when it stops and up when it answers again, and says so in the logs", async () => {
    const url = `${BASE}/switch/flip`;
    await setSpaces([{ url, interval_s: 60, down_after: 1 }]);
    await tick(at());
    expect(byId(await spaces(), url).state).toBe("up");
    await fetch(`${BASE}/_switch/flip/502`, { method: "PUT" });
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
    const down = await tick(at());
    spy.mockRestore();
    expect(down?.transitions).toEqual([{ id: url, name: url.replace("http://", ""), host: new URL(url).host, from: "up", to: "down", at: clock, error: "unexpected status 502" }]);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual({ level: "warn", msg: "space state changed", space: url, from: "up", to: "down", error: "unexpected status 502" });
    expect(byId(await spaces(), url)).toMatchObject({ state: "down", since: new Date(clock).toISOString(), uptime: { "24h": 0.5 } });
    await fetch(`${BASE}/_switch/flip/200`, { method: "PUT" });
    await tick(at());
    const back = byId(await spaces(), url);
    expect(back).toMatchObject({ state: "up", since: new Date(clock).toISOString(), checks: { "24h": 3 } });
    expect(back.uptime["24h"]).toBeCloseTo(2 / 3, 4);
    expect(back.last_error.message).toBe("unexpected status 502"); // the last incident stays visible
  });

  it("never pings a Space twice for one slot when the same tick repeats or ticks overlap", async () => {
    const urls = Array.from({ length: 30 }, (_, i) => `${BASE}/ok/once-${i}`);
    await setSpaces(urls.map((url) => ({ url, interval_s: 60 })));
    const t = at();
    const [a, b] = await Promise.all([tick(t), tick(t)]);
    expect([a, b].filter((x) => x === null)).toHaveLength(1);
    expect(await tick(t)).toBeNull(); // a late retry of the same tick
    for (const i of [0, 17, 29]) expect(await hits(`/ok/once-${i}`)).toBe(1);
    // A tick that overlaps the last window only gets what came due after it.
    const half = t + 30_000;
    freezeClock(new Date(half).toISOString());
    const overlap = await tick(half);
    expect(overlap?.summary.due).toBeLessThan(30);
    const next = await tick(at());
    expect((overlap?.summary.due ?? 0) + (next?.summary.due ?? 0)).toBe(30);
    for (const i of [0, 17, 29]) expect(await hits(`/ok/once-${i}`)).toBe(2);
  });
});

describe("the per-invocation budget", () => {
  it("500 Spaces: no shard goes over 50 subrequests or 6 connections, each Space gets its first attempt, and failures get their retries in the retry pass", { timeout: 60_000 }, async () => {
    // 3 in 5 fail and want two retries each, more than a shard's 2 spare subrequests can pay for.
    const list = Array.from({ length: 500 }, (_, i) =>
      i % 5 === 0 ? `${BASE}/waking/many-${i}/99` : i % 5 === 1 ? `${BASE}/status/503/many-${i}` : i % 5 === 2 ? `${BASE}/status/500/many-${i}` : `${BASE}/slow/150/many-${i}`,
    );
    await setSpaces(list);
    // A new list comes in 100 entries a tick (list.ts), each Space checked as it arrives; the
    // Spaces of the list before it go once the new one is in (the last test's 30: due meanwhile).
    const ticks: { t: number; out: NonNullable<Awaited<ReturnType<typeof tick>>> }[] = [];
    for (let k = 0; k < 5; k++) {
      const t = at();
      const out = (await tick(t))!;
      expect(out.summary.due, `tick ${k}`).toBeGreaterThanOrEqual(100);
      expect(out.summary).toMatchObject({ skipped: 0, lost: 0, checked: out.summary.due });
      ticks.push({ t, out });
    }
    const runs: Awaited<ReturnType<typeof runsOf>> = {};
    for (const { t } of ticks) Object.assign(runs, await runsOf(t));
    const names = Object.keys(runs);
    // First pass: 48 Spaces a shard; retry pass: 16 a shard (a first attempt and two retries each).
    const retryRuns = names.filter((n) => n.includes("/retry-"));
    expect(names.length - retryRuns.length).toBe(ticks.reduce((n, { out }) => n + Math.ceil(out.summary.due / 48), 0));
    expect(retryRuns.length).toBeGreaterThan(0);
    expect(ticks.reduce((n, { out }) => n + out.summary.shards, 0)).toBe(names.length);
    for (const [run, r] of Object.entries(runs)) {
      expect(r.requests, run).toBeLessThanOrEqual(50);
      expect(r.max, run).toBeLessThanOrEqual(6);
    }
    // The server saw what the shards counted, and the budget was what stopped the first pass's retries.
    const seen = Object.values(runs).reduce((n, r) => n + r.requests, 0);
    expect(seen).toBe(ticks.reduce((n, { out }) => n + out.summary.subrequests, 0));
    expect(ticks[0]!.out.summary.max_subrequests_per_shard).toBe(50);
    // Every Space had its first attempt; a failing one its two retries too, across the passes.
    for (const i of [3, 8, 499 - 1]) expect(await hits(new URL(list[i]!).pathname)).toBeGreaterThanOrEqual(1);
    for (const i of [1, 2, 6, 7, 496, 497]) expect(await hits(new URL(list[i]!).pathname)).toBeGreaterThanOrEqual(3);
  });

  it("a shard of 20 slow Spaces keeps exactly 6 connections open, never more", async () => {
    await setSpaces(Array.from({ length: 20 }, (_, i) => `${BASE}/slow/150/six-${i}`));
    const t = at();
    const out = await tick(t);
    expect(out?.summary).toMatchObject({ shards: 1, up: 20, subrequests: 20, max_in_flight: 6 });
    const runs = Object.values(await runsOf(t));
    expect(runs).toEqual([{ requests: 20, open: 0, max: 6 }]);
  });
});

describe("the Space list", () => {
  it("keeps the last good list when the stored one cannot be read, and says why", async () => {
    const url = `${BASE}/ok/kept`;
    await setSpaces([{ url, interval_s: 60 }]);
    await tick(at());
    await setSpaces("[{ this is not json");
    const out = await tick(at());
    expect(out?.summary.checked).toBe(1);
    let body = await spaces();
    expect(body.list).toMatchObject({ valid: 1, error: "the stored list is not valid JSON; the last good list stays in force" });
    expect(body.spaces.map((s: any) => s.url)).toEqual([url]);
    await setSpaces({ url });
    await tick(at());
    body = await spaces();
    expect(body.list.error).toBe("the Space list must be a JSON array; the last good list stays in force");
    expect(await hits("/ok/kept")).toBe(3);
  });

  it("never shows header values from the list, even in a bad entry", async () => {
    await setSpaces([{ url: `${BASE}/ok/private`, headers: { authorization: "Bearer hf_secret_value" } }, { url: "nope", headers: { authorization: "Bearer hf_other_secret" } }]);
    await tick(at());
    const text = JSON.stringify(await spaces());
    expect(text).not.toContain("hf_secret_value");
    expect(text).not.toContain("hf_other_secret");
    expect((await spaces()).config_errors[0].value.headers).toEqual({ authorization: "[redacted]" });
  });
});

describe("restarts", () => {
  it("a shard object reset mid-run loses only its unfinished checks; nothing is pinged twice for that slot", { timeout: 30_000 }, async () => {
    const hang = `${BASE}/hang/reset-me`;
    await setSpaces([{ url: `${BASE}/ok/beside-hang`, interval_s: 60 }, { url: hang, interval_s: 60, timeout_s: 5 }]);
    const t = at();
    const running = tick(t);
    await new Promise((r) => setTimeout(r, 500));
    // What a code update or a crash does: the object is reset, its in-flight calls fail.
    await runInDurableObject(pingShard(env, "0"), (_, state) => state.abort("reset for the test")).catch(() => {});
    const out = await running;
    expect(out?.summary).toMatchObject({ due: 2, lost: 2, checked: 0 });
    expect(await tick(t)).toBeNull();
    expect(await hits("/hang/reset-me")).toBe(1);
    // The store kept its window and state; the next slot checks both again.
    await evictDurableObject(spaceStore(env));
    const next = await tick(at(), { PING_RETRIES: 0 });
    expect(next?.summary).toMatchObject({ due: 2, checked: 2, up: 1, down: 1 });
    expect(await hits("/ok/beside-hang")).toBe(2);
  });
});

describe("history", () => {
  it("rolls hours up into days, keeps 90 days, and answers uptime over 24 h, 7 d, 30 d and 90 d", async () => {
    const url = `${BASE}/switch/history`;
    await setSpaces([{ url, interval_s: 60 }]);
    clock = Date.parse("2027-01-01T22:57:00Z");
    await tick(at()); // 22:58 up
    await tick(at()); // 22:59 up
    await fetch(`${BASE}/_switch/history/500`, { method: "PUT" });
    await tick(at(), { PING_RETRIES: 0 }); // 23:00 down: 22:xx is rolled up now
    await fetch(`${BASE}/_switch/history/200`, { method: "PUT" });
    await tick(at()); // 23:01 up
    let s = byId(await spaces(), url);
    expect(s.checks).toEqual({ "24h": 4, "7d": 4, "30d": 4, "90d": 4 });
    expect(s.uptime["24h"]).toBe(0.75);
    // The figures say what they rest on: checks since 1 January (rolled up and not yet).
    expect(s.monitoring_since).toBe("2027-01-01");
    // Ten days later the last day of history is outside 7 d, inside 30 d and 90 d.
    clock += 10 * 86_400_000;
    await tick(at());
    s = byId(await spaces(), url);
    expect(s.checks).toEqual({ "24h": 1, "7d": 1, "30d": 5, "90d": 5 });
    expect(s.uptime["30d"]).toBe(0.8);
    // 95 days on, the old days are gone.
    clock += 95 * 86_400_000;
    const first = at();
    const firstKept = new Date(first).toISOString().slice(0, 10);
    await tick(first);
    await tick(at(60)); // an hour later, past midnight: the previous hour closes
    // One kind of work a tick: the recent block, the day's roll-up, then old days dropped.
    for (let i = 0; i < 4; i++) await tick(at());
    s = byId(await spaces(), url);
    expect(s.checks["90d"]).toBe(6);
    expect(s.uptime["90d"]).toBe(1);
    // The oldest check kept is the first since the gap: "since" moves with what is kept.
    expect(s.monitoring_since).toBe(firstKept);
  });

  it("leaves the history's upkeep to a request of its own, which the Cron entry makes only when the tick says one waits", async () => {
    await setSpaces([{ url: `${BASE}/ok/upkeep`, interval_s: 60 }]);
    await tick(at());
    const store = spaceStore(env);
    // What the earlier tests' days left (a 95-day jump), a step a request.
    for (let i = 0; i < 50 && (await store.maintain()).more; i++);
    // The hour's last minute: nothing ended, no upkeep; its first minute after: the hour ended.
    const hourEnd = Math.ceil((clock + 60_000) / 3_600_000) * 3_600_000;
    clock = hourEnd - 180_000;
    expect((await store.tick(at(), settings, null))?.upkeep, "two minutes before the hour").toBe(false);
    expect((await store.tick(at(), settings, null))?.upkeep, "a minute before").toBe(false);
    const ended = await store.tick(at(), settings, null);
    expect(ended?.upkeep).toBe(true);
    // One kind of work a request: the hour closed, then its recent block, then no day to roll up.
    expect(await store.maintain()).toEqual({ more: true });
    expect(await store.maintain()).toEqual({ more: true });
    expect(await store.maintain()).toEqual({ more: false });
    expect((await store.tick(at(), settings, null))?.upkeep, "after the steps").toBe(false);
    // The Cron entry asks for the step itself when the tick says so (counted as SpaceStore.maintain).
    clock = Math.ceil(clock / 3_600_000) * 3_600_000 + 3_600_000 - 60_000;
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at() }), env); // the next hour's first minute
    const rows = await runInDurableObject(store, (_o: unknown, state: DurableObjectState) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'recent_due'").toArray());
    expect(rows).toHaveLength(1); // closed by the step the entry asked for; its recent block is next
  });

  it("a Space that stays up writes no row of its own: a steady tick costs 4 rows", async () => {
    const list = Array.from({ length: 20 }, (_, i) => ({ url: `${BASE}/ok/steady-${i}`, interval_s: 60 }));
    await setSpaces(list);
    // Past what the earlier tests' hours leave to close, roll up and drop (one kind a tick).
    for (let i = 0; i < 12; i++) await tick(at());
    const rows = async () => (await spaceStore(env).health()).rows_written;
    const before = await rows();
    const out = await tick(at());
    expect(out?.summary.up).toBe(20);
    expect((await rows()) - before).toBe(4); // the window claimed, the hour's counts, the tick's check log row, the summary
  });
});

describe("Hugging Face awareness", () => {
  it("reads a failing Space's stage, passes unknown stages through, and restarts a RUNTIME_ERROR Space once per cooldown", async () => {
    await fetch(`${BASE}/_hf/me/broken/RUNTIME_ERROR`, { method: "PUT" });
    await fetch(`${BASE}/_hf/me/asleep/SLEEPING`, { method: "PUT" });
    await fetch(`${BASE}/_hf/me/odd/SOME_NEW_STAGE`, { method: "PUT" });
    const broken = `${BASE}/status/500/hf-broken`;
    const asleep = `${BASE}/status/503/hf-asleep`;
    await setSpaces([
      { url: broken, interval_s: 60, hf_space: "me/broken", hf_restart: true },
      { url: asleep, interval_s: 60, hf_space: "me/asleep", hf_restart: true },
      { url: `${BASE}/status/404/hf-odd`, interval_s: 60, hf_space: "me/odd" },
      { url: `${BASE}/ok/hf-fine`, interval_s: 60, hf_space: "me/fine" },
    ]);
    const t = at();
    await tick(t, { PING_RETRIES: 0 });
    let body = await spaces();
    expect(byId(body, broken).hf).toMatchObject({ space: "me/broken", stage: "RUNTIME_ERROR", message: "Exit code: 1. Reason: ModuleNotFoundError", error: null, restarted_at: new Date(t).toISOString() });
    expect(byId(body, asleep)).toMatchObject({ state: "waking", hf: { stage: "SLEEPING", restarted_at: null } });
    expect(byId(body, `${BASE}/status/404/hf-odd`).hf.stage).toBe("SOME_NEW_STAGE");
    expect(byId(body, `${BASE}/ok/hf-fine`).hf).toMatchObject({ stage: null, read_at: null }); // up: HF not asked
    const calls = await (await fetch(`${BASE}/_hf/me/broken`)).json();
    expect(calls).toEqual({ runtime: 1, restarts: 1, auth: ["Bearer hf_test_token"] });
    expect(JSON.stringify(body)).not.toContain("hf_test_token");
    // Still failing a minute later: the stage is fresh enough and the cooldown holds.
    await tick(at(), { PING_RETRIES: 0 });
    expect(await (await fetch(`${BASE}/_hf/me/broken`)).json()).toMatchObject({ runtime: 1, restarts: 1 });
    // Past both, it is read and restarted again (the stand-in now says APP_STARTING).
    await fetch(`${BASE}/_hf/me/broken/RUNTIME_ERROR`, { method: "PUT" });
    await tick(at(31), { PING_RETRIES: 0 });
    expect(await (await fetch(`${BASE}/_hf/me/broken`)).json()).toMatchObject({ runtime: 2, restarts: 2 });
    body = await spaces();
    expect(byId(body, broken).hf.restarted_at).toBe(new Date(clock).toISOString());
  });
});

describe("the watchdog and the Cron entry", () => {
  it("GET /v1/pinger/health answers 200 while ticks complete and 503 once two intervals pass without one", async () => {
    await setSpaces([{ url: `${BASE}/ok/watched`, interval_s: 60 }]);
    const t = at();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: t }), { ...env, PING_BACKOFF_MS: "20" } as Env);
    let res = await api("GET", "/v1/pinger/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", tick_interval_s: 60, last_tick: { at: new Date(t).toISOString(), due: 1 } });
    freezeClock(new Date(t + 121_000).toISOString());
    res = await api("GET", "/v1/pinger/health");
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: "overdue", last_tick_age_s: 121 });
    expect(byId(await spaces(), `${BASE}/ok/watched`).state).toBe("up");
  });

  it("a bad setting stops the tick with an error naming it", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
    const bad = { ...env, PING_SPACES_PER_SHARD: "51" } as unknown as Env;
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at() }), bad);
    spy.mockRestore();
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", msg: "tick refused: invalid setting", field: "PING_SPACES_PER_SHARD" });
  });
});
