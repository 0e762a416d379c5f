// Checks from two regions inside workerd: shard objects are named per region (a location hint
// cannot be observed locally; the names and run ids can), a loopback Space fails only for
// requests from one region's shards (x-edge-pulse-run carries the shard's name), and what
// the tick, GET /v1/spaces, /metrics and the Alerter make of it.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, cronTick, minuteClock } from "../../test/helpers.js";
import { confirmRegion, homeRegion } from "./regions.js";
import { DEFAULT_PINGER_SETTINGS, PingerSettingsSchema, type PingerSettings } from "./settings.js";
import { alerter } from "../objects.js";

const BASE = inject("spacesBase");
const REGIONS = ["enam", "weur"];
const settings: PingerSettings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, PING_RETRIES: 1, PING_REGIONS: REGIONS };

// Real time, so the Alerter's own alarms never judge this file's ticks as from the future;
// 7 s past the minute, so run ids (keyed by tick time) never meet another file's.
const { at } = minuteClock(7_000);
afterEach(() => void vi.useRealTimers());

/** Ids whose home is `home` (so a test knows which shard checks them first). */
function idHomedIn(home: string, prefix: string): string {
  for (let i = 0; ; i++) if (homeRegion(`${prefix}-${i}`, REGIONS) === home) return `${prefix}-${i}`;
}
const runsOf = async (tickMs: number) => (await (await fetch(`${BASE}/_runs/${encodeURIComponent(new Date(tickMs).toISOString())}`)).json()) as Record<string, { requests: number }>;

describe("PING_REGIONS", () => {
  it("is checked like every setting: unknown hints and repeats are refused, naming the var", () => {
    expect(PingerSettingsSchema.parse({ PING_REGIONS: " enam, weur " }).PING_REGIONS).toEqual(["enam", "weur"]);
    expect(PingerSettingsSchema.parse({}).PING_REGIONS).toEqual([]);
    const bad = PingerSettingsSchema.safeParse({ PING_REGIONS: "enam,mars" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ["PING_REGIONS"], message: expect.stringContaining('"mars" is not a location hint') });
    expect(PingerSettingsSchema.safeParse({ PING_REGIONS: "enam,enam" }).success).toBe(false);
  });

  it("homes Spaces evenly and stably, and confirms from the other region", () => {
    const homes = Array.from({ length: 1000 }, (_, i) => homeRegion(`space-${i}`, REGIONS));
    const enam = homes.filter((h) => h === "enam").length;
    expect(enam).toBeGreaterThan(400);
    expect(enam).toBeLessThan(600);
    expect(homeRegion("space-7", REGIONS)).toBe(homes[7]);
    expect(confirmRegion("enam", REGIONS)).toBe("weur");
    expect(confirmRegion("weur", REGIONS)).toBe("enam");
  });
});

describe("a tick with two regions", () => {
  it("degrades a Space that fails only from its home region, downs one that fails from both, and confirms nothing that answers", async () => {
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/regions` }] } });
    const oneWay = idHomedIn("enam", "one-way");
    const everywhere = idHomedIn("weur", "everywhere");
    const fine = idHomedIn("enam", "fine");
    const otherFails = idHomedIn("weur", "other-fails");
    await env.SPACES.put(
      "spaces",
      JSON.stringify([
        { id: oneWay, name: oneWay, url: `${BASE}/region-fail/enam/${oneWay}`, interval_s: 60, down_after: 1 },
        { id: everywhere, name: everywhere, url: `${BASE}/status/502/${everywhere}`, interval_s: 60, down_after: 1 },
        { id: fine, name: fine, url: `${BASE}/ok/${fine}`, interval_s: 60 },
        // Fails only from enam, which is not its home: never looked at twice.
        { id: otherFails, name: otherFails, url: `${BASE}/region-fail/enam/${otherFails}`, interval_s: 60 },
      ]),
    );
    const t = at();
    const out = await cronTick(t, settings);
    expect(out!.summary).toMatchObject({ due: 4, checked: 4, up: 2, down: 1, degraded: 1, confirmations: 2, lost: 0 });
    // Home shards per region, and one confirmation shard per region that had failures to check.
    expect(Object.keys(await runsOf(t)).sort()).toEqual([`${new Date(t).toISOString()}/enam/0`, `${new Date(t).toISOString()}/enam/confirm-0`, `${new Date(t).toISOString()}/weur/0`, `${new Date(t).toISOString()}/weur/confirm-0`].sort());

    const body = (await api("GET", "/v1/spaces")).body;
    const byId = (id: string) => body.spaces.find((s: any) => s.id === id);
    expect(byId(oneWay)).toMatchObject({ state: "degraded", last_error: { message: expect.stringMatching(/^fails from enam \(unexpected status 502\); answers from weur$/) } });
    expect(byId(oneWay).regions).toEqual([
      expect.objectContaining({ region: "enam", home: true, outcome: "down", status: 502 }),
      expect.objectContaining({ region: "weur", home: false, outcome: "up", status: 200 }),
    ]);
    expect(byId(everywhere)).toMatchObject({ state: "down" });
    expect(byId(everywhere).regions.map((r: any) => [r.region, r.outcome])).toEqual([["weur", "down"], ["enam", "down"]]);
    expect(byId(fine).regions).toEqual([expect.objectContaining({ region: "enam", home: true, outcome: "up" })]);
    expect(byId(otherFails)).toMatchObject({ state: "up", regions: [expect.objectContaining({ region: "weur", outcome: "up" })] });
    // Uptime counts the degraded Space's answer; the state says it is degraded.
    expect(byId(oneWay).uptime["24h"]).toBe(1);
    expect(byId(everywhere).uptime["24h"]).toBe(0);

    const text = await (await exports.default.fetch("http://edge.test/metrics")).text();
    expect(text).toMatch(new RegExp(`edge_pulse_space_region_up\\{space_id="${oneWay}",name="[^"]+",region="enam"\\} 0`));
    expect(text).toMatch(new RegExp(`edge_pulse_space_region_up\\{space_id="${oneWay}",name="[^"]+",region="weur"\\} 1`));
    expect(text).toMatch(new RegExp(`edge_pulse_space_state\\{space_id="${oneWay}",name="[^"]+",state="degraded"\\} 1`));

    // Alerts: the degraded Space opens a "degraded" incident, never a "down" one.
    await runDurableObjectAlarm(alerter(env));
    const hooks = (await (await fetch(`${BASE}/_hook/regions`)).json()) as { body: any }[];
    const titles = hooks.map((h) => h.body.title as string);
    expect(titles.filter((x) => x.includes(`"${oneWay}"`))).toEqual([expect.stringMatching(/is degraded$/)]);
    expect(titles.filter((x) => x.includes(`"${everywhere}"`))).toEqual([expect.stringMatching(/is down$/)]);
  });

  it("says so once when a degraded Space goes down, and once when it is back", async () => {
    const id = idHomedIn("weur", "worsens");
    await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: [{ type: "webhook", url: `${BASE}/hook/worsens` }] } });
    // /ok and /status/500 answer every region alike, /region-fail/weur fails weur only: the list swaps them.
    const list = (url: string) => env.SPACES.put("spaces", JSON.stringify([{ id, name: id, url, interval_s: 60, down_after: 1 }]));
    await list(`${BASE}/ok/${id}`);
    await cronTick(at(), settings);
    await list(`${BASE}/region-fail/weur/${id}`);
    await cronTick(at(), settings);
    await runDurableObjectAlarm(alerter(env));
    await list(`${BASE}/status/500/${id}`);
    await cronTick(at(), settings);
    await runDurableObjectAlarm(alerter(env));
    await list(`${BASE}/ok/${id}`);
    await cronTick(at(), settings);
    await runDurableObjectAlarm(alerter(env));
    const events = ((await (await fetch(`${BASE}/_hook/worsens`)).json()) as { body: any }[]).filter((h) => h.body.title.includes(`"${id}"`)).map((h) => [h.body.event, h.body.title.replace(/.* is /, "")]);
    expect(events).toEqual([["opened", "degraded"], ["changed", "down"], ["resolved", "up"]]);
  });
});
