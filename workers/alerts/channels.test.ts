// The alert services people already use, end to end inside workerd: a Space goes down, gets a
// note, and comes back; Teams, Telegram, ntfy, Pushover and PagerDuty stand-ins
// (test/alert-services.ts) check each request the way the real API documents it and refuse
// what it would refuse. Each hears one alert per change, PagerDuty triggers and resolves with
// one dedup key per incident, and no token or key is ever shown.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, clearPingerAlarms, cronTick, minuteClock } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { alerter } from "../objects.js";

const BASE = inject("spacesBase");
const settings = { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, PING_RETRIES: 0 };
const clock = minuteClock();
afterEach(async () => {
  vi.useRealTimers();
  await clearPingerAlarms();
});

const BOT = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT = -1001234567890;
const PUSH_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const PUSH_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const ROUTING = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";
const NTFY_TOKEN = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";

const targets = (name: string) => [
  { type: "teams", url: `${BASE}/svc/teams/${name}` },
  { type: "telegram", bot_token: BOT, chat_id: CHAT, api_url: `${BASE}/svc/telegram/${name}` },
  { type: "ntfy", url: `${BASE}/svc/ntfy/${name}/edge-alerts`, token: NTFY_TOKEN },
  { type: "pushover", token: PUSH_TOKEN, user: PUSH_USER, api_url: `${BASE}/svc/pushover/${name}` },
  { type: "pagerduty", routing_key: ROUTING, api_url: `${BASE}/svc/pagerduty/${name}`, name: "on-call" },
];
const SERVICES = ["teams", "telegram", "ntfy", "pushover", "pagerduty"] as const;

type Log = { accepted: { path: string; headers: Record<string, string>; body: any }[]; refused: { why: string }[] };
const log = async (service: string, name: string) => (await (await fetch(`${BASE}/_svc/${service}/${name}`)).json()) as Log;
const setSwitch = (key: string, status: number) => fetch(`${BASE}/_switch/${key}/${status}`, { method: "PUT" });

async function configure(name: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { group_wait_s: 0, targets: targets(name), ...extra } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}

async function tickAndAlert(): Promise<void> {
  await cronTick(clock.at(), settings);
  await runDurableObjectAlarm(alerter(env));
}

describe("Teams, Telegram, ntfy, Pushover and PagerDuty", () => {
  it("each hear one alert when a Space goes down, the note added to it, and one when it is back", async () => {
    await configure("life");
    await env.SPACES.put("spaces", JSON.stringify([{ id: "chan", url: `${BASE}/switch/chan`, name: "demo", interval_s: 60, down_after: 1 }]));
    await tickAndAlert();
    await setSwitch("chan", 500);
    await tickAndAlert();
    await tickAndAlert(); // still down: nothing more
    const incident = (await alerter(env).pageIncidents(5)).open.find((i) => i.key === "space:chan")!;
    expect((await api("POST", `/v1/admin/incidents/${incident.id}/notes`, { token: ADMIN, json: { text: "Rebuilding the image" } })).status).toBe(201);
    await runDurableObjectAlarm(alerter(env));
    await setSwitch("chan", 200);
    await tickAndAlert();

    for (const s of SERVICES) expect((await log(s, "life")).refused).toEqual([]);
    const teams = (await log("teams", "life")).accepted.map((r) => r.body.attachments[0].content.body[0].text);
    expect(teams).toEqual([expect.stringMatching(/^🔴 Space "demo" on .* is down$/), "📝 Update on: " + teams[0]!.slice(3), expect.stringMatching(/^🟢 Space "demo" on .* is up \(after 2 min\)$/)]);

    const telegram = (await log("telegram", "life")).accepted;
    expect(telegram.map((r) => r.path)).toEqual(Array(3).fill(`bot${BOT}/sendMessage`));
    expect(telegram.map((r) => r.body.chat_id)).toEqual([CHAT, CHAT, CHAT]);
    expect(telegram[1]!.body.text).toContain("Rebuilding the image");
    expect(telegram[2]!.body.disable_notification).toBe(true);

    const ntfy = (await log("ntfy", "life")).accepted;
    expect(ntfy.map((r) => [r.body.topic, r.body.priority, r.body.tags[0]])).toEqual([["edge-alerts", 4, "rotating_light"], ["edge-alerts", 3, "memo"], ["edge-alerts", 3, "white_check_mark"]]);
    expect(ntfy[0]!.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    expect(ntfy[0]!.body.message).toBe("unexpected status 500");

    const push = (await log("pushover", "life")).accepted;
    expect(push.map((r) => r.body.priority)).toEqual(["1", "0", "0"]);
    expect(push[1]!.body.message).toBe("Rebuilding the image");

    const pd = (await log("pagerduty", "life")).accepted.map((r) => r.body);
    expect(pd.map((b) => b.event_action)).toEqual(["trigger", "trigger", "resolve"]);
    expect(new Set(pd.map((b) => b.dedup_key))).toEqual(new Set([`edge-pulse-incident-${incident.id}`]));
    expect(pd[0]!.payload).toMatchObject({ source: "space:chan", severity: "critical", component: "space", custom_details: { detail: "unexpected status 500" } });
  });

  it("PagerDuty hears no reminders and a note on a closed incident does not reopen it; the test alert triggers and resolves", async () => {
    await configure("quiet", { remind_every_s: 60 });
    await env.SPACES.put("spaces", JSON.stringify([{ id: "chan2", url: `${BASE}/switch/chan2`, name: "quiet", interval_s: 60, down_after: 1 }]));
    await tickAndAlert();
    await setSwitch("chan2", 500);
    await tickAndAlert();
    clock.at(2);
    await runDurableObjectAlarm(alerter(env)); // a reminder is due
    await setSwitch("chan2", 200);
    await tickAndAlert();
    const closed = (await alerter(env).pageIncidents(5)).recent.find((i) => i.key === "space:chan2")!;
    expect((await api("POST", `/v1/admin/incidents/${closed.id}/notes`, { token: ADMIN, json: { text: "Root cause: a bad deploy" } })).status).toBe(201);
    await runDurableObjectAlarm(alerter(env));
    const pd = (await log("pagerduty", "quiet")).accepted.map((r) => r.body.event_action);
    expect(pd).toEqual(["trigger", "resolve"]);
    const teams = (await log("teams", "quiet")).accepted.map((r) => r.body.attachments[0].content.body[0].text as string);
    expect(teams.map((t) => t.slice(0, 2))).toEqual(["🔴", "🟠", "🟢", "📝"]); // opened, reminder, resolved, note

    expect((await api("POST", "/v1/admin/alerts/test", { token: ADMIN })).body.queued).toBe(5);
    await runDurableObjectAlarm(alerter(env));
    const test = (await log("pagerduty", "quiet")).accepted.slice(2).map((r) => r.body);
    expect(test.map((b) => [b.event_action, b.payload?.severity])).toEqual([["trigger", "info"], ["resolve", undefined]]);
    expect(test[0]!.dedup_key).toBe(test[1]!.dedup_key);
    for (const s of SERVICES) expect((await log(s, "quiet")).refused).toEqual([]);
  });

  it("refuse bad settings naming the field, and never show a token, key or URL path", async () => {
    const bad = [
      [{ type: "telegram", bot_token: "nope", chat_id: 1 }, "targets.0.bot_token"],
      [{ type: "pushover", token: PUSH_TOKEN, user: "short" }, "targets.0.user"],
      [{ type: "pagerduty", routing_key: "x".repeat(31) }, "targets.0.routing_key"],
      [{ type: "ntfy", url: "https://ntfy.sh/" }, "targets.0.url"],
      [{ type: "teams", url: "not a url" }, "targets.0.url"],
    ] as const;
    for (const [target, field] of bad) {
      const res = await api("PUT", "/v1/admin/alerts", { token: ADMIN, json: { targets: [target] } });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    await configure("shown");
    const text = JSON.stringify((await api("GET", "/v1/admin/alerts", { token: ADMIN })).body);
    for (const secret of [BOT, PUSH_TOKEN, PUSH_USER, ROUTING, NTFY_TOKEN, "/svc/"]) expect(text).not.toContain(secret);
    expect(text).toContain('"type":"pagerduty","name":"on-call"');
  });
});
