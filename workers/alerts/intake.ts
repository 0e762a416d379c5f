// The Alerter's intake: signals wait in `pending` for group_wait_s (so a storm is one message,
// not a hundred), and a bad signal inside a maintenance window waits in `held` (the latest per
// subject) until its window ends, when it opens after all; a good signal drops it.
import { covers, type StoredWindow } from "../../shared/maintenance.js";
import { utcMinute } from "../../shared/duration.js";
import type { AlertSignal } from "./signals.js";

export const INTAKE_SCHEMA = `
CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, signal TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS held (key TEXT PRIMARY KEY, signal TEXT NOT NULL) WITHOUT ROWID;
`;

export class IntakeBook {
  constructor(private readonly sql: SqlStorage) {}

  add(signals: AlertSignal[], now: number): void {
    for (const s of signals) this.sql.exec("INSERT INTO pending (received_at, signal) VALUES (?, ?)", now, JSON.stringify(s));
  }

  /** When the oldest waiting signal came in; null when none waits. */
  oldestAt(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(received_at) AS t FROM pending").one().t;
  }

  /** Every waiting signal, in order, once the oldest has waited `waitMs`; they leave the intake. */
  takeDue(now: number, waitMs: number): AlertSignal[] {
    const oldest = this.oldestAt();
    if (oldest === null || oldest + waitMs > now) return [];
    const rows = this.sql.exec<{ id: number; signal: string }>("SELECT id, signal FROM pending ORDER BY id").toArray();
    this.sql.exec("DELETE FROM pending WHERE id <= ?", rows[rows.length - 1]!.id);
    return rows.map((r) => JSON.parse(r.signal) as AlertSignal);
  }

  /**
   * Maintenance: a bad signal inside a window opens nothing; it is held until the window ends,
   * and a good signal drops it. What passes is applied as usual.
   */
  holdForMaintenance(signals: AlertSignal[], windows: StoredWindow[]): AlertSignal[] {
    const pass: AlertSignal[] = [];
    for (const s of [...signals].sort((a, b) => a.at - b.at)) {
      if (s.bad && covers(windows, s.key, s.at) !== null) {
        this.sql.exec("INSERT OR REPLACE INTO held (key, signal) VALUES (?, ?)", s.key, JSON.stringify(s));
        continue;
      }
      if (!s.bad) this.sql.exec("DELETE FROM held WHERE key = ?", s.key);
      pass.push(s);
    }
    return pass;
  }

  /** Held signals whose window has ended (or was deleted): still bad, so they open now. */
  releaseHeld(now: number, windows: StoredWindow[]): AlertSignal[] {
    const out: AlertSignal[] = [];
    for (const row of this.sql.exec<{ key: string; signal: string }>("SELECT key, signal FROM held").toArray()) {
      if (covers(windows, row.key, now) !== null) continue;
      const s = JSON.parse(row.signal) as AlertSignal;
      const held = `since ${utcMinute(s.at)}; held until its maintenance window ended`;
      out.push({ ...s, at: now, detail: s.detail === null ? held : `${s.detail}; ${held}` });
      this.sql.exec("DELETE FROM held WHERE key = ?", row.key);
    }
    return out;
  }

  /** When each held signal's window ends (now, for one whose window is gone). */
  heldUntil(now: number, windows: StoredWindow[]): number[] {
    return this.sql
      .exec<{ key: string }>("SELECT key FROM held")
      .toArray()
      .map((r) => covers(windows, r.key, now)?.until ?? now);
  }
}
