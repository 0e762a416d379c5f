// The address book: every Durable Object's name and the one way to reach it. Nothing else
// names an object or calls getByName (scripts/check-imports.mjs checks), so a caller imports
// this file, never an object's class file, and a renamed object changes here alone.
// The stubs' types come from the bindings (worker-configuration.d.ts, made by `wrangler types`).

/** The pinger's one store (list, state, history, the tick). */
export const SPACE_STORE_NAME = "pinger";
/** The one Alerter (incidents, outbox). */
export const ALERTER_NAME = "alerts";
/** The one list of pools. */
export const POOL_INDEX_NAME = "index";

/** `name`: only tests pass one, for a scratch store of their own. */
export const spaceStore = (env: Env, name = SPACE_STORE_NAME) => env.SPACE_STORE.getByName(name);
export const alerter = (env: Env) => env.ALERTS.getByName(ALERTER_NAME);
export const poolIndex = (env: Env) => env.POOL_INDEX.getByName(POOL_INDEX_NAME);

/** A pool's registry, named by its (already checked) pool id. */
export const pool = (env: Env, poolId: string) => env.POOLS.getByName(poolId);

/**
 * A tick's shard, named `shard-<name>`; with a region, the hint places a new object there
 * (honoured only when the object is first created).
 */
export const pingShard = (env: Env, name: string, region: string | null = null) =>
  region === null ? env.PING_SHARDS.getByName(`shard-${name}`) : env.PING_SHARDS.getByName(`shard-${name}`, { locationHint: region as DurableObjectLocationHint });
