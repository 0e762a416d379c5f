// A pool's one alarm, kept at the earliest thing due: a sender's deadline (stale, evict) or
// the queen push. Moved earlier only by a new or recovered sender. A heartbeat that finds it
// about to fire (`near`) moves it on to the next deadline instead: a heartbeat never makes
// anything due, and the deadline it was set for has moved since, so steady heartbeats cost
// no alarm invocation (each one a Durable Object request: 2,304 a day for 8 hosts on 15 s,
// the Free plan's tightest quota). The alarm fires only when a sender really goes silent, or
// for the queen push. Each setAlarm() is a row written, counted by the usage meter.
import type { ObjectMeter } from "../usage/tally.js";

export class PoolAlarm {
  /** When the alarm is set for, as this instance knows it (null: none). */
  armedAt: number | null = null;
  /** A heartbeat found the alarm due for a sender that is really going quiet: none tries again before it fires. */
  private dueAt: number | null = null;

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

  /**
   * Set for a moment still to come, within `leadMs`: a heartbeat in that lead is the last one
   * before it fires (senders heartbeat every `leadMs`), so it is the one to move it on.
   */
  near(now: number, leadMs: number): boolean {
    return this.armedAt !== null && this.armedAt !== this.dueAt && this.armedAt > now && this.armedAt - now <= leadMs;
  }

  /**
   * A heartbeat's move (near() was true) to the earliest of `times`. When that is where the
   * alarm already is, a sender really is due then: no heartbeat looks again (each look is a
   * pass over every sender) until the alarm has fired or moved.
   */
  async moveOn(times: (number | null)[]): Promise<void> {
    const before = this.armedAt;
    await this.rearm(times);
    if (this.armedAt === before) this.dueAt = before;
  }

  /** The alarm fired: nothing is set until the next rearm. */
  fired(): void {
    this.armedAt = null;
  }
}
