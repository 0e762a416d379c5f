// One ping against real loopback servers (test/space-servers.ts), from inside workerd:
// healthy, slow, hanging past the timeout, 503-then-200 while waking, refused, reset,
// redirects and redirect loops, and the subrequest budget. (workerd itself logs an
// "uncaught exception: Network connection lost" for each refused or reset connection, even
// when the fetch's rejection is caught, as it is here.)
import { describe, expect, inject, it } from "vitest";
import { parseSpaceList, type Space } from "../../shared/spaces.js";
import { SubrequestBudget } from "./budget.js";
import { pingSpace } from "./ping.js";

const BASE = inject("spacesBase");
const REFUSED = inject("refusedBase");

function space(url: string, extra: Record<string, unknown> = {}): Space {
  const { spaces, errors } = parseSpaceList([{ url, ...extra }]);
  if (errors.length > 0) throw new Error(JSON.stringify(errors));
  return spaces[0]!;
}

const fast = { backoffMs: 20, random: () => 0.5 };
const budget = (n = 40) => new SubrequestBudget(n);

describe("pingSpace", () => {
  it("reports a healthy Space up in one attempt", async () => {
    expect(await pingSpace(space(`${BASE}/ok`), { budget: budget(), ...fast })).toMatchObject({ outcome: "up", status: 200, attempts: 1, subrequests: 1, error: null });
  });

  it("measures a slow answer's latency and still counts it up", async () => {
    const r = await pingSpace(space(`${BASE}/slow/300`, { timeout_s: 5 }), { budget: budget(), ...fast });
    expect(r.outcome).toBe("up");
    expect(r.latency_ms!).toBeGreaterThanOrEqual(250);
  });

  it("gives up on a hanging Space at the timeout, retries, then reports it down", async () => {
    const r = await pingSpace(space(`${BASE}/hang`, { timeout_s: 1 }), { budget: budget(), retries: 1, ...fast });
    expect(r).toMatchObject({ outcome: "down", attempts: 2, subrequests: 2, error: "timed out after 1 s", status: null });
  });

  it("waits out a waking Space (503, 503, then 200)", async () => {
    const r = await pingSpace(space(`${BASE}/waking/a/2`), { budget: budget(), retries: 2, ...fast });
    expect(r).toMatchObject({ outcome: "up", status: 200, attempts: 3, subrequests: 3 });
  });

  it("calls a Space still answering 503 after the retries waking, not down", async () => {
    const r = await pingSpace(space(`${BASE}/waking/b/99`), { budget: budget(), retries: 2, ...fast });
    expect(r).toMatchObject({ outcome: "waking", status: 503, attempts: 3 });
  });

  it("reports refused and reset connections down after retrying", async () => {
    for (const url of [`${REFUSED}/`, `${BASE}/reset`]) {
      const r = await pingSpace(space(url), { budget: budget(), retries: 2, ...fast });
      expect(r.outcome, url).toBe("down");
      expect(r.attempts).toBe(3);
      expect(r.error).toMatch(/^network error/);
    }
  });

  it("does not retry a 404, and honours expect_status", async () => {
    expect(await pingSpace(space(`${BASE}/status/404`), { budget: budget(), ...fast })).toMatchObject({ outcome: "down", attempts: 1, status: 404 });
    expect(await pingSpace(space(`${BASE}/status/404`, { expect_status: [404] }), { budget: budget(), ...fast })).toMatchObject({ outcome: "up" });
    expect(await pingSpace(space(`${BASE}/ok`, { expect_status: [204] }), { budget: budget(), ...fast })).toMatchObject({ outcome: "down", status: 200 });
  });

  it("follows redirects within the limit, each hop counted, and stops loops at once", async () => {
    expect(await pingSpace(space(`${BASE}/redirect/2`), { budget: budget(), ...fast })).toMatchObject({ outcome: "up", subrequests: 3 });
    expect(await pingSpace(space(`${BASE}/redirect/5`), { budget: budget(), maxRedirects: 3, ...fast })).toMatchObject({ outcome: "down", attempts: 1, subrequests: 4, error: "more than 3 redirects" });
    const loop = await pingSpace(space(`${BASE}/loop/a`), { budget: budget(), ...fast });
    expect(loop).toMatchObject({ outcome: "down", attempts: 1, subrequests: 2 });
    expect(loop.error).toMatch(/^redirect loop/);
  });

  it("never spends more than the budget, and calls an unchecked Space skipped, not down", async () => {
    const b = budget(2);
    const r = await pingSpace(space(`${BASE}/waking/c/99`), { budget: b, retries: 5, ...fast });
    expect(r).toMatchObject({ outcome: "waking", attempts: 2, subrequests: 2 });
    expect([b.spent, b.spare]).toEqual([2, 0]);
    expect(await pingSpace(space(`${BASE}/ok`), { budget: b, ...fast })).toMatchObject({ outcome: "skipped", subrequests: 0 });
    const hops = budget(2);
    expect(await pingSpace(space(`${BASE}/redirect/3`), { budget: hops, ...fast })).toMatchObject({ outcome: "skipped", subrequests: 2 });
  });

  it("keeps each reserved first attempt for its Space: retries of a failing one use only the spare budget", async () => {
    const b = budget(4);
    b.reserve(2);
    const failing = await pingSpace(space(`${BASE}/waking/d/99`), { budget: b, retries: 5, ...fast });
    expect(failing).toMatchObject({ outcome: "waking", attempts: 3, subrequests: 3 });
    expect(await pingSpace(space(`${BASE}/ok`), { budget: b, ...fast })).toMatchObject({ outcome: "up", subrequests: 1 });
    expect([b.spent, b.spare]).toEqual([4, 0]);
  });

  it("does not read a large body, and sends HEAD when asked", async () => {
    expect(await pingSpace(space(`${BASE}/big`), { budget: budget(), ...fast })).toMatchObject({ outcome: "up", status: 200 });
    expect(await pingSpace(space(`${BASE}/ok`, { method: "HEAD" }), { budget: budget(), ...fast })).toMatchObject({ outcome: "up" });
  });
});
