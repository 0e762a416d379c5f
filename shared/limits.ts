// Limits and defaults shared by the edge and the sidecar. Every number a user can meet
// (a 413, a default interval) is named here so docs, code and tests agree.

/** Deepest nesting of arrays and objects in any JSON the edge or the hive reads (checked before parsing). */
export const MAX_JSON_DEPTH = 32;
/** Largest request body the edge reads, in bytes; larger bodies get 413. */
export const MAX_BODY_BYTES = 512 * 1024;
/** GPUs one host may report in one pool heartbeat (larger arrays get 413). */
export const MAX_GPUS_PER_HOST = 64;
/** Workers one host may report in one pool heartbeat (larger arrays get 413). */
export const MAX_WORKERS_PER_HOST = 1024;
/** Workers one pool may hold; a heartbeat that would add more gets 413. */
export const MAX_WORKERS_PER_POOL = 20_000;
/** Hosts one pool may hold. */
export const MAX_HOSTS_PER_POOL = 1_000;
/** Capabilities per worker, and the length of each. */
export const MAX_CAPABILITIES = 32;
export const MAX_ID_LENGTH = 128;
export const MAX_POOL_ID_LENGTH = 64;

/** Seed defaults (rbee): worker -> hive every 30 s, hive -> queen every 15 s. */
export const DEFAULT_WORKER_INTERVAL_S = 30;
export const DEFAULT_POOL_INTERVAL_S = 15;
/** A sender is stale after this many missed intervals (Healthchecks-style grace). */
export const DEFAULT_STALE_AFTER_MISSED = 3;
/** A sender silent this long is evicted (unless the mass-staleness guard holds). */
export const DEFAULT_EVICT_AFTER_S = 600;
/** Kubernetes' unhealthy-zone threshold: at or above this stale fraction, evict nobody. */
export const DEFAULT_MASS_STALE_FRACTION = 0.55;
/** The guard only applies to pools at least this big, so a 1-worker pool can still evict. */
export const DEFAULT_MASS_STALE_MIN_SENDERS = 3;
/**
 * While heartbeats arrive close together, last-seen times and readings are written at most
 * this often (one row per 1,000 senders); a pool that then falls silent and is hibernated
 * is judged at most this much late. Settable per pool.
 */
export const DEFAULT_FLUSH_INTERVAL_S = 30;
/** Senders per volatile-state row. */
export const SENDERS_PER_FLUSH_ROW = 1000;
/** Sender clocks further than this from the edge's get a `skew` event. */
export const CLOCK_SKEW_WARN_MS = 30_000;
/** Request timeout the seeds use for every heartbeat. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
