// The detail pages and badges inside workerd, on a pinned clock: a Space checked across an
// hour boundary shows each check (status, latency, error) and an hourly latency chart whose
// figures are the checks', before and after the hour is rolled up; a pool's page draws each
// GPU's VRAM from the heartbeats' readings; badges say the state, uptime and fresh workers,
// unknown ids get a grey badge, and STATUS_PAGE=private holds. In Chromium (axe-core, XML
// parsing) in test/e2e/status-page.test.mjs.
import { env } from "cloudflare:workers";
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, clearPingerAlarms, createPool, cronTick, minuteClock, poolHeartbeat } from "../../test/helpers.js";
import worker from "../index.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { hourly, type LoggedCheck } from "../pinger/check-log.js";
import { badgeSvg, textWidth } from "./badges.js";
import { PAGE_VIEW } from "./overview.js";
import { parseBadgePath } from "./badge-routes.js";
import { alerter, pool, spaceStore } from "../objects.js";

const BASE = inject("spacesBase");
// One pinned clock for the file (the pinger's claimed window outlives a test): it starts at
// half past an hour, so the first test's ticks cross into the next hour and roll the first up.
const clock = minuteClock(30 * 60_000 - (Date.now() % 3_600_000));
const settings = { ...DEFAULT_PINGER_SETTINGS, PING_RETRIES: 0, PING_BACKOFF_MS: 10 };
afterEach(async () => {
  vi.useRealTimers();
  await clearPingerAlarms("detail-pool");
});

async function get(path: string, extraEnv: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://edge.test${path}`), { ...env, ...extraEnv } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const setSwitch = (key: string, status: number) => fetch(`${BASE}/_switch/${key}/${status}`, { method: "PUT" });

describe("GET /spaces/{id}", () => {
  it("lists each check as it was and charts the hour's median and slowest, before and after the roll-up", async () => {
    await env.SPACES.put("spaces", JSON.stringify([{ id: "chart", url: `${BASE}/switch/chart?token=sk-secret-1`, name: "Chart me", interval_s: 600, group: "Demos" }]));
    const statuses = [200, 200, 500, 200, 200];
    for (const status of statuses) {
      await setSwitch("chart", status);
      await cronTick(clock.at(10), settings);
    }
    const d = await spaceStore(env).detail("chart");
    expect(d).not.toBeNull();
    const checks = d!.checks as LoggedCheck[];
    expect(checks.map((c) => c[2])).toEqual([...statuses].reverse()); // newest first, each as it was
    expect(checks[2]![1]).toBe("down");
    expect(checks[2]![4]).toBe("unexpected status 500");
    // The chart's figures are the checks': per hour, failures counted, median and max of the answered.
    const expected = hourly(checks, clock.now);
    expect(d!.hours).toEqual(expected);
    expect(d!.hours.reduce((n, h) => n + h.checks, 0)).toBe(5);
    expect(d!.hours.reduce((n, h) => n + h.failed, 0)).toBe(1);
    // The first hour was rolled up into its day row: its checks are still there, once each.
    const rows = await spaceStore(env).health();
    expect(rows.rows_written).toBeGreaterThan(0);

    const res = await get("/spaces/chart");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ["Chart me", "unexpected status 500", "<svg", "Latency by hour", "failed checks in 1 hour", "The last 5 checks", "group Demos"]) expect(html).toContain(text);
    for (const secret of ["sk-secret-1", BASE]) expect(html).not.toContain(secret);
    // The main page draws the card's chart and links the detail page, under its group.
    const main = await (await get("/")).text();
    expect(main).toContain('href="/spaces/chart"');
    expect(main).toContain("Demos");
    expect(main).toMatch(/class="chart latency"/);
  });

  it("answers a 404 page for an id nobody knows, and asks for the token when private", async () => {
    const res = await get("/spaces/nobody-has-this");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("No listed Space");
    expect((await get("/spaces/nobody-has-this", { STATUS_PAGE: "private", STATUS_TOKEN: "tok-123" })).status).toBe(401);
    expect((await get("/pools/detail-pool", { STATUS_PAGE: "private", STATUS_TOKEN: "tok-123" })).status).toBe(401);
    expect((await get("/pools/no pool!")).status).toBe(404);
  });

  it("reaches a Space whose id is its URL, percent-encoded as one segment", async () => {
    const url = `${BASE}/ok/url-id`;
    await env.SPACES.put("spaces", JSON.stringify([url]));
    await cronTick(clock.at(), settings);
    const res = await get(`/spaces/${encodeURIComponent(url)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/ok/url-id");
  });
});

describe("GET /pools/{id}", () => {
  it("draws each GPU's VRAM used over 24 h from the heartbeats, ten minutes a point, and never a worker URI", async () => {
    const token = await createPool("detail-pool");
    for (const [i, free] of [70e9, 60e9, 50e9].entries()) {
      clock.at(i === 0 ? 1 : 10);
      const hb = poolHeartbeat("detail-pool", "gpu-box", ["w-1"]);
      hb.gpus[0]!.free_vram_bytes = free;
      (hb.workers[0] as { uri: string }).uri = "http://10.9.9.9:8001/secret-worker";
      expect((await api("POST", "/v2/pools/detail-pool/heartbeat", { token, json: hb })).status).toBe(200);
    }
    const d = await pool(env, "detail-pool").details(PAGE_VIEW);
    const series = d!.vram["gpu-box/0"]!;
    expect(series.points.map((p) => p[1])).toEqual([85_520_809_984 - 70e9, 85_520_809_984 - 60e9, 85_520_809_984 - 50e9]);
    const html = await (await get("/pools/detail-pool")).text();
    for (const text of ["gpu-box", "VRAM used, last 24 hours", "joined", "w-1"]) expect(html).toContain(text);
    expect(html).not.toContain("10.9.9.9");
    expect((await get("/pools/never-made")).status).toBe(404);
  });
});

describe("badges", () => {
  it("say a Space's state and uptime, a pool's fresh workers, and grey unknown for ids nobody knows", async () => {
    await env.SPACES.put("spaces", JSON.stringify([{ id: "badged", url: `${BASE}/ok/badged`, name: "Badged" }, { id: "broken", url: `${BASE}/status/500/broken`, name: "Broken" }]));
    await cronTick(clock.at(), settings);
    const state = await get("/badge/badged.svg");
    expect(state.status).toBe(200);
    expect(state.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(state.headers.get("cache-control")).toMatch(/max-age=300/);
    const svg = await state.text();
    expect(svg).toContain("<title>Badged: up</title>");
    expect(svg).toContain("#4c1");
    expect(await (await get("/badge/broken.svg")).text()).toContain("<title>Broken: down</title>");
    expect(await (await get("/badge/badged/uptime.svg?window=24h")).text()).toContain("<title>uptime 24h: 100%</title>");
    expect(await (await get("/badge/broken/uptime.svg?label=Broken%20uptime")).text()).toContain("<title>Broken uptime: 0.00%</title>");
    const unknown = await get("/badge/nobody.svg");
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain("<title>status: unknown</title>");
    expect(await (await get("/badge/pool/no-such-pool.svg")).text()).toContain("<title>no-such-pool: unknown</title>");
    const bad = await get("/badge/badged/uptime.svg?window=1y");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("window");

    const priv = await get("/badge/badged.svg", { STATUS_PAGE: "private", STATUS_TOKEN: "tok-123" });
    expect(priv.status).toBe(401);
    expect(await priv.text()).toContain("<title>status: private</title>");
    expect(await (await get("/badge/badged.svg?token=tok-123", { STATUS_PAGE: "private", STATUS_TOKEN: "tok-123" })).text()).toContain("Badged: up");
  });

  it("counts a pool's fresh workers of all", async () => {
    const token = await createPool("badge-pool");
    expect((await api("POST", "/v2/pools/badge-pool/heartbeat", { token, json: poolHeartbeat("badge-pool", "h", ["a", "b"]) })).status).toBe(200);
    expect(await (await get("/badge/pool/badge-pool.svg")).text()).toContain("<title>badge-pool: 2/2 workers fresh</title>");
    await clearPingerAlarms("badge-pool");
  });

  it("parse their paths and escape what they draw", () => {
    expect(parseBadgePath("a.svg")).toEqual({ kind: "state", id: "a" });
    expect(parseBadgePath(`${encodeURIComponent("https://x.hf.space/p")}/uptime.svg`)).toEqual({ kind: "uptime", id: "https://x.hf.space/p" });
    expect(parseBadgePath("pool/gpu-a.svg")).toEqual({ kind: "pool", id: "gpu-a" });
    expect(parseBadgePath("a.png")).toBeNull();
    const svg = badgeSvg(`<a href="x">&'`, "up", "green");
    expect(svg).not.toContain("<a href");
    expect(svg).toContain("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    expect(textWidth("mmmm")).toBeGreaterThan(textWidth("iiii"));
  });
});

describe("incident history, notes and announcements", () => {
  it("keeps closed incidents with their notes on the page, and shows an announcement until it expires", async () => {
    const alerts = alerter(env);
    await alerts.notify([{ key: "space:hist", subject: "space", bad: true, title: 'Space "hist" on example.org is down', detail: "unexpected status 502", at: Date.now() - 600_000 }]);
    await runAlerterNow();
    const open = (await alerts.pageIncidents(20)).open.find((i) => i.key === "space:hist")!;
    const noted = await api("POST", `/v1/admin/incidents/${open.id}/notes`, { token: ADMIN, json: { text: "Restarting the Space; the GPU quota ran out." } });
    expect(noted.status).toBe(201);
    expect(noted.body.notes).toEqual([{ at: expect.any(Number), text: "Restarting the Space; the GPU quota ran out." }]);
    await alerts.notify([{ key: "space:hist", subject: "space", bad: false, title: 'Space "hist" on example.org is up', detail: null, at: Date.now() }]);
    await runAlerterNow();
    const page = await (await get("/")).text();
    expect(page).toContain("Incident history");
    expect(page).toContain("Restarting the Space; the GPU quota ran out.");
    expect(page).toMatch(/lasted 10 min/);

    for (const [body, field] of [[{ text: "" }, "text"], [{ text: "x", extra: 1 }, "extra"], [{}, "text"]] as const) {
      const res = await api("POST", `/v1/admin/incidents/${open.id}/notes`, { token: ADMIN, json: body });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await api("POST", "/v1/admin/incidents/999999/notes", { token: ADMIN, json: { text: "x" } })).status).toBe(404);
    expect((await api("POST", "/v1/admin/incidents/abc/notes", { token: ADMIN, json: { text: "x" } })).status).toBe(400);

    const made = await api("POST", "/v1/admin/announcements", { token: ADMIN, json: { text: "Moving to new GPUs tonight", level: "warning", duration_s: 3600 } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ text: "Moving to new GPUs tonight", level: "warning", active: true });
    expect(await (await get("/")).text()).toContain("Moving to new GPUs tonight");
    expect(await (await get("/spaces/nobody")).text()).not.toContain("Moving to new GPUs"); // a 404 page has no banner
    for (const [body, field] of [[{ text: "x", expires_at: "2020-01-01T00:00:00Z" }, "expires_at"], [{ text: "x", level: "loud" }, "level"], [{ text: "x", duration_s: 10 }, "duration_s"]] as const) {
      const res = await api("POST", "/v1/admin/announcements", { token: ADMIN, json: body });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await api("GET", "/v1/admin/announcements", { token: ADMIN })).body.announcements).toHaveLength(1);
    expect((await api("DELETE", `/v1/admin/announcements/${made.body.id}`, { token: ADMIN })).status).toBe(200);
    expect(await (await get("/")).text()).not.toContain("Moving to new GPUs tonight");
    expect((await api("DELETE", `/v1/admin/announcements/${made.body.id}`, { token: ADMIN })).status).toBe(404);
  });
});

/** The Alerter's alarm, as the runtime would run it once its group wait is over. */
async function runAlerterNow(): Promise<void> {
  await env.SPACES.put("alerts", JSON.stringify({ group_wait_s: 0 }));
  await runDurableObjectAlarm(alerter(env));
}
