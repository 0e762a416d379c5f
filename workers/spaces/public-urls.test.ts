// A Space URL may carry credentials (user:password@, ?key=...). Viewers (GET /v1/spaces, the
// page, /metrics) and logs see scheme, host and path only; the admin API keeps the full list.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { ADMIN, api, cronTick, freezeClock } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";
import { publicUrl } from "../../shared/public-url.js";

const BASE = inject("spacesBase");

afterEach(() => void vi.useRealTimers());

describe("Space URLs with secrets", () => {
  it("never reach GET /v1/spaces, the page, /metrics or a log line; the admin API keeps them", async () => {
    const secret = new URL(`${BASE}/switch/secret-space`);
    secret.username = "owner";
    secret.password = "PASSWORD-123";
    secret.searchParams.set("key", "QUERY-SECRET-456");
    const typo = "htps://typo.example/x?token=TYPO-SECRET-789";
    await env.SPACES.put("spaces", JSON.stringify([{ url: secret.href, interval_s: 60, down_after: 1, headers: { authorization: "Bearer HEADER-SECRET" } }, typo]));
    await fetch(`${BASE}/_switch/secret-space/502`, { method: "PUT" });

    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
    for (const minute of [1, 2]) {
      freezeClock(new Date(Date.parse("2026-12-01T10:00:00Z") + minute * 60_000).toISOString());
      await cronTick(Date.now(), { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 20 });
    }
    spy.mockRestore();

    const body = (await api("GET", "/v1/spaces")).body;
    const { exports } = await import("cloudflare:workers");
    const page = await (await exports.default.fetch("http://edge.test/")).text();
    const metrics = await (await exports.default.fetch("http://edge.test/metrics")).text();
    for (const [what, text] of [["/v1/spaces", JSON.stringify(body)], ["page", page], ["metrics", metrics], ["logs", lines.join("\n")]] as const) {
      for (const s of ["PASSWORD-123", "QUERY-SECRET-456", "TYPO-SECRET-789", "HEADER-SECRET", "owner:"]) expect(text, `${what} shows ${s}`).not.toContain(s);
    }
    // The id tells this Space apart from one that differs only in its secrets, without showing them.
    expect(body.spaces[0].url).toBe(`${BASE}/switch/secret-space`);
    expect(body.spaces[0].id).toMatch(new RegExp(`^${BASE.replace(/[.]/g, "\\.")}/switch/secret-space#[0-9a-f]{6}$`));
    expect(body.config_errors[0].value).toBe("htps://typo.example/x");
    expect(lines.some((l) => l.includes("space state changed"))).toBe(true);
    const admin = (await api("GET", "/v1/admin/spaces", { token: ADMIN })).body;
    expect(JSON.stringify(admin)).toContain("QUERY-SECRET-456");
  });

  it("publicUrl keeps scheme, host and path, also of text that is not a URL", () => {
    expect(publicUrl("https://u:p@a.example:8443/x/y?k=1#f")).toBe("https://a.example:8443/x/y");
    expect(publicUrl("htps:/u:p@typo?k=1")).toBe("htps:/typo");
    expect(publicUrl("nothing")).toBe("nothing");
  });
});
