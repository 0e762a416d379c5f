// The Space list the pinger reads from KV (`SPACES`, key `spaces`): a JSON array whose items
// are a URL string or an object with at least `url`. One bad entry never stops the good
// ones: the list is parsed entry by entry and the bad ones are reported by index and value.
import * as z from "zod";
import { HeaderMapSchema } from "./headers.js";
import { publicUrl } from "./public-url.js";
import { describeIssues, type FieldIssue } from "./errors.js";

/** Ping intervals by tier. HF puts a free Space to sleep after 48 h without visits. */
export const SPACE_TIERS = {
  hot: 180, // e.g. a Discord bot: never let it cold-start
  warm: 600,
  "keep-alive": 43_200, // twice a day: four times inside HF's 48-hour rule
} as const;
export type SpaceTier = keyof typeof SPACE_TIERS;

/** The seeds pinged every 3-5 minutes. */
export const DEFAULT_SPACE_INTERVAL_S = 300;
/**
 * Per attempt. A sleeping Space answers at once (a 503 "waking up" page) and a healthy one
 * in well under a second; the seed's 60 s would hold a connection slot (6 per invocation)
 * a whole minute. Retries with backoff cover the wake-up instead.
 */
export const DEFAULT_SPACE_TIMEOUT_S = 10;
export const MAX_SPACES = 5_000;
/** The KV key (binding `SPACES`) that holds the list. */
export const SPACES_KEY = "spaces";

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);

/** A Space id given in the list: a short slug (ids derived from URLs look like URLs, so the two never collide). */
export const SpaceIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'");

export const SpaceObjectSchema = z
  .object({
    url: HttpUrl,
    /** Stable id for history, metrics (space_id) and alerts; default: derived from the URL (spaceIdOf). */
    id: SpaceIdSchema.optional(),
    name: z.string().min(1).max(100).optional(),
    /** The status page shows Spaces under their group's heading (e.g. "Bots", "Demos"); none: "Other". */
    group: z.string().trim().min(1).max(60).optional(),
    method: z.enum(["GET", "HEAD"]).default("GET"),
    /** Status codes that count as up; default any 2xx or 3xx. */
    expect_status: z.array(z.number().int().min(100).max(599)).min(1).max(20).optional(),
    timeout_s: z.number().int().min(1).max(30).default(DEFAULT_SPACE_TIMEOUT_S),
    headers: HeaderMapSchema.optional(),
    tier: z.enum(["hot", "warm", "keep-alive"]).optional(),
    interval_s: z.number().int().min(60).max(86_400).optional(),
    critical: z.boolean().default(false),
    /**
     * Hugging Face Space id ("owner/name"), for its stage and restarts. Read from
     * huggingface.co/spaces/owner/name URLs when left out; a *.hf.space host cannot be read
     * back (owner and name may both hold dashes), so those Spaces set it here.
     */
    hf_space: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'use "owner/name"').optional(),
    /** Restart the Space through the HF API when it is found in RUNTIME_ERROR (needs HF_TOKEN). */
    hf_restart: z.boolean().default(false),
    /**
     * Anti-flap: consecutive failed checks before the Space counts as down (each check already
     * retries), and good checks before it counts as up again. Default: the SPACE_DOWN_AFTER and
     * SPACE_UP_AFTER vars (2 and 1).
     */
    down_after: z.number().int().min(1).max(20).optional(),
    up_after: z.number().int().min(1).max(20).optional(),
    /**
     * The Space's app calls GET /health?space=<id> (or POST /v1/pingback/<id>) from its own
     * process; when its URL answers but no ping-back came for two intervals, it is degraded
     * ("the app is not running code").
     */
    expect_pingback: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !(s.tier !== undefined && s.interval_s !== undefined), { message: "set tier or interval_s, not both", path: ["interval_s"] });

export interface Space extends Omit<z.output<typeof SpaceObjectSchema>, "tier" | "interval_s" | "id"> {
  /** Stable, unique and safe to show: the list's `id`, or derived from the full URL (spaceIdOf). */
  id: string;
  name: string;
  interval_s: number;
}

export const SpaceConfigErrorSchema = z.object({
  index: z.number(),
  value: z.unknown(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type SpaceConfigError = z.infer<typeof SpaceConfigErrorSchema> & { issues: FieldIssue[] };

/**
 * A Space's id when the list gives none: the URL without a trailing slash (a renamed Space
 * keeps its history by URL). A URL carrying credentials or a query is shown as scheme, host
 * and path plus a 6-hex hash of the whole URL: unique between entries that differ only in
 * their secrets (duplicates are refused anyway), and too short to confirm a guessed secret.
 */
export function spaceIdOf(url: string): string {
  const bare = url.replace(/\/+$/, "");
  const shown = publicUrl(bare);
  return shown === bare ? bare : `${shown}#${fnv1a(url).toString(16).padStart(8, "0").slice(0, 6)}`;
}

/** FNV-1a, 32 bits: a stable, synchronous hash for ids (not for secrets). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Host and path ("owner-app.hf.space", "api.example.com/health"): tells Spaces on one host apart. */
function defaultName(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.host}${path}`;
}

function normalise(s: z.output<typeof SpaceObjectSchema>): Space {
  const { tier, interval_s, id: given, ...rest } = s;
  const id = given ?? spaceIdOf(s.url);
  return {
    ...rest,
    id,
    name: s.name ?? defaultName(s.url),
    interval_s: interval_s ?? (tier !== undefined ? SPACE_TIERS[tier] : DEFAULT_SPACE_INTERVAL_S),
  };
}

/** Why a list cannot be used at all (not an array, too long); null when its entries can be parsed. */
export function listShapeError(raw: unknown): string | null {
  if (!Array.isArray(raw)) return "the Space list must be a JSON array";
  if (raw.length > MAX_SPACES) return `the Space list has ${raw.length} entries; at most ${MAX_SPACES}`;
  return null;
}

/**
 * Parses a list entry by entry, a slice at a time (the pinger parses a changed 5,000-entry
 * list over several ticks: zod takes about 7 µs an entry, the Free plan allows 10 ms an
 * invocation). Good entries become Spaces, bad ones errors naming the index, the value and
 * the field; an entry with an id seen earlier is skipped.
 */
export class SpaceListParser {
  readonly spaces: Space[] = [];
  readonly errors: SpaceConfigError[] = [];
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private next = 0;

  constructor(readonly raw: unknown[]) {}

  get done(): boolean {
    return this.next >= this.raw.length;
  }

  /** Entries parsed so far. */
  get parsed(): number {
    return this.next;
  }

  /** Parses up to `n` more entries; returns the good ones among them, in order. */
  step(n: number): Space[] {
    const out: Space[] = [];
    const end = Math.min(this.raw.length, this.next + n);
    for (; this.next < end; this.next++) {
      const index = this.next;
      const value = this.raw[index];
      const parsed = typeof value === "string" ? SpaceObjectSchema.safeParse({ url: value }) : SpaceObjectSchema.safeParse(value);
      if (!parsed.success) {
        this.errors.push({ index, value, issues: describeIssues(parsed.error) });
        continue;
      }
      const space = normalise(parsed.data);
      // One identity per Space: a second entry with the same id is the same Space (skipped); one
      // with the same name is a different Space that reads alike (kept, but the list is refused
      // by the admin API and spaces:put, and reported in config_errors).
      const first = this.seen.get(space.id);
      if (first !== undefined) {
        this.errors.push({ index, value, issues: [{ field: (value as { id?: unknown })?.id !== undefined ? "id" : "url", message: `same id as entry ${first} ("${space.id}"); give each entry its own "id"` }] });
        continue;
      }
      const named = this.names.get(space.name);
      if (named !== undefined) this.errors.push({ index, value, issues: [{ field: "name", message: `same name as entry ${named} ("${space.name}"); give one of them another "name"` }] });
      this.seen.set(space.id, index);
      this.names.set(space.name, index);
      this.spaces.push(space);
      out.push(space);
    }
    return out;
  }
}

/**
 * Parses a whole list: good entries come back as Spaces, bad ones as errors naming the
 * index, the value and the field; `listError` says why a list that is not an array of at
 * most MAX_SPACES entries was refused as a whole.
 */
export function parseSpaceList(raw: unknown): { spaces: Space[]; errors: SpaceConfigError[]; listError: string | null } {
  const listError = listShapeError(raw);
  if (listError !== null) return { spaces: [], errors: [], listError };
  const parser = new SpaceListParser(raw as unknown[]);
  parser.step(Infinity);
  return { spaces: parser.spaces, errors: parser.errors, listError: null };
}
