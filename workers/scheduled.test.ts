// The tick reads the Space list and logs what it found, valid and invalid entries apart.
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import worker from "./index.js";

it("logs the Space list's valid and invalid entries on each tick", async () => {
  await env.SPACES.put("spaces", JSON.stringify(["https://a.hf.space", "nope", { url: "https://b.hf.space" }]));
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.parse("2026-11-22T18:00:00Z") }), env);
  spy.mockRestore();
  expect(lines.map((l) => JSON.parse(l))).toContainEqual({
    level: "info", msg: "tick", cron: "* * * * *", scheduled_at: "2026-11-22T18:00:00.000Z", spaces: { valid: 2, invalid: 1, list_error: null },
  });
});
