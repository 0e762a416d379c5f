// Property: any body sent to the heartbeat and admin endpoints is either accepted and reads
// back as sent, or refused with a 4xx naming a field, and after a refusal the stored state
// (the pool's SQLite tables, the KV keys) is byte-identical. Bodies are valid ones with random
// mutations (a field replaced by any JSON, an extra key, __proto__, deep nesting) and raw JSON.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createPool, snapshot } from "../../test/helpers.js";
import { pool } from "../objects.js";

const RUNS = 150;

/** Every row of every table of a pool's object, as text. */
async function poolRows(poolId: string): Promise<string> {
  return runInDurableObject(pool(env, poolId), (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%' ORDER BY name").toArray();
    return JSON.stringify(tables.map(({ name }) => [name, state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()]));
  });
}

const id = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
const bytes = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null });
const gpu = fc.record({ id: fc.integer({ min: 0, max: 8 }), device_name: fc.string({ minLength: 1, maxLength: 24 }), total_vram_bytes: bytes, free_vram_bytes: bytes });
const worker = fc.record({
  id,
  status: fc.constantFrom("idle", "busy", "loading"),
  model_ref: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: null }),
  vram_bytes: bytes,
  gpu_id: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
  uri: fc.option(fc.constantFrom("http://127.0.0.1:8001", "https://w.example/x"), { nil: null }),
  capabilities: fc.array(fc.constantFrom("text-gen", "embed"), { maxLength: 2 }),
  protocol: fc.option(fc.constantFrom("sse", "http"), { nil: null }),
});

/** A mutation of a valid body: a field at some path replaced by any JSON, or an extra key (sometimes __proto__). */
const mutation = fc.record({
  path: fc.constantFrom("", "gpus.0", "workers.0", "workers.1"),
  key: fc.oneof(fc.constantFrom("timestamp", "pool_id", "host_id", "id", "total_vram_bytes", "free_vram_bytes", "status", "uri", "gpu_id", "capabilities", "__proto__", "extra"), fc.string({ maxLength: 8 })),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant("[".repeat(40) + "]".repeat(40))),
});

function mutate(body: unknown, muts: Array<{ path: string; key: string; value: unknown }>): string {
  const copy = JSON.parse(JSON.stringify(body));
  let text: string | null = null;
  for (const m of muts) {
    let target = copy;
    for (const p of m.path.split(".").filter(Boolean)) target = target?.[p];
    if (target === null || typeof target !== "object") continue;
    if (typeof m.value === "string" && m.value.startsWith("[[")) text = JSON.stringify(copy).replace(/^\{/, `{"deep":${m.value},`);
    else Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return text ?? JSON.stringify(copy);
}

function expectNamedRefusal(status: number, body: any, what: string): void {
  expect(status, what).toBeGreaterThanOrEqual(400);
  expect(status, what).toBeLessThan(500);
  expect(typeof body?.error?.field, `${what}: ${JSON.stringify(body)}`).toBe("string");
  expect(body.error.field.length, what).toBeGreaterThan(0);
}

describe("random bodies", () => {
  it("pool heartbeats: accepted and read back as sent, or refused naming a field with the pool's rows unchanged", async () => {
    const token = await createPool("fuzz");
    const heartbeat = fc.record({ gpus: fc.array(gpu, { maxLength: 3 }), workers: fc.array(worker, { maxLength: 3 }) }).map((b) => ({ pool_id: "fuzz", host_id: "fuzz-host", timestamp: new Date().toISOString(), ...b }));
    await fc.assert(
      fc.asyncProperty(heartbeat, fc.array(mutation, { maxLength: 2 }), async (valid, muts) => {
        valid.timestamp = new Date().toISOString();
        const raw = mutate(valid, muts);
        const before = await poolRows("fuzz");
        const res = await api("POST", "/v2/pools/fuzz/heartbeat", { token, raw, headers: { "content-type": "application/json" } });
        if (res.status === 200) {
          const sent = JSON.parse(raw);
          const snap = await snapshot("fuzz");
          const gpus = snap.gpus.filter((g) => g.host_id === sent.host_id).map((g) => [g.id, g.device_name, g.total_vram_bytes, g.free_vram_bytes]);
          expect(gpus).toEqual(sent.gpus.map((g: any) => [g.id, g.device_name, g.total_vram_bytes, g.free_vram_bytes]));
          for (const w of sent.workers) expect(snap.workers.find((x) => x.id === w.id)).toMatchObject({ ...w, host_id: sent.host_id });
        } else {
          expectNamedRefusal(res.status, res.body, raw.slice(0, 200));
          expect(await poolRows("fuzz")).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("pool settings: applied and read back, or refused naming a field with the pool's rows unchanged", async () => {
    await createPool("fuzz-settings");
    const patch = fc.dictionary(fc.constantFrom("worker_interval_s", "pool_interval_s", "stale_after_missed", "evict_after_s", "flush_interval_s", "__proto__", "nope"), fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(patch, async (p) => {
        const raw = JSON.stringify(p);
        const before = await poolRows("fuzz-settings");
        const res = await api("PATCH", "/v1/admin/pools/fuzz-settings/settings", { token: ADMIN, raw, headers: { "content-type": "application/json" } });
        if (res.status === 200) expect((await api("GET", "/v1/admin/pools/fuzz-settings/settings", { token: ADMIN })).body).toMatchObject(JSON.parse(raw));
        else {
          expectNamedRefusal(res.status, res.body, raw);
          expect(await poolRows("fuzz-settings")).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("the Space list and alert settings: stored as sent, or refused naming a field with KV unchanged", async () => {
    const entry = fc.oneof(
      fc.constantFrom("https://a.example", "https://b.example/x", "htp:/typo"),
      fc.record({ url: fc.constantFrom("https://c.example", "ftp://d.example"), interval_s: fc.integer({ min: 0, max: 100_000 }) }, { requiredKeys: ["url"] }),
    );
    const list = fc.tuple(fc.array(entry, { maxLength: 3 }), fc.array(mutation, { maxLength: 1 })).map(([l, m]) => (m.length > 0 && l.length > 0 ? mutate(l, m.map((x) => ({ ...x, path: "0" }))) : JSON.stringify(l)));
    const alerts = fc.tuple(fc.record({ remind_every_s: fc.integer({ min: -10, max: 700_000 }), targets: fc.array(fc.record({ type: fc.constantFrom("discord", "webhook", "pager"), url: fc.constantFrom("https://hooks.example/a", "nope") }), { maxLength: 2 }) }, { requiredKeys: [] }), fc.array(mutation, { maxLength: 1 }))
      .map(([a, m]) => mutate(a, m.map((x) => ({ ...x, path: "" }))));
    await fc.assert(
      fc.asyncProperty(list, alerts, async (spacesRaw, alertsRaw) => {
        for (const [path, key, raw] of [["/v1/admin/spaces", "spaces", spacesRaw], ["/v1/admin/alerts", "alerts", alertsRaw]] as const) {
          const before = await env.SPACES.get(key);
          const res = await api("PUT", path, { token: ADMIN, raw, headers: { "content-type": "application/json" } });
          if (res.status === 200) expect(JSON.parse((await env.SPACES.get(key))!)).toEqual(JSON.parse(raw));
          else {
            expectNamedRefusal(res.status, res.body, `${path} ${raw.slice(0, 200)}`);
            expect(await env.SPACES.get(key), path).toBe(before);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
