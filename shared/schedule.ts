// When each Space is pinged. Every Space gets a stable offset inside its interval (a hash of
// its id), so 2,000 Spaces on 5 minutes spread evenly over the ticks instead of all landing
// on the top of the minute, and a Space keeps its rhythm across deploys. A tick pings the
// Spaces whose slot boundary fell since the previous tick; the slot key lets a shard refuse
// to ping the same Space twice for one slot when ticks overlap or repeat.
import type { Space } from "./spaces.js";

/** FNV-1a, 32 bit: small, stable across runtimes, good enough to spread offsets. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Seconds into each interval at which this Space is due. */
export function offsetSeconds(spaceId: string, intervalS: number): number {
  return stableHash(spaceId) % intervalS;
}

/** The slot (interval number) a moment falls in, for this Space. */
export function slotOf(space: Pick<Space, "id" | "interval_s">, atMs: number): number {
  return Math.floor((Math.floor(atMs / 1000) - offsetSeconds(space.id, space.interval_s)) / space.interval_s);
}

export interface DueSpace {
  space: Space;
  /** `${id}@${slot}`: at most one ping per key. */
  slotKey: string;
  /** When in the tick's window its slot began (ms), so a shard can stagger within the minute. */
  dueAtMs: number;
}

/**
 * The Spaces whose slot began in (previousTickMs, tickMs]. Ticks a minute apart and
 * intervals of at least 60 s mean at most one slot per Space per tick; after a gap (missed
 * ticks) a Space is pinged once, for its latest slot, not once per missed slot.
 */
export function dueSpaces(spaces: Space[], tickMs: number, previousTickMs: number): DueSpace[] {
  const due: DueSpace[] = [];
  for (const space of spaces) {
    const slot = slotOf(space, tickMs);
    if (slot <= slotOf(space, previousTickMs)) continue;
    const dueAtMs = (slot * space.interval_s + offsetSeconds(space.id, space.interval_s)) * 1000;
    due.push({ space, slotKey: `${space.id}@${slot}`, dueAtMs });
  }
  return due.sort((a, b) => a.dueAtMs - b.dueAtMs);
}

/**
 * Splits the due Spaces into shards, each run by its own Durable Object invocation with its
 * own subrequest budget. Each Space gets one first attempt; what is left of the budget pays
 * for retries and redirects (counted as they happen). The Free plan's 50 external
 * subrequests per invocation, less a margin, is 40: 20 Spaces and 20 for retries.
 */
export function planShards<T>(due: T[], spacesPerShard: number): T[][] {
  if (!Number.isInteger(spacesPerShard) || spacesPerShard < 1) throw new RangeError("spacesPerShard must be a positive integer");
  const shards: T[][] = [];
  for (let i = 0; i < due.length; i += spacesPerShard) shards.push(due.slice(i, i + spacesPerShard));
  return shards;
}
