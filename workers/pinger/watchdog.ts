// A pinger that survives a stalled cron. Cron Triggers have stopped firing for whole
// accounts before (UptimeFlare #199), which would stop every check without a word. The
// SpaceStore keeps an alarm a little past the moment a tick is overdue; while ticks come,
// each one pushes it on (every other tick, so it costs ~720 setAlarm rows a day, not 1,440).
// If it fires with no tick for `late` ms, the store runs the tick itself, says "cron late"
// once, and keeps ticking every interval until a cron tick comes back (the window claim
// already stops a cron tick and an alarm tick from pinging the same slot twice).
import type { StoredWindow } from "../../shared/maintenance.js";
import type { SpacesBody } from "./report.js";

/** What the store says of itself (GET /v1/pinger/health, and the Alerter's watch on the pinger). */
export interface PingerHealth {
  last_tick: SpacesBody["last_tick"];
  started_at: string;
  rows_written: number;
  /** Since when the alarm has run the ticks because the cron stopped; null while the cron ticks. */
  cron_late_since: string | null;
  watch_alarm_at: string | null;
  /** Every window kept (the Alerter judges its signals by them). */
  maintenance: StoredWindow[];
}

/** Room for a cron tick that starts a little late before the alarm steps in. */
export function slackMs(lateMs: number): number {
  return Math.min(30_000, Math.floor(lateMs / 4));
}

/**
 * After a tick for `tickMs`: the alarm to keep (unchanged when it is already far enough
 * ahead, so a steady cron writes it every other tick), or the new time to set.
 */
export function watchAfterTick(current: number | null, tickMs: number, lateMs: number): number | null {
  const deadline = tickMs + lateMs + slackMs(lateMs);
  if (current !== null && current >= tickMs + lateMs / 2 + slackMs(lateMs) && current <= deadline) return null;
  return deadline;
}

export type WatchVerdict =
  /** A tick came recently: look again at `at`. */
  | { run: false; at: number }
  /** No tick for too long: run one for `tickMs` (the interval boundary just passed), then look again at `at`. */
  | { run: true; tickMs: number; at: number };

/**
 * What the alarm does, given the last tick's scheduled time (null: never ticked). Once the
 * alarm is driving (`driving`: the cron is known late), it ticks every interval; before, only
 * after `lateMs` without a tick.
 */
export function judgeWatch(now: number, lastTickMs: number | null, intervalMs: number, lateMs: number, driving = false): WatchVerdict {
  const wait = driving ? intervalMs : lateMs;
  if (lastTickMs !== null && now - lastTickMs < wait) return { run: false, at: lastTickMs + wait + slackMs(lateMs) };
  const tickMs = Math.floor(now / intervalMs) * intervalMs;
  // The next boundary, plus the slack: a cron that came back ticks first and pushes this on.
  return { run: true, tickMs, at: tickMs + intervalMs + slackMs(lateMs) };
}
