// The usage hub inside the SpaceStore: the book of the day's counts (book.ts), the store's
// own meter, and what each tick decides from the forecast: the governor's stretch
// (governor.ts) and the forecast alerts (forecast-alerts.ts). The store routes to it.
import { CRITICAL_SHARE, type Plan } from "../../shared/usage.js";
import type { AlertSignal } from "../alerts/signals.js";
import { UsageBook, type StoredUsage } from "./book.js";
import { usageSignals } from "./forecast-alerts.js";
import { govern } from "./governor.js";
import { ObjectMeter, type UsageDelta } from "./tally.js";

const log = (level: string, msg: string, fields: object) => console.log(JSON.stringify({ level, msg, ...fields }));

export class UsageHub {
  readonly book: UsageBook;
  readonly meter = new ObjectMeter("SpaceStore");

  constructor(stored: StoredUsage | null | undefined, now = Date.now()) {
    this.book = new UsageBook(stored, now);
  }

  merge(delta: UsageDelta | null | undefined, now = Date.now()): void {
    this.book.merge(delta, now);
  }

  /**
   * Before a tick's summary row is written: everything counted so far goes into the book, the
   * governor and the forecast alerts decide, and the book rides in that row (`carry`).
   * `nonCritical`: the share of unstretched checks that are non-critical Spaces' (asked only when governing).
   */
  settle(now: number, plan: Plan, rowsWritten: number, nonCritical: () => number): { signals: AlertSignal[]; carry: { usage: StoredUsage } } {
    this.meter.rows(rowsWritten, now);
    this.book.merge(this.meter.tally.take(now), now);
    const f = this.book.forecasts(now, plan);
    const carry = { usage: this.book.toJSON() };
    if (!f.settled) return { signals: [], carry };
    const before = this.book.governor;
    const engage = before.stretch > 1 || f.quotas.some((q) => q.forecast >= CRITICAL_SHARE * q.limit);
    if (engage) {
      const next = govern(f.quotas, before, nonCritical(), now, this.book.dayEnd, plan);
      if (next.stretch !== before.stretch) log(next.stretch > 1 ? "warn" : "info", next.stretch > 1 ? "governor: stretching non-critical Spaces" : "governor: intervals back to normal", { stretch: next.stretch, reason: next.reason });
      this.book.setGovernor(next);
    }
    const alerts = usageSignals(f.quotas, this.book.alerted, plan, this.book.governor.stretch > 1 ? this.book.governor.reason : null, now);
    this.book.setAlerted(alerts.alerted);
    return { signals: alerts.signals, carry: { usage: this.book.toJSON() } };
  }
}
