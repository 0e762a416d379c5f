// A pool's alert cursor: which of its events have been handed to the Alerter (which sends
// them from its own alarm). New alert-worthy events go over after a heartbeat, a sweep or an
// eviction; on failure the cursor stays, so the next one tries again. One hand-over at a time.
import type { AlertSignal } from "../alerts/signals.js";
import { poolSignals } from "../alerts/signals.js";
import type { RegistryStore } from "./registry-store.js";

const log = (msg: string, fields: object) => console.log(JSON.stringify({ level: "error", msg, ...fields }));

export class AlertCursor {
  /** Events up to this number have been handed over. */
  private seq: number;
  private forwarding: Promise<void> | null = null;

  /** `notify`: the Alerter's intake (the address book's stub, bound by the object). */
  constructor(
    private readonly store: RegistryStore,
    private readonly notify: (signals: AlertSignal[]) => Promise<void>,
    poolId: string | null,
  ) {
    const stored = store.getMeta("alert_seq");
    // A pool older than alerts starts from now: its past events are not news.
    this.seq = stored === null ? store.lastSeq : Number(stored);
    if (stored === null && poolId !== null) this.save();
  }

  /** Stores the cursor (a new pool's first, so its past is never news). */
  save(): void {
    this.store.setMeta("alert_seq", String(this.seq));
  }

  /** Whether events were written since the last hand-over. */
  get behind(): boolean {
    return this.store.lastSeq > this.seq;
  }

  forward(poolId: string | null): Promise<void> {
    if (!this.behind || poolId === null) return Promise.resolve();
    if (this.forwarding !== null) return this.forwarding;
    const run = async () => {
      // Yield first, so `forwarding` is set before any path can clear it.
      await Promise.resolve();
      try {
        while (this.behind) {
          const events = this.store.listEvents(this.seq, 500);
          if (events.length === 0) break;
          const signals = poolSignals(poolId, events);
          const upTo = events[events.length - 1]!.seq;
          // Stored only when something was handed over: after a restart, events without
          // alerts (joins, skew) are read again and still say nothing.
          if (signals.length > 0) {
            await this.notify(signals);
            this.store.setMeta("alert_seq", String(upTo));
          }
          this.seq = upTo;
        }
      } catch (err) {
        log("could not hand events to the alerter", { pool_id: poolId, error: String(err) });
      } finally {
        this.forwarding = null;
      }
    };
    this.forwarding = run();
    return this.forwarding;
  }
}
