// Reading the Space list from KV each tick without paying to parse it each tick, and putting a
// changed list in force a slice at a time. The text is compared with the last one seen (in
// memory; after a restart, by its SHA-256 against the one in force), so an unchanged list costs
// a string comparison. A changed one is parsed and written a slice a tick (zod takes about 7 µs
// an entry: a 5,000-entry list is 35 ms, the Free plan allows 10 a tick), ENTRIES_PER_TICK a
// tick, so a new list's Spaces come in 100 a tick, each checked as it arrives; then Spaces
// no longer listed go, up to 2,000 a tick. A list that cannot be read or parsed leaves the last good
// one in force and says why; a list changed again midway starts over from the new text.
import { listShapeError, SpaceListParser, SPACES_KEY } from "../../shared/spaces.js";
import { parseJsonText } from "../../shared/index.js";
import { sha256Hex } from "../auth/tokens.js";
import type { ListStatus, SpaceLedger } from "./ledger.js";

/**
 * Entries parsed and written a tick. A new entry costs about 40 µs in its first tick (parsed,
 * written, checked at once, its state row written), on top of the tick's own checks, which at
 * 5,000 Spaces on 5 minutes take most of its 10 ms (bench:limits). A new 1,000-entry list is in
 * within 10 minutes, 5,000 within 50; an unchanged entry is only parsed.
 */
export const ENTRIES_PER_TICK = 100;

/** Spaces removed a tick (two statements for them all). */
const REMOVALS_PER_TICK = 2_000;

type Removed = { id: string; name: string; host: string }[];

/** A changed list on its way in. */
interface Applying {
  hash: string;
  parser: SpaceListParser;
  /** The place in the list the next good entry takes. */
  pos: number;
  /** Parsed: now Spaces not in it are removed. */
  removing: boolean;
}

export class ListRefresh {
  /** The KV text last compared (the list in force, or the one being applied). */
  private text: string | null = null;
  private applying: Applying | null = null;

  constructor(private readonly ledger: SpaceLedger) {}

  /** How far a changed list has come in (null: none is coming in). */
  progress(): { done: number; total: number } | null {
    const a = this.applying;
    return a === null ? null : { done: a.parser.parsed, total: a.parser.raw.length };
  }

  /** One tick's share; `removed`: Spaces taken off the list this tick. */
  async step(kv: KVNamespace, nowMs: number): Promise<ListStatus & { removed?: Removed }> {
    const last = this.ledger.getMeta<ListStatus>("list");
    const keep = (error: string, hash: string | null): ListStatus => {
      const status: ListStatus = { hash, error, errors: last?.errors ?? [], valid: last?.valid ?? 0, invalid: last?.invalid ?? 0, good_at: last?.good_at ?? null, checked_at: nowMs };
      if (last?.error !== error || last.hash !== hash) this.ledger.setMeta("list", status);
      return status;
    };
    let text: string;
    try {
      // No list yet ("[]") is nothing to ping, not an error.
      text = (await kv.get(SPACES_KEY)) ?? "[]";
    } catch (err) {
      return keep(`could not read the list from KV: ${(err as Error).message}; the last good list stays in force`, last?.hash ?? null);
    }
    if (text !== this.text) {
      const hash = await sha256Hex(text);
      this.text = text;
      if (hash === (this.applying?.hash ?? last?.hash ?? null)) {
        // The same text (after a restart: memory was empty): nothing new.
      } else {
        this.applying = null;
        // The same rules as request bodies (depth, no __proto__): KV is written by wrangler too.
        const parsed = parseJsonText(text);
        if (!parsed.ok) return keep(`${parsed.error.code === "invalid_json" ? "the stored list is not valid JSON" : `the stored list: ${parsed.error.message}`}; the last good list stays in force`, hash);
        const shape = listShapeError(parsed.value);
        if (shape !== null) return keep(`${shape}; the last good list stays in force`, hash);
        this.applying = { hash, parser: new SpaceListParser(parsed.value as unknown[]), pos: 0, removing: false };
      }
    }
    const a = this.applying;
    if (a === null) return last ?? { hash: null, error: null, errors: [], valid: 0, invalid: 0, good_at: null, checked_at: nowMs };
    let removed: Removed = [];
    if (!a.removing) {
      const good = a.parser.step(ENTRIES_PER_TICK);
      this.ledger.upsertSpaces(good.map((s) => [a.pos++, s]), nowMs);
      a.removing = a.parser.done;
    }
    if (a.removing) {
      const gone = this.ledger.removeSpacesBut(new Set(a.parser.spaces.map((s) => s.id)), REMOVALS_PER_TICK, nowMs);
      removed = gone.removed;
      if (gone.done) {
        this.applying = null;
        const status: ListStatus = {
          hash: a.hash,
          error: null,
          // The first 100 kept as written (only this object reads them); GET /v1/spaces redacts them for viewers.
          errors: a.parser.errors.slice(0, 100),
          valid: a.parser.spaces.length,
          invalid: a.parser.errors.length,
          good_at: nowMs,
          checked_at: nowMs,
        };
        this.ledger.setMeta("list", status);
        return { ...status, removed };
      }
    }
    return { ...(last ?? { hash: null, error: null, errors: [], valid: 0, invalid: 0, good_at: null }), checked_at: nowMs, removed };
  }
}
