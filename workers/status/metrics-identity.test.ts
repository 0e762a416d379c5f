// Prometheus keeps one series per label set: every /metrics family must have unique label
// sets, even for a stored list whose Spaces read alike (equal names, or URLs that differ
// only in their query). Spaces carry `space_id` and `name`.
import { env, exports } from "cloudflare:workers";
import { afterEach, expect, inject, it, vi } from "vitest";
import { cronTick, freezeClock } from "../../test/helpers.js";
import { DEFAULT_PINGER_SETTINGS } from "../pinger/settings.js";

const BASE = inject("spacesBase");
afterEach(() => void vi.useRealTimers());

it("has one series per Space in every family, for equal names and for URLs that differ only in the query", async () => {
  // Written to KV directly (the admin API refuses equal names): a stored list keeps pinging both.
  await env.SPACES.put("spaces", JSON.stringify([
    { url: `${BASE}/ok/alike`, name: "alike" },
    { url: `${BASE}/status/500/alike-too`, name: "alike", down_after: 1 },
    `${BASE}/ok/query?key=one`,
    `${BASE}/ok/query?key=two`,
  ]));
  freezeClock("2026-12-02T10:01:00Z");
  await cronTick(Date.now(), { ...DEFAULT_PINGER_SETTINGS, PING_BACKOFF_MS: 10, PING_RETRIES: 0 });
  const text = await (await exports.default.fetch("http://edge.test/metrics")).text();
  const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.slice(0, l.lastIndexOf(" ")));
  expect(new Set(samples).size).toBe(samples.length);
  const up = samples.filter((s) => s.startsWith("edge_pulse_space_up{"));
  expect(up).toHaveLength(4);
  expect(up.filter((s) => s.includes('name="alike"'))).toHaveLength(2);
  expect(text).not.toContain("key=one");
});
