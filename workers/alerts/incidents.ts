// Open incidents, one per subject: a bad signal opens one (and says so once), more bad
// signals while it is open say nothing, a good signal closes it (and says so), and an
// incident left open is repeated every `remind_every_s`. A good signal with nothing open
// (a blip shorter than the anti-flap threshold never opened one) says nothing.
import type { AlertSubject } from "../../shared/alerts.js";
import type { ClosedIncident, Incident } from "../../shared/api.js";
import type { Notice } from "./messages.js";
import type { AlertSignal } from "./signals.js";

export const INCIDENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (key TEXT PRIMARY KEY, subject TEXT NOT NULL, title TEXT NOT NULL, detail TEXT, opened_at INTEGER NOT NULL, alerted_at INTEGER NOT NULL, reminders INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS closed (id INTEGER PRIMARY KEY, key TEXT NOT NULL, subject TEXT NOT NULL, title TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER NOT NULL, how TEXT NOT NULL);
`;
const CLOSED_KEPT = 50;

// Their shapes are the admin API's (GET /v1/admin/alerts documents them).
export type { ClosedIncident, Incident } from "../../shared/api.js";

export class IncidentBook {
  constructor(private readonly sql: SqlStorage) {}

  open(): Incident[] {
    return this.sql.exec<Incident & Record<string, SqlStorageValue>>("SELECT * FROM incidents ORDER BY opened_at").toArray();
  }

  get(key: string): Incident | null {
    return (this.sql.exec<Incident & Record<string, SqlStorageValue>>("SELECT * FROM incidents WHERE key = ?", key).toArray()[0] as Incident | undefined) ?? null;
  }

  recent(limit = 20): ClosedIncident[] {
    return this.sql.exec<ClosedIncident & Record<string, SqlStorageValue>>("SELECT key, subject, title, opened_at, closed_at, how FROM closed ORDER BY id DESC LIMIT ?", limit).toArray();
  }

  /** Applies signals in time order; returns what should be said. */
  apply(signals: AlertSignal[]): Notice[] {
    const notices: Notice[] = [];
    for (const s of [...signals].sort((a, b) => a.at - b.at)) {
      const open = this.get(s.key);
      if (s.bad && open === null) {
        this.sql.exec("INSERT INTO incidents (key, subject, title, detail, opened_at, alerted_at, reminders) VALUES (?, ?, ?, ?, ?, ?, 0)", s.key, s.subject, s.title, s.detail, s.at, s.at);
        notices.push({ event: "opened", key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: s.at });
      } else if (s.bad && open !== null && s.title !== open.title) {
        // Worse or better but still bad (degraded -> down): one incident, told once.
        this.sql.exec("UPDATE incidents SET title = ?, detail = ?, alerted_at = ? WHERE key = ?", s.title, s.detail, s.at, s.key);
        notices.push({ event: "changed", key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: open.opened_at });
      } else if (!s.bad && open !== null) {
        this.sql.exec("DELETE FROM incidents WHERE key = ?", s.key);
        const id = this.sql.exec("INSERT INTO closed (key, subject, title, opened_at, closed_at, how) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", s.key, s.subject, open.title, open.opened_at, s.at, s.title).one().id as number;
        if (id % 10 === 0) this.sql.exec("DELETE FROM closed WHERE id <= ?", id - CLOSED_KEPT);
        notices.push({ event: "resolved", key: s.key, subject: s.subject, title: s.title, detail: s.detail, at: s.at, opened_at: open.opened_at });
      }
    }
    return notices;
  }

  /** Incidents open past their reminder time: each said again, and its clock restarted. `quiet`: subjects under maintenance, not reminded. */
  reminders(now: number, everyS: number, quiet: (key: string) => boolean = () => false): Notice[] {
    if (everyS === 0) return [];
    const due = this.sql.exec<Incident & Record<string, SqlStorageValue>>("SELECT * FROM incidents WHERE alerted_at <= ?", now - everyS * 1000).toArray().filter((i) => !quiet(i.key));
    for (const i of due) this.sql.exec("UPDATE incidents SET alerted_at = ?, reminders = reminders + 1 WHERE key = ?", now, i.key);
    return due.map((i) => ({ event: "reminder", key: i.key, subject: i.subject, title: `Still: ${i.title}`, detail: i.detail, at: now, opened_at: i.opened_at }));
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
