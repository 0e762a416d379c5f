// The pinger's settings, from the Worker's vars (wrangler.toml [vars], or the dashboard).
// Each is checked; a bad one stops the tick with an error naming it, which the
// watch-the-watcher endpoint then reports, rather than pinging with a guessed value.
import * as z from "zod";
import { validate, type InputError } from "../../shared/parse.js";
import { LOCATION_HINTS } from "./regions.js";
import { PLANS } from "../../shared/usage.js";

/** The platform allows 6 simultaneous outgoing connections per invocation on every plan. */
export const PLATFORM_MAX_IN_FLIGHT = 6;

const int = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

export const PingerSettingsSchema = z
  .object({
    /**
     * External subrequests one shard invocation may make, retries, redirects and HF API calls
     * included: the Free plan's 50 per invocation (the shard counts each one, so none is lost).
     */
    PING_SUBREQUESTS_PER_SHARD: int(1, 10_000, 50),
    /**
     * First attempts per shard; the rest of the budget pays for the first retries and redirects,
     * and a Space whose retries it cannot pay for is checked again in the tick's retry pass (16
     * a shard). 48 of 50: the fewest shard invocations a day (Durable Object requests, the
     * Free plan's tightest quota at 5,000 Spaces).
     */
    PING_SPACES_PER_SHARD: int(1, 5_000, 48),
    PING_MAX_IN_FLIGHT: int(1, PLATFORM_MAX_IN_FLIGHT, PLATFORM_MAX_IN_FLIGHT),
    /** Attempts after the first for a Space that is waking (503, slow) or unreachable. */
    PING_RETRIES: int(0, 5, 2),
    /** First wait before a retry; doubled each time, with jitter. */
    PING_BACKOFF_MS: int(0, 60_000, 2_000),
    /** The cron's period (wrangler.toml: every minute); the watchdog allows two of them. */
    TICK_INTERVAL_S: int(60, 3_600, 60),
    HF_API_BASE: z.url({ protocol: /^https?$/ }).default("https://huggingface.co"),
    /** How often a failing Space's HF stage is read again during one incident. */
    HF_STAGE_REFRESH_S: int(60, 86_400, 600),
    /** At most one HF restart per Space per this many seconds (kept in storage). */
    HF_RESTART_COOLDOWN_S: int(300, 604_800, 1_800),
    /**
     * Anti-flap defaults (a Space's own down_after/up_after win): failed checks in a row before
     * a Space is down, good ones before it is up again. 2 means one bad check (itself retried)
     * never pages anyone; a first check of a new Space sets its state at once.
     */
    SPACE_DOWN_AFTER: int(1, 20, 2),
    SPACE_UP_AFTER: int(1, 20, 1),
    /**
     * Durable Object location hints to check from, comma-separated ("enam,weur"). Each Space
     * is checked from its home region; a failure there is checked again from the next region
     * before it counts. Empty: one pass from wherever the shard objects live.
     */
    PING_REGIONS: z
      .string()
      .max(200)
      .default("")
      .transform((text, cx) => {
        const regions = text.split(",").map((r) => r.trim()).filter((r) => r !== "");
        for (const r of regions) {
          if (!(LOCATION_HINTS as readonly string[]).includes(r)) cx.addIssue({ code: "custom", message: `"${r}" is not a location hint; use ${LOCATION_HINTS.join(", ")}` });
        }
        if (new Set(regions).size !== regions.length) cx.addIssue({ code: "custom", message: "names a region twice" });
        return regions;
      }),
    /**
     * Seconds without a tick before the pinger's own alarm runs ticks itself (and alerts "cron
     * late"), for when Cron Triggers stop firing. Default: two tick intervals; 0 turns the
     * watch off (no alarm, ~720 fewer rows written a day).
     */
    CRON_LATE_S: z.coerce
      .number()
      .int()
      .refine((n) => n === 0 || (n >= 20 && n <= 7_200), "use 0 (off) or 20 to 7200 seconds")
      .optional(),
    /** The Workers plan whose quotas the usage meter, its alerts and the governor measure against. */
    PLAN: z.enum(PLANS).default("free"),
  })
  .refine((s) => s.PING_SPACES_PER_SHARD <= s.PING_SUBREQUESTS_PER_SHARD, {
    message: "must not exceed PING_SUBREQUESTS_PER_SHARD (every Space needs one subrequest)",
    path: ["PING_SPACES_PER_SHARD"],
  });

export type PingerSettings = z.output<typeof PingerSettingsSchema>;

const KEYS = Object.keys(PingerSettingsSchema.shape) as (keyof PingerSettings)[];

/** The settings from the Worker's env; vars not set take their defaults. */
export function readPingerSettings(env: object): { ok: true; value: PingerSettings } | { ok: false; error: InputError } {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const v = (env as Record<string, unknown>)[key];
    if (v !== undefined && v !== "") raw[key] = v;
  }
  return validate(PingerSettingsSchema, raw, "invalid_settings", "(vars)");
}

export const DEFAULT_PINGER_SETTINGS: PingerSettings = PingerSettingsSchema.parse({});

/** How long without a tick before the SpaceStore's alarm takes over (ms); 0: the watch is off. */
export function cronLateMs(s: PingerSettings): number {
  return (s.CRON_LATE_S ?? 2 * s.TICK_INTERVAL_S) * 1000;
}
