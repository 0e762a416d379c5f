// The dev runner's cron: `npm run dev` fires wrangler.toml's crons with it, as Cloudflare would.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cronMatches, cronsOf, parseCron } from "./cron.mjs";

const at = (iso) => new Date(iso);

describe("cronMatches", () => {
  it("matches every minute for * * * * *, at any second of it", () => {
    expect(cronMatches("* * * * *", at("2026-11-22T17:12:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-11-22T17:10:42Z"))).toBe(true);
  });
  it("handles steps, ranges and lists", () => {
    expect(cronMatches("*/5 * * * *", at("2026-11-22T17:10:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-11-22T17:11:00Z"))).toBe(false);
    expect(cronMatches("0 9-17 * * 1-5", at("2026-11-23T09:00:00Z"))).toBe(true); // Monday
    expect(cronMatches("0 9-17 * * 1-5", at("2026-11-22T09:00:00Z"))).toBe(false); // Sunday
    expect(cronMatches("15,45 * * * *", at("2026-11-22T03:45:00Z"))).toBe(true);
    expect(cronMatches("0 0 * * 7", at("2026-11-22T00:00:00Z"))).toBe(true); // 7 is Sunday too
  });
  it("handles what Cloudflare accepts beyond that: names, L, W, # and ?", () => {
    expect(cronMatches("0 12 * * MON", at("2026-11-23T12:00:00Z"))).toBe(true);
    expect(cronMatches("0 12 * JAN-MAR SUN", at("2026-11-22T12:00:00Z"))).toBe(false);
    expect(cronMatches("0 0 L * *", at("2026-11-30T00:00:00Z"))).toBe(true); // last day of the month
    expect(cronMatches("0 0 L * *", at("2026-11-29T00:00:00Z"))).toBe(false);
    expect(cronMatches("0 9 ? * 2#1", at("2026-11-03T09:00:00Z"))).toBe(true); // first Tuesday
    expect(cronMatches("0 9 ? * 2#1", at("2026-11-10T09:00:00Z"))).toBe(false);
    expect(cronMatches("0 0 1W * *", at("2026-11-02T00:00:00Z"))).toBe(true); // Nov 1 2026 is a Sunday
  });
  it("refuses what it cannot read, naming the expression", () => {
    expect(() => parseCron("61 * * * *")).toThrow('cron "61 * * * *"');
    expect(() => parseCron("* * * * * *")).toThrow("exactly five fields");
    expect(() => parseCron("every minute")).toThrow('cron "every minute"');
  });
  it("reads the crons of this repo's wrangler.toml", () => {
    expect(cronsOf(readFileSync("wrangler.toml", "utf8"))).toEqual(["* * * * *"]);
  });
});
