// A five-field cron matcher (minute hour day-of-month month day-of-week, UTC), enough for
// the dev ticker to fire wrangler.toml's crons on schedule. Supports *, n, a-b, */n, a-b/n, lists.
function fieldMatches(field, value, min, max) {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = min;
    let hi = max;
    if (range !== "*") {
      const [a, b] = range.split("-").map(Number);
      lo = a;
      hi = b === undefined ? (stepText === undefined ? a : max) : b;
    }
    return value >= lo && value <= hi && (value - lo) % step === 0;
  });
}

/** True when `cron` fires at the minute containing `date` (UTC). */
export function cronMatches(cron, date) {
  const [minute, hour, dom, month, dow] = cron.trim().split(/\s+/);
  if (dow === undefined) throw new Error(`not a five-field cron: ${cron}`);
  return (
    fieldMatches(minute, date.getUTCMinutes(), 0, 59) &&
    fieldMatches(hour, date.getUTCHours(), 0, 23) &&
    fieldMatches(dom, date.getUTCDate(), 1, 31) &&
    fieldMatches(month, date.getUTCMonth() + 1, 1, 12) &&
    (fieldMatches(dow, date.getUTCDay(), 0, 7) || (date.getUTCDay() === 0 && fieldMatches(dow, 7, 0, 7)))
  );
}

/** The `crons = [...]` of a wrangler.toml, without a TOML dependency. */
export function cronsOf(tomlText) {
  const match = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(tomlText);
  if (!match) return [];
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}
