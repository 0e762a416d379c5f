// The dev ticker's cron, read as Cloudflare reads Cron Triggers: five fields, UTC, with month
// and weekday names, L, W, #, ? and steps, parsed by croner (a maintained parser) instead of
// a hand-written matcher. An expression it cannot read stops `npm run dev` naming it.
import { Cron } from "croner";

/** A parsed trigger; throws an Error naming `cron` when Cloudflare's syntax does not allow it. */
export function parseCron(cron) {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron "${cron}": Cloudflare takes exactly five fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  try {
    return new Cron(cron, { timezone: "UTC", paused: true });
  } catch (err) {
    throw new Error(`cron "${cron}": ${err.message}`);
  }
}

/** True when `cron` fires at the minute containing `date` (UTC). */
export function cronMatches(cron, date) {
  const minute = new Date(Math.floor(date.getTime() / 60_000) * 60_000);
  return parseCron(cron).match(minute);
}

/** The `crons = [...]` of a wrangler.toml, without a TOML dependency. */
export function cronsOf(tomlText) {
  const match = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(tomlText);
  if (!match) return [];
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}
