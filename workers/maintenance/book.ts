// The maintenance windows, kept in the SpaceStore's SQLite (one row each, written only when an
// admin adds or removes one) and held in memory between requests. The SpaceStore needs them
// at every tick (uptime leaves maintenance checks out); the Alerter reads them through the
// SpaceStore's health() call its alarm already makes, so no Durable Object request is added.
import { MAX_WINDOWS, occurrence, type StoredWindow } from "../../shared/maintenance.js";
import type { SpaceLedger } from "../pinger/ledger.js";

const SCHEMA = "CREATE TABLE IF NOT EXISTS maintenance (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID";
/** A one-off window stays listed (and on the page) this long after it ended. */
const KEEP_ENDED_MS = 7 * 86_400_000;

export class MaintenanceBook {
  private cache: StoredWindow[] | null = null;

  constructor(private readonly ledger: SpaceLedger) {
    ledger.sql.exec(SCHEMA);
  }

  all(): StoredWindow[] {
    this.cache ??= this.ledger.rows<{ data: string }>("SELECT data FROM maintenance").map((r) => JSON.parse(r.data) as StoredWindow);
    return this.cache;
  }

  /** Windows in force or still to come (and one-offs that ended within a week), soonest first. */
  listed(now: number): StoredWindow[] {
    return this.all()
      .filter((w) => occurrence(w, now) !== null || now - w.end < KEEP_ENDED_MS)
      .sort((a, b) => (occurrence(a, now)?.start ?? a.start) - (occurrence(b, now)?.start ?? b.start));
  }

  /** Adds a window; one-offs ended over a week ago make room first. Null when MAX_WINDOWS are kept. */
  add(w: StoredWindow, now: number): StoredWindow | null {
    for (const old of this.all()) if (occurrence(old, now) === null && now - old.end >= KEEP_ENDED_MS) this.ledger.write("DELETE FROM maintenance WHERE id = ?", old.id);
    this.cache = null;
    if (this.all().length >= MAX_WINDOWS) return null;
    this.ledger.write("INSERT INTO maintenance (id, data) VALUES (?, ?)", w.id, JSON.stringify(w));
    this.cache = null;
    return w;
  }

  remove(id: string): StoredWindow | null {
    const found = this.all().find((w) => w.id === id) ?? null;
    if (found !== null) {
      this.ledger.write("DELETE FROM maintenance WHERE id = ?", id);
      this.cache = null;
    }
    return found;
  }
}
