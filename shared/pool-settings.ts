// Per-pool timing, settable through the admin API. Deadlines derive from these.
import * as z from "zod";
import {
  DEFAULT_EVICT_AFTER_S,
  DEFAULT_FLUSH_INTERVAL_S,
  DEFAULT_MASS_STALE_FRACTION,
  DEFAULT_MASS_STALE_MIN_SENDERS,
  DEFAULT_POOL_INTERVAL_S,
  DEFAULT_STALE_AFTER_MISSED,
  DEFAULT_WORKER_INTERVAL_S,
} from "./limits.js";

const Seconds = z.number().int().min(1).max(86_400);

export const PoolSettingsSchema = z
  .object({
    worker_interval_s: Seconds.default(DEFAULT_WORKER_INTERVAL_S),
    pool_interval_s: Seconds.default(DEFAULT_POOL_INTERVAL_S),
    stale_after_missed: z.number().int().min(1).max(100).default(DEFAULT_STALE_AFTER_MISSED),
    evict_after_s: z.number().int().min(2).max(30 * 86_400).default(DEFAULT_EVICT_AFTER_S),
    mass_stale_fraction: z.number().gt(0).max(1).default(DEFAULT_MASS_STALE_FRACTION),
    mass_stale_min_senders: z.number().int().min(1).max(1_000_000).default(DEFAULT_MASS_STALE_MIN_SENDERS),
    flush_interval_s: z.number().int().min(5).max(600).default(DEFAULT_FLUSH_INTERVAL_S),
  })
  .refine((s) => s.evict_after_s > s.worker_interval_s * s.stale_after_missed, {
    message: "evict_after_s must exceed worker_interval_s * stale_after_missed",
    path: ["evict_after_s"],
  })
  .refine((s) => s.evict_after_s > s.pool_interval_s * s.stale_after_missed, {
    message: "evict_after_s must exceed pool_interval_s * stale_after_missed",
    path: ["evict_after_s"],
  });
export type PoolSettings = z.infer<typeof PoolSettingsSchema>;

/** A partial update; merged over the stored settings, then the whole is validated. */
export const PoolSettingsPatchSchema = z
  .object({
    worker_interval_s: Seconds,
    pool_interval_s: Seconds,
    stale_after_missed: z.number().int().min(1).max(100),
    evict_after_s: z.number().int().min(2).max(30 * 86_400),
    mass_stale_fraction: z.number().gt(0).max(1),
    mass_stale_min_senders: z.number().int().min(1).max(1_000_000),
    flush_interval_s: z.number().int().min(5).max(600),
  })
  .partial()
  .strict();
export type PoolSettingsPatch = z.infer<typeof PoolSettingsPatchSchema>;

export const DEFAULT_POOL_SETTINGS: PoolSettings = PoolSettingsSchema.parse({});
