// Maintenance windows in workerd: the admin API (validated like every input, nothing stored
// on a bad body), a loopback Space that goes down inside a window (checked and recorded, no
// alert, no uptime, the page says why), the alert it held opening when the window is ended,
// a pool whose host goes stale inside one, and weekly windows.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, advance, api, createPool, cronTick, freezeClock, minuteClock, poolHeartbeat, runAlarm } from "../../test/helpers.js";
import { activeAt, covers, occurrence, type StoredWindow } from "../../shared/maintenance.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { alerter } from "../objects.js";

const BASE = inject("spacesBase");
const settings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, PING_RETRIES: 0 };
const { at } = minuteClock();
afterEach(() => void vi.useRealTimers());

const runAlerts = () => runDurableObjectAlarm(alerter(env));
const received = async (hook: string) => ((await (await fetch(`${BASE}/_hook/${hook}`)).json()) as { body: any }[]).map((m) => m.body);
const windows = async () => (await api("GET", "/v1/admin/maintenance", { token: ADMIN })).body.windows as any[];

describe("the maintenance API", () => {
  it("refuses bad windows naming the field, stores nothing, and needs the admin token", async () => {
    const before = await windows();
    const cases: [unknown, string][] = [
      [{ subjects: "all" }, "end"],
      [{ subjects: "all", duration_s: 600, end: "2030-01-01T00:00:00Z" }, "end"],
      [{ subjects: "some", duration_s: 600 }, "subjects"],
      [{ subjects: {}, duration_s: 600 }, "subjects"],
      [{ subjects: { pools: ["Bad Pool"] }, duration_s: 600 }, "subjects.pools.0"],
      [{ subjects: "all", start: "tomorrow", duration_s: 600 }, "start"],
      [{ subjects: "all", start: "2030-01-02T00:00:00Z", end: "2030-01-01T00:00:00Z" }, "end"],
      [{ subjects: "all", duration_s: 30 }, "duration_s"],
      [{ subjects: "all", duration_s: 8 * 86_400, repeat: "weekly" }, "duration_s"],
      [{ subjects: "all", duration_s: 600, repeat: "daily" }, "repeat"],
      [{ subjects: "all", duration_s: 600, owner: "me" }, "owner"],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/v1/admin/maintenance", { token: ADMIN, json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    expect(await windows()).toEqual(before);
    expect((await api("POST", "/v1/admin/maintenance", { json: { subjects: "all", duration_s: 600 } })).status).toBe(401);
    expect((await api("DELETE", "/v1/admin/maintenance/mw_0000000000000000", { token: ADMIN })).status).toBe(404);
    expect((await api("DELETE", "/v1/admin/maintenance/nope", { token: ADMIN })).body.error.field).toBe("window_id");
  });

  it("repeats a weekly window and knows which keys it covers", () => {
    const w: StoredWindow = { id: "mw_1", subjects: { spaces: ["a"], pools: ["gpu"] }, start: Date.parse("2026-11-02T22:00:00Z"), end: Date.parse("2026-11-02T23:00:00Z"), repeat: "weekly", note: "", created_at: 0 };
    expect(activeAt(w, Date.parse("2026-11-23T22:30:00Z"))).toBe(true); // three weeks on, same hour
    expect(activeAt(w, Date.parse("2026-11-23T23:30:00Z"))).toBe(false);
    expect(occurrence(w, Date.parse("2026-11-23T23:30:00Z"))).toEqual({ start: Date.parse("2026-11-30T22:00:00Z"), end: Date.parse("2026-11-30T23:00:00Z") });
    const t = Date.parse("2026-11-23T22:30:00Z");
    expect(covers([w], "space:a", t)).not.toBeNull();
    expect(covers([w], "space:b", t)).toBeNull();
    expect(covers([w], "host:gpu/box-1", t)).not.toBeNull();
    expect(covers([w], "worker:gpu/w1", t)).not.toBeNull();
    expect(covers([w], "pool:gpu", t)).not.toBeNull();
    expect(covers([w], "pool:other", t)).toBeNull();
    expect(covers([{ ...w, subjects: "all" }], "pinger", t)).toBeNull(); // the pinger's own alerts are never silenced
    expect(covers([{ ...w, subjects: "all" }], "cron", t)).toBeNull();
  });
});

describe("a Space down inside a maintenance window", () => {
  it("is checked and shown down, raises nothing, counts for no uptime, and the page says why; ending the window opens the alert it held", async () => {
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/maint` }] } });
    await env.SPACES.put(
      "spaces",
      JSON.stringify([
        { id: "planned", name: "planned", url: `${BASE}/switch/planned`, interval_s: 60, down_after: 1 },
        { id: "unplanned", name: "unplanned", url: `${BASE}/switch/unplanned`, interval_s: 60, down_after: 1 },
      ]),
    );
    await cronTick(at(), settings);
    await runAlerts();
    const created = await api("POST", "/v1/admin/maintenance", { token: ADMIN, json: { subjects: { spaces: ["planned"] }, duration_s: 3600, note: "moving to a bigger GPU" } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^mw_[0-9a-f]{16}$/), active: true, repeat: null, note: "moving to a bigger GPU" } });
    const id = created.body.id as string;

    await fetch(`${BASE}/_switch/planned/503`, { method: "PUT" });
    await fetch(`${BASE}/_switch/unplanned/500`, { method: "PUT" });
    await fetch(`${BASE}/_switch/planned/500`, { method: "PUT" });
    for (let i = 0; i < 3; i++) {
      await cronTick(at(), settings);
      await runAlerts();
    }
    const titles = (await received("maint")).map((m) => m.title as string);
    expect(titles).toEqual(['Space "unplanned" on ' + new URL(BASE).host + " is down"]);

    const report = (await api("GET", "/v1/spaces")).body;
    const planned = report.spaces.find((s: any) => s.id === "planned");
    expect(planned).toMatchObject({ state: "down", maintenance: { id, note: "moving to a bigger GPU" }, last_check: { outcome: "down" } });
    // One good check before the window; the three inside it count for nothing.
    expect(planned.uptime["24h"]).toBe(1);
    expect(planned.checks["24h"]).toBe(1);
    expect(report.maintenance.map((w: any) => w.id)).toContain(id);
    const page = await (await exports.default.fetch("http://edge.test/")).text();
    expect(page).toContain("moving to a bigger GPU");
    expect(page).toContain("In maintenance until");
    const metrics = await (await exports.default.fetch("http://edge.test/metrics")).text();
    expect(metrics).toMatch(/edge_pulse_space_maintenance\{space_id="planned",name="planned"\} 1/);
    expect(metrics).toMatch(/edge_pulse_space_maintenance\{space_id="unplanned",name="unplanned"\} 0/);

    // Ended early while the Space is still down: the alert it held opens now, saying so.
    expect((await api("DELETE", `/v1/admin/maintenance/${id}`, { token: ADMIN })).status).toBe(200);
    await runAlerts();
    const last = (await received("maint")).at(-1);
    expect(last).toMatchObject({ event: "opened", title: `Space "planned" on ${new URL(BASE).host} is down` });
    expect(last.detail).toMatch(/held until its maintenance window ended$/);
    await fetch(`${BASE}/_switch/planned/200`, { method: "PUT" });
    await fetch(`${BASE}/_switch/unplanned/200`, { method: "PUT" });
  });

  it("a Space that recovers inside its window leaves nothing to say afterwards", async () => {
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/blip` }] } });
    await env.SPACES.put("spaces", JSON.stringify([{ id: "blip", name: "blip", url: `${BASE}/switch/blip`, interval_s: 60, down_after: 1 }]));
    await cronTick(at(), settings);
    const id = (await api("POST", "/v1/admin/maintenance", { token: ADMIN, json: { subjects: "all", duration_s: 600 } })).body.id;
    await fetch(`${BASE}/_switch/blip/500`, { method: "PUT" });
    await cronTick(at(), settings);
    await runAlerts();
    await fetch(`${BASE}/_switch/blip/200`, { method: "PUT" });
    await cronTick(at(), settings);
    await runAlerts();
    await api("DELETE", `/v1/admin/maintenance/${id}`, { token: ADMIN });
    await runAlerts();
    expect((await received("blip")).filter((m) => m.key === "space:blip")).toEqual([]);
  });
});

describe("a pool inside a maintenance window", () => {
  it("lets its hosts go stale without an alert", async () => {
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/pool-maint` }] } });
    freezeClock(new Date(at()).toISOString());
    const token = await createPool("maint-pool", { mass_stale_min_senders: 100 });
    expect((await api("POST", "/v1/admin/maintenance", { token: ADMIN, json: { subjects: { pools: ["maint-pool"] }, duration_s: 3600, note: "driver update" } })).status).toBe(201);
    expect((await api("POST", "/v2/pools/maint-pool/heartbeat", { token, json: poolHeartbeat("maint-pool", "box-1", ["w1"]) })).status).toBe(200);
    advance(45);
    await runAlarm("maint-pool"); // the host goes stale
    await runAlerts();
    expect(await received("pool-maint")).toEqual([]);
    const page = await (await exports.default.fetch("http://edge.test/")).text();
    expect(page).toContain("driver update");
  });
});
