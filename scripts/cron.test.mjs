// The dev runner's cron matcher: `npm run dev` fires wrangler.toml's crons with it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cronMatches, cronsOf } from "./cron.mjs";

const at = (iso) => new Date(iso);

describe("cronMatches", () => {
  it("matches every minute for * * * * *", () => {
    expect(cronMatches("* * * * *", at("2026-11-22T17:12:00Z"))).toBe(true);
  });
  it("handles steps, ranges and lists", () => {
    expect(cronMatches("*/5 * * * *", at("2026-11-22T17:10:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-11-22T17:11:00Z"))).toBe(false);
    expect(cronMatches("0 9-17 * * 1-5", at("2026-11-23T09:00:00Z"))).toBe(true); // Monday
    expect(cronMatches("0 9-17 * * 1-5", at("2026-11-22T09:00:00Z"))).toBe(false); // Sunday
    expect(cronMatches("15,45 * * * *", at("2026-11-22T03:45:00Z"))).toBe(true);
    expect(cronMatches("0 0 * * 7", at("2026-11-22T00:00:00Z"))).toBe(true); // 7 is Sunday too
  });
  it("reads the crons of this repo's wrangler.toml", () => {
    expect(cronsOf(readFileSync("wrangler.toml", "utf8"))).toEqual(["* * * * *"]);
  });
});
