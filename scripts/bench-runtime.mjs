// A Durable Object runtime in Node for the CPU benchmarks (bench:limits): the project's own
// Worker and object classes, bundled from workers/index.ts with `cloudflare:workers` pointed at
// a small stand-in, each object's storage on node:sqlite, KV in memory. What the local runtime
// cannot show is what this counts: CPU per invocation. A call to an object is an invocation of
// its own: its CPU is counted apart from its caller's, the caller serialising the arguments and
// reading the answer (V8's serializer, as RPC does) and the object the other way round. Calls a
// caller makes at once are run one after another, so no two invocations' CPU ever overlaps.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { deserialize, serialize } from "node:v8";
import { timingSafeEqual } from "node:crypto";

// workerd's non-standard constant-time comparison (auth/tokens.ts uses it).
if (typeof crypto.subtle.timingSafeEqual !== "function") {
  crypto.subtle.timingSafeEqual = (a, b) => timingSafeEqual(new Uint8Array(a.buffer ?? a, a.byteOffset ?? 0, a.byteLength), new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength));
}

// The invocation's own time on the main thread. Everything here is synchronous but for a few
// awaits that resolve at once (storage is node:sqlite, KV in memory), so the main thread's wall
// time is its CPU, GC pauses included; process.cpuUsage() would add the process's helper
// threads (concurrent GC, the optimising compiler), and a thread's own CPU clock (getrusage)
// counts in 4 ms steps.
const cpuNow = () => performance.now();

/** storage.sql on node:sqlite: the SqlStorage calls the project makes (exec, toArray, one, rowsWritten). */
class SqlStorage {
  constructor(db) {
    this.db = db;
    this.cache = new Map();
  }
  exec(query, ...params) {
    if (params.length > 100) throw new Error(`${params.length} bound parameters: a Durable Object's SQLite takes at most 100`);
    const bound = params.map((p) => (p instanceof ArrayBuffer ? new Uint8Array(p) : p));
    const statements = query.split(";").filter((s) => s.trim() !== "");
    if (statements.length > 1 && bound.length === 0) {
      this.db.exec(query);
      return cursor([], 0);
    }
    let st = this.cache.get(query);
    if (st === undefined) this.cache.set(query, (st = this.db.prepare(query)));
    if (st.columns().length > 0) {
      // Blobs come back as ArrayBuffer, as a Durable Object gives them.
      const rows = st.all(...bound).map((r) => {
        for (const k in r) {
          const v = r[k];
          if (v instanceof Uint8Array) r[k] = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v.buffer : v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
        }
        return r;
      });
      return cursor(rows, /^\s*(insert|update|delete|replace)/i.test(query) ? rows.length : 0);
    }
    return cursor([], Number(st.run(...bound).changes));
  }
  get databaseSize() {
    return 0;
  }
}

function cursor(rows, rowsWritten) {
  return {
    toArray: () => rows,
    one: () => {
      if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
      return rows[0];
    },
    rowsWritten,
    rowsRead: rows.length,
    [Symbol.iterator]: () => rows[Symbol.iterator](),
  };
}

class Storage {
  constructor() {
    this.db = new DatabaseSync(":memory:");
    this.sql = new SqlStorage(this.db);
    this.alarm = null;
  }
  async getAlarm() {
    return this.alarm;
  }
  async setAlarm(at) {
    this.alarm = typeof at === "number" ? at : at.getTime();
  }
  async deleteAlarm() {
    this.alarm = null;
  }
  async deleteAll() {
    for (const { name } of this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()) this.db.exec(`DROP TABLE IF EXISTS "${name}"`);
    this.sql.cache.clear();
    this.alarm = null;
  }
}

/** CPU per invocation: a frame per call, children's time taken out of their parent's. */
export class Meter {
  constructor() {
    this.samples = new Map();
    this.stack = [];
    this.turns = new Map();
  }
  record(label, ms, bytes = 0) {
    let s = this.samples.get(label);
    if (s === undefined) this.samples.set(label, (s = { ms: [], bytes: [] }));
    s.ms.push(ms);
    s.bytes.push(bytes);
  }
  /** Runs `fn` as an invocation named `label`; siblings of one caller take turns. */
  async invoke(label, fn, { bytesOf = () => 0, record = true } = {}) {
    const parent = this.stack[this.stack.length - 1] ?? null;
    const previous = this.turns.get(parent) ?? Promise.resolve();
    let release;
    this.turns.set(parent, new Promise((r) => (release = r)));
    await previous;
    const frame = { label, children: 0 };
    this.stack.push(frame);
    const start = cpuNow();
    try {
      const result = await fn(frame);
      const total = cpuNow() - start;
      if (record) this.record(label, total - frame.children, bytesOf(result));
      if (parent !== null) parent.children += total;
      return result;
    } finally {
      this.stack.pop();
      release();
    }
  }
}

/**
 * A namespace of one object class: getByName gives a stub whose calls are invocations.
 * `around(className, method, call)`: runs each call (bench:budget keeps a clock per invocation).
 */
function namespace(meter, Cls, env, className, around = (_c, _m, call) => call()) {
  const objects = new Map();
  // Made when first called (inside the calling invocation: a cold object's start is its first request's CPU).
  const instance = (name) => {
    let o = objects.get(name);
    if (o === undefined) objects.set(name, (o = { obj: null, storage: new Storage() }));
    if (o.obj === null) {
      const ctx = { storage: o.storage, id: { name, toString: () => name }, waitUntil: (p) => void Promise.resolve(p).catch(() => {}), blockConcurrencyWhile: async (fn) => fn(), abort: () => {} };
      o.obj = new Cls(ctx, env);
    }
    return o;
  };
  const stub = (name) =>
    new Proxy(
      {},
      {
        get(_t, method) {
          if (method === "then") return undefined;
          return (...args) => around(className, String(method), async () => {
            // The caller serialises the arguments; the object reads them, works, serialises its answer; the caller reads it.
            const wire = serialize(args);
            let answer;
            let size = 0;
            await meter.invoke(`${className}.${String(method)}`, async () => {
              const o = instance(name).obj;
              const value = await o[method](...deserialize(wire));
              const streamed = value instanceof ReadableStream || (value?.ok === true && value.value instanceof ReadableStream);
              answer = streamed ? { value } : { wire: serialize(value ?? null) };
              size = answer.wire?.byteLength ?? 0;
              return answer;
            }, { bytesOf: () => size });
            return answer.wire === undefined ? answer.value : deserialize(answer.wire);
          });
        },
      },
    );
  return {
    getByName: (name) => stub(name),
    get: (id) => stub(id.name),
    idFromName: (name) => ({ name, toString: () => name }),
    /** The object itself (the bench fills or inspects it directly). */
    instance: (name) => instance(name).obj,
    storageOf: (name) => instance(name).storage,
    /** The object evicted: a new instance on the same storage (its memory, caches included, gone). */
    evict: (name) => {
      const o = objects.get(name);
      if (o !== undefined) o.obj = null;
    },
    alarm: (name) => around(className, "alarm", () => meter.invoke(`${className}.alarm`, async () => instance(name).obj.alarm())),
    /** Runs every alarm set for `now` or before, as the runtime would (cleared first: the handler sets the next). */
    async runDueAlarms(now) {
      for (const [name, o] of objects) {
        if (o.storage.alarm === null || o.storage.alarm > now) continue;
        o.storage.alarm = null;
        await this.alarm(name);
      }
    },
  };
}

/** In-memory KV: get(key) and put(key, value), as the project uses it. */
function kv() {
  const m = new Map();
  return {
    get: async (key, type) => {
      const v = m.get(key) ?? null;
      return v === null ? null : type === "json" ? JSON.parse(v) : v;
    },
    put: async (key, value) => void m.set(key, String(value)),
    delete: async (key) => void m.delete(key),
    list: async () => ({ keys: [...m.keys()].map((name) => ({ name })), list_complete: true }),
  };
}

/** The [vars] of wrangler.toml (strings, as the runtime gives them). */
export function vars() {
  const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const block = toml.slice(toml.indexOf("[vars]"));
  const out = {};
  for (const line of block.split("\n").slice(1)) {
    if (/^\[/.test(line)) break;
    const m = /^([A-Z_]+)\s*=\s*"(.*)"/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * The Worker and its objects in one process. `shards`: a stand-in for PingShard.run (pings cost
 * the shard objects' own invocations, measured in their own bench), so a tick's CPU is the
 * SpaceStore's own.
 */
export async function startRuntime({ extraVars = {}, shards, around } = {}) {
  const { build } = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "bench-rt-"));
  const shim = join(dir, "cloudflare-workers.mjs");
  writeFileSync(shim, "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\nexport class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\nexport const env = {};\n");
  const out = join(dir, "worker.mjs");
  await build({
    stdin: { contents: 'export { default, PoolRegistry, PoolIndex, SpaceStore, PingShard, Alerter } from "./workers/index.ts";', resolveDir: process.cwd(), loader: "ts" },
    bundle: true, platform: "node", format: "esm", outfile: out, logLevel: "error", jsx: "automatic", jsxImportSource: "hono/jsx",
    alias: { "cloudflare:workers": shim },
  });
  const mod = await import(out);
  const meter = new Meter();
  const env = { ...vars(), ADMIN_TOKEN: "bench-admin-token-0123456789", CRON_LATE_S: "0", ...extraVars, SPACES: kv() };
  const ShardStandIn = class {
    constructor(ctx, envIn) {
      this.ctx = ctx;
      this.env = envIn;
    }
    async run(order) {
      return shards(order);
    }
  };
  Object.assign(env, {
    POOLS: namespace(meter, mod.PoolRegistry, env, "PoolRegistry", around),
    POOL_INDEX: namespace(meter, mod.PoolIndex, env, "PoolIndex", around),
    SPACE_STORE: namespace(meter, mod.SpaceStore, env, "SpaceStore", around),
    PING_SHARDS: namespace(meter, shards === undefined ? mod.PingShard : ShardStandIn, env, "PingShard", around),
    ALERTS: namespace(meter, mod.Alerter, env, "Alerter", around),
  });
  const worker = mod.default;
  const ctx = () => ({ waitUntil: (p) => void Promise.resolve(p).catch(() => {}), passThroughOnException: () => {}, props: {} });
  return {
    env,
    meter,
    mod,
    /** A request through the Worker; its own CPU recorded as `label` (the objects' apart). */
    async fetch(label, path, init = {}) {
      const res = await meter.invoke(`Worker ${label}`, async () => {
        const r = await worker.fetch(new Request(`https://edge.bench${path}`, init), env, ctx());
        const body = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, body };
      }, { bytesOf: (r) => r.body.byteLength });
      return { status: res.status, text: () => new TextDecoder().decode(res.body), bytes: res.body.byteLength };
    },
    /** The Cron Trigger's invocation. */
    async cron(scheduledTime) {
      return meter.invoke("Worker cron", async () => worker.scheduled({ scheduledTime, cron: "* * * * *", noRetry() {} }, env, ctx()));
    },
  };
}
