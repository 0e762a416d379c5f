// Open incidents, one per subject: a bad signal opens one (and says so once), more bad
// signals while it is open say nothing, a good signal closes it (and says so), and an
// incident left open is repeated every `remind_every_s`. A good signal with nothing open
// (a blip shorter than the anti-flap threshold never opened one) says nothing.
// Each incident has a number, kept when it closes; closed ones stay HISTORY_DAYS (the status
// page's incident history) with the notes people added to them.
import type { AlertSubject } from "../../shared/alerts.js";
import type { Announcement } from "../../shared/announcements.js";
import type { ClosedIncident, Incident } from "../../shared/api.js";
import type { Notice } from "./messages.js";
import type { AlertSignal } from "./signals.js";

export const INCIDENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (key TEXT PRIMARY KEY, subject TEXT NOT NULL, title TEXT NOT NULL, detail TEXT, opened_at INTEGER NOT NULL, alerted_at INTEGER NOT NULL, reminders INTEGER NOT NULL, id INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS closed (id INTEGER PRIMARY KEY, key TEXT NOT NULL, subject TEXT NOT NULL, title TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER NOT NULL, how TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, incident INTEGER NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notes_by_incident ON notes (incident);
`;
/** Closed incidents are kept this long, and at most CLOSED_MAX of them. */
export const HISTORY_DAYS = 90;
const CLOSED_MAX = 2_000;
const DAY_MS = 86_400_000;

// Their shapes are the admin API's (GET /v1/admin/alerts documents them).
export type { ClosedIncident, Incident } from "../../shared/api.js";

/** What the status page shows of incidents: open ones, the history, and announcements in force. */
export interface PageIncidents {
  open: Incident[];
  /** Closed within the history kept (90 days), newest first, at most `limit`. */
  recent: ClosedIncident[];
  /** How many closed incidents are kept in all. */
  closed_total: number;
  announcements: Announcement[];
}

/**
 * A subject's incidents, open or closed: the key is one of `keys` (bound as a JSON array), or
 * starts with one that ends in "/" ("host:<pool>/" for every host of a pool).
 */
const matching = (table: string) =>
  `EXISTS (SELECT 1 FROM json_each(?) k WHERE ${table}.key = k.value OR (k.value LIKE '%/' AND substr(${table}.key, 1, length(k.value)) = k.value))`;

type OpenRow = Omit<Incident, "notes">;
type ClosedRow = Omit<ClosedIncident, "notes">;

export class IncidentBook {
  constructor(private readonly sql: SqlStorage) {
    // Stores made before incidents had numbers.
    try {
      sql.exec("ALTER TABLE incidents ADD COLUMN id INTEGER");
    } catch (err) {
      if (!/duplicate column/i.test(String(err))) throw err;
    }
    for (const { key } of sql.exec<{ key: string }>("SELECT key FROM incidents WHERE id IS NULL").toArray()) sql.exec("UPDATE incidents SET id = ? WHERE key = ?", this.nextId(), key);
  }

  private nextId(): number {
    return this.sql.exec<{ n: number }>("SELECT MAX(COALESCE((SELECT MAX(id) FROM incidents), 0), COALESCE((SELECT MAX(id) FROM closed), 0)) + 1 AS n").one().n;
  }

  /** Notes per incident number, oldest first. */
  private notesOf(ids: number[]): Map<number, { at: number; text: string }[]> {
    const out = new Map<number, { at: number; text: string }[]>();
    if (ids.length === 0) return out;
    const rows = this.sql.exec<{ incident: number; at: number; text: string }>("SELECT incident, at, text FROM notes WHERE incident IN (SELECT value FROM json_each(?)) ORDER BY id", JSON.stringify(ids)).toArray();
    for (const r of rows) {
      const list = out.get(r.incident);
      if (list === undefined) out.set(r.incident, [{ at: r.at, text: r.text }]);
      else list.push({ at: r.at, text: r.text });
    }
    return out;
  }

  private withNotes<T extends { id: number }>(rows: T[]): (T & { notes: { at: number; text: string }[] })[] {
    const notes = this.notesOf(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, notes: notes.get(r.id) ?? [] }));
  }

  private openRows(where = "", ...params: SqlStorageValue[]): OpenRow[] {
    return this.sql.exec<OpenRow & Record<string, SqlStorageValue>>(`SELECT id, key, subject, title, detail, opened_at, alerted_at, reminders FROM incidents ${where} ORDER BY opened_at`, ...params).toArray();
  }

  open(): Incident[] {
    return this.withNotes(this.openRows());
  }

  get(key: string): OpenRow | null {
    return this.openRows("WHERE key = ?", key)[0] ?? null;
  }

  /** Closed incidents, newest first; `keys`: only a subject's (matching()). */
  recent(limit = 20, keys: string[] | null = null): ClosedIncident[] {
    const [where, params] = keys === null ? ["", []] : [`WHERE ${matching("closed")}`, [JSON.stringify(keys)]];
    const rows = this.sql
      .exec<ClosedRow & Record<string, SqlStorageValue>>(`SELECT id, key, subject, title, opened_at, closed_at, how FROM closed ${where} ORDER BY closed_at DESC, id DESC LIMIT ?`, ...params, limit)
      .toArray();
    return this.withNotes(rows);
  }

  /** Open incidents of a subject (matching()). */
  openMatching(keys: string[]): Incident[] {
    return this.withNotes(this.openRows(`WHERE ${matching("incidents")}`, JSON.stringify(keys)));
  }

  /** How many closed incidents are kept (the page says how many it does not list). */
  closedCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM closed").one().n;
  }

  /** Adds a note to an open or closed incident; null when there is no such incident. */
  addNote(id: number, text: string, now: number): { incident: Incident | ClosedIncident; open: boolean } | null {
    const open = this.openRows("WHERE id = ?", id)[0];
    const closed = open === undefined ? this.sql.exec<ClosedRow & Record<string, SqlStorageValue>>("SELECT id, key, subject, title, opened_at, closed_at, how FROM closed WHERE id = ?", id).toArray()[0] : undefined;
    if (open === undefined && closed === undefined) return null;
    this.sql.exec("INSERT INTO notes (incident, at, text) VALUES (?, ?, ?)", id, now, text);
    return { incident: this.withNotes([(open ?? closed)!])[0]!, open: open !== undefined };
  }

  /** Applies signals in time order; returns what should be said. */
  apply(signals: AlertSignal[]): Notice[] {
    const notices: Notice[] = [];
    for (const s of [...signals].sort((a, b) => a.at - b.at)) {
      const open = this.get(s.key);
      if (s.bad && open === null) {
        const id = this.nextId();
        this.sql.exec("INSERT INTO incidents (key, subject, title, detail, opened_at, alerted_at, reminders, id) VALUES (?, ?, ?, ?, ?, ?, 0, ?)", s.key, s.subject, s.title, s.detail, s.at, s.at, id);
        notices.push({ event: "opened", id, key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: s.at });
      } else if (s.bad && open !== null && s.title !== open.title) {
        // Worse or better but still bad (degraded -> down): one incident, told once.
        this.sql.exec("UPDATE incidents SET title = ?, detail = ?, alerted_at = ? WHERE key = ?", s.title, s.detail, s.at, s.key);
        notices.push({ event: "changed", id: open.id, key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: open.opened_at });
      } else if (!s.bad && open !== null) {
        this.sql.exec("DELETE FROM incidents WHERE key = ?", s.key);
        this.sql.exec("INSERT INTO closed (id, key, subject, title, opened_at, closed_at, how) VALUES (?, ?, ?, ?, ?, ?, ?)", open.id, s.key, s.subject, open.title, open.opened_at, s.at, s.title);
        if (open.id % 10 === 0) this.prune(s.at);
        notices.push({ event: "resolved", id: open.id, key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: open.opened_at });
      }
    }
    return notices;
  }

  /** Forgets closed incidents older than HISTORY_DAYS or beyond CLOSED_MAX, with their notes. */
  private prune(now: number): void {
    this.sql.exec("DELETE FROM closed WHERE closed_at < ? OR id <= (SELECT id FROM closed ORDER BY id DESC LIMIT 1 OFFSET ?)", now - HISTORY_DAYS * DAY_MS, CLOSED_MAX);
    this.sql.exec("DELETE FROM notes WHERE incident NOT IN (SELECT id FROM closed) AND incident NOT IN (SELECT id FROM incidents)");
  }

  /** Incidents open past their reminder time: each said again, and its clock restarted. `quiet`: subjects under maintenance, not reminded. */
  reminders(now: number, everyS: number, quiet: (key: string) => boolean = () => false): Notice[] {
    if (everyS === 0) return [];
    const due = this.openRows("WHERE alerted_at <= ?", now - everyS * 1000).filter((i) => !quiet(i.key));
    for (const i of due) this.sql.exec("UPDATE incidents SET alerted_at = ?, reminders = reminders + 1 WHERE key = ?", now, i.key);
    return due.map((i) => ({ event: "reminder", id: i.id, key: i.key, subject: i.subject as AlertSubject, title: `Still: ${i.title}`, detail: i.detail, at: now, opened_at: i.opened_at }));
  }

  /** The next reminder; `notBefore` holds a subject's back (until its maintenance window ends). */
  nextReminderAt(everyS: number, notBefore: (key: string) => number | null = () => null): number | null {
    if (everyS === 0) return null;
    const times = this.sql
      .exec<{ key: string; alerted_at: number }>("SELECT key, alerted_at FROM incidents")
      .toArray()
      .map((i) => Math.max(i.alerted_at + everyS * 1000, notBefore(i.key) ?? 0));
    return times.length === 0 ? null : Math.min(...times);
  }
}
