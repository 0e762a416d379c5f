// The Alerter's announcements table: added, listed, removed; expired ones are dropped when a
// new one is added (nothing else writes). At most MAX_ANNOUNCEMENTS kept.
import { MAX_ANNOUNCEMENTS, type StoredAnnouncement } from "../../shared/announcements.js";

export const ANNOUNCEMENT_SCHEMA = `CREATE TABLE IF NOT EXISTS announcements (id TEXT PRIMARY KEY, text TEXT NOT NULL, level TEXT NOT NULL, starts_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;`;

export class AnnouncementBook {
  constructor(private readonly sql: SqlStorage) {}

  /** Not expired, soonest first. */
  current(now: number): StoredAnnouncement[] {
    return this.sql.exec<StoredAnnouncement & Record<string, SqlStorageValue>>("SELECT * FROM announcements WHERE expires_at > ? ORDER BY starts_at, id", now).toArray();
  }

  /** Null when MAX_ANNOUNCEMENTS unexpired ones are kept already. */
  add(a: StoredAnnouncement, now: number): StoredAnnouncement | null {
    this.sql.exec("DELETE FROM announcements WHERE expires_at <= ?", now);
    if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM announcements").one().n >= MAX_ANNOUNCEMENTS) return null;
    this.sql.exec("INSERT INTO announcements (id, text, level, starts_at, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)", a.id, a.text, a.level, a.starts_at, a.expires_at, a.created_at);
    return a;
  }

  remove(id: string): StoredAnnouncement | null {
    const row = this.sql.exec<StoredAnnouncement & Record<string, SqlStorageValue>>("SELECT * FROM announcements WHERE id = ?", id).toArray()[0];
    if (row === undefined) return null;
    this.sql.exec("DELETE FROM announcements WHERE id = ?", id);
    return row;
  }
}
