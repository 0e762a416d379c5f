// Helpers for edge tests: HTTP through the Worker's own fetch handler, pools created
// through the admin API, and a frozen clock the Durable Objects share with the tests.
import { exports, env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { vi } from "vitest";
import { PoolSnapshotSchema, type PoolSnapshot } from "../shared/index.js";
import { TEST_ADMIN_TOKEN } from "./constants.js";
import { Validator } from "@cfworker/json-schema";
import { buildOpenApiDocument } from "../workers/openapi/document.js";
import { alerter, pool, spaceStore } from "../workers/objects.js";
import type { PingerSettings } from "../workers/pinger/settings.js";

export const ADMIN = TEST_ADMIN_TOKEN;

/** The seed's worker heartbeat, verbatim (rbee-heartbeat README). */
export const SEED_WORKER_HEARTBEAT = `{"worker_id": "worker-abc123", "timestamp": "2025-10-19T12:34:56Z", "health_status": "healthy"}`;

/** The seed's pool heartbeat, verbatim. */
export const SEED_POOL_HEARTBEAT = `{
  "pool_id": "pool-1",
  "timestamp": "2025-10-19T12:34:56Z",
  "gpus": [
    {
      "id": 0,
      "device_name": "NVIDIA RTX 4090",
      "total_vram_bytes": 24000000000,
      "free_vram_bytes": 12000000000
    }
  ],
  "workers": [
    {
      "id": "worker-abc123",
      "status": "idle",
      "model_ref": "llama-7b",
      "vram_bytes": 8000000000,
      "gpu_id": 0,
      "uri": "http://localhost:8001",
      "capabilities": ["text-gen"],
      "protocol": "sse"
    }
  ]
}`;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] = "application/json";
  } else if (opts.raw !== undefined) body = opts.raw;
  const res = await exports.default.fetch(`http://edge.test${path}`, { method, headers, body });
  const text = await res.text();
  const parsed = text === "" ? null : JSON.parse(text);
  checkAgainstDocument(method, path, res.status, parsed);
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Every answer the suite sees is held to the API's OpenAPI document, built here exactly as
 * the build writes it (workers/openapi/document.ts): its status must be documented for that
 * route, and a JSON body must validate against the documented schema (a JSON Schema
 * validator that runs inside workerd, not the zod schemas the document came from, so a
 * document that says something else than the code fails the suite). A wrong method (405)
 * or unknown path (404) has no route to document it and is skipped.
 */
const DOCUMENT = buildOpenApiDocument("test") as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, object> } };
const DEFS = JSON.parse(JSON.stringify(DOCUMENT.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Record<string, object>;
const ROUTES = Object.entries(DOCUMENT.paths).map(([template, ops]) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`), ops }));
const validators = new Map<string, Validator>();

function validatorFor(schema: object): Validator {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (v === undefined) {
    v = new Validator({ ...JSON.parse(key.replaceAll('"#/components/schemas/', '"#/$defs/')), $defs: DEFS }, "2020-12", false);
    validators.set(key, v);
  }
  return v;
}

export function checkAgainstDocument(method: string, path: string, status: number, body: unknown): void {
  const pathname = path.split("?")[0]!;
  const route = ROUTES.find((r) => r.pattern.test(pathname) && r.ops[method.toLowerCase()] !== undefined);
  if (route === undefined) return;
  const op = route.ops[method.toLowerCase()]!;
  const documented = op.responses[String(status)];
  if (documented === undefined) throw new Error(`undocumented status: ${method} ${route.template} answered ${status} (${JSON.stringify(body).slice(0, 200)}); documented: ${Object.keys(op.responses).join(", ")}`);
  const schema = documented.content?.["application/json"]?.schema;
  if (schema === undefined) return;
  const result = validatorFor(schema).validate(body);
  if (!result.valid) {
    const detail = result.errors.slice(-3).map((e) => `${e.instanceLocation}: ${e.error}`).join("; ");
    throw new Error(`undocumented body: ${method} ${route.template} ${status}: ${detail}`);
  }
}

/** Creates a pool (optionally with timing) and returns a fresh pool token for it. */
export async function createPool(poolId: string, settings?: Record<string, number>): Promise<string> {
  const res = await api("POST", `/v1/admin/pools/${poolId}/tokens`, { token: ADMIN, json: { label: "test" } });
  if (res.status !== 201) throw new Error(`token: ${JSON.stringify(res.body)}`);
  if (settings !== undefined) {
    const patched = await api("PATCH", `/v1/admin/pools/${poolId}/settings`, { token: ADMIN, json: settings });
    if (patched.status !== 200) throw new Error(`settings: ${JSON.stringify(patched.body)}`);
  }
  return res.body.token as string;
}

export async function snapshot(poolId: string, token = ADMIN): Promise<PoolSnapshot> {
  const res = await api("GET", `/v2/pools/${poolId}`, { token });
  if (res.status !== 200) throw new Error(`snapshot: ${res.status} ${JSON.stringify(res.body)}`);
  return PoolSnapshotSchema.parse(res.body);
}

export async function events(poolId: string): Promise<{ kind: string; subject: string; detail: any }[]> {
  return (await api("GET", `/v2/pools/${poolId}/events?limit=1000`, { token: ADMIN })).body.events;
}

export async function stats(poolId: string): Promise<{ rows_written: number; heartbeats: number; workers: number; hosts: number; alarm_at: string | null }> {
  return (await api("GET", `/v1/admin/pools/${poolId}/stats`, { token: ADMIN })).body;
}

/** Freezes Date (in the tests and the Durable Objects alike) at `iso`. Alarms then only run when a test runs them. */
export function freezeClock(iso: string): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

export function advance(seconds: number): void {
  vi.setSystemTime(new Date(Date.now() + seconds * 1000));
}

/** Runs the pool's alarm if one is set (the alarm does its own time checks). */
export async function runAlarm(poolId: string): Promise<boolean> {
  return runDurableObjectAlarm(pool(env, poolId));
}

export function workerHeartbeat(workerId: string, timestamp = new Date().toISOString(), health = "healthy") {
  return { worker_id: workerId, timestamp, health_status: health };
}

/** Sends the seed's worker heartbeat with a pool token; fails the test unless it is accepted (200). */
export async function beat(token: string, workerId: string, timestamp?: string): Promise<any> {
  const res = await api("POST", "/v1/heartbeat", { token, json: workerHeartbeat(workerId, timestamp) });
  if (res.status !== 200) throw new Error(`heartbeat for ${workerId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function poolHeartbeat(poolId: string, hostId: string, workers: string[], extra: Record<string, unknown> = {}) {
  return {
    pool_id: poolId,
    host_id: hostId,
    timestamp: new Date().toISOString(),
    gpus: [{ id: 0, device_name: "NVIDIA H100 80GB HBM3", total_vram_bytes: 85_520_809_984, free_vram_bytes: 80_000_000_000 }],
    workers: workers.map((id) => ({ id, status: "idle", model_ref: "llama-7b", vram_bytes: 1, gpu_id: 0, uri: "http://127.0.0.1:8001", capabilities: ["text-gen"], protocol: "sse" })),
    ...extra,
  };
}

/**
 * A pool's object dies the way kill -9 or a crash takes it: no closing flush (its timer is
 * dropped; a pending timer would also hold off the eviction). Wakes at the next request.
 */
export async function killPool(poolId: string): Promise<void> {
  const stub = pool(env, poolId);
  await runInDurableObject(stub, (instance: { stopClosingFlush(): void }) => instance.stopClosingFlush());
  await evictDurableObject(stub);
}

/** Quiet for a while (the frozen clock moved on): the object's closing flush runs, as its timer would. */
export async function closeBurst(poolId: string): Promise<boolean> {
  return runInDurableObject(pool(env, poolId), (instance: { closeBurst(): boolean }) => instance.closeBurst());
}

/**
 * Deletes the pinger's and the Alerter's alarms (and those of the pools named). Alarms ignore
 * isolated storage and outlive a test (a known issue of the Workers Vitest integration): one
 * left set on a pinned clock fires on the real one into another file's test, and a run of
 * vitest can then never end. Call it in afterEach.
 */
export async function clearPingerAlarms(...pools: string[]): Promise<void> {
  for (const stub of [spaceStore(env), alerter(env), ...pools.map((p) => pool(env, p))]) {
    await runInDurableObject(stub, (_o: unknown, state: DurableObjectState) => state.storage.deleteAlarm());
  }
}

/**
 * A pinned clock that starts on the real minute (`offsetMs` past it), so alarms the runtime
 * fires on its own never see this file's ticks as far off; `at()` moves it on and pins it.
 */
export function minuteClock(offsetMs = 0): { at(minutes?: number): number; readonly now: number } {
  let clock = Math.floor(Date.now() / 60_000) * 60_000 + offsetMs;
  return {
    at(minutes = 1) {
      clock += minutes * 60_000;
      freezeClock(new Date(clock).toISOString());
      return clock;
    },
    get now() {
      return clock;
    },
  };
}

/**
 * One pinger tick for `scheduledTime` the way the Cron Trigger runs it: one call to the
 * SpaceStore's tick(), which plans, runs the shards and records inside the store (scheduled.ts
 * passes the settings it read from the environment; tests pass their own). Null when that
 * tick's window was already handled.
 */
export async function cronTick(scheduledTime: number, settings: PingerSettings) {
  const out = await spaceStore(env).tick(scheduledTime, settings, null);
  // As the Cron entry does (workers/scheduled.ts): a step of the history's upkeep when one waits.
  if (out?.upkeep === true) await spaceStore(env).maintain();
  return out;
}
