// A pool's one alarm, kept at the earliest thing due: a sender's deadline (stale, evict) or
// the queen push. Moved earlier only by a new or recovered sender; steady heartbeats never
// set it. Each setAlarm() is a row written, counted by the usage meter.
import type { ObjectMeter } from "../usage/tally.js";

export class PoolAlarm {
  /** When the alarm is set for, as this instance knows it (null: none). */
  armedAt: number | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly meter: ObjectMeter,
  ) {}

  /** Reads the alarm a restarted object finds set. */
  async load(): Promise<void> {
    this.armedAt = await this.storage.getAlarm();
  }

  /** Moves the alarm earlier when `at` comes first; writes nothing otherwise. */
  async wakeBy(at: number): Promise<void> {
    if (this.armedAt !== null && this.armedAt <= at) return;
    this.armedAt = at;
    await this.meter.setAlarm(this.storage, at);
  }

  /** Sets it to the earliest of `times` (none: deletes it); `force`: even if this instance thinks it is already there. */
  async rearm(times: (number | null)[], force = false): Promise<void> {
    if (force) this.armedAt = null;
    const due = times.filter((t): t is number => t !== null);
    if (due.length === 0) {
      if (this.armedAt !== null) await this.storage.deleteAlarm();
      this.armedAt = null;
      return;
    }
    const next = Math.min(...due);
    if (this.armedAt === next) return;
    this.armedAt = next;
    await this.meter.setAlarm(this.storage, next);
  }

  /** The alarm fired: nothing is set until the next rearm. */
  fired(): void {
    this.armedAt = null;
  }
}
