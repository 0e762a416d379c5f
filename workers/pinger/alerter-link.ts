// How the pinger tells the Alerter (workers/alerts/alerter.ts) about its ticks. Every tick with
// state changes tells at once; a quiet one tells only when the Alerter's `tell_every_ms` has
// passed since the last tell (its proof that the pinger runs), so a steady pinger costs the
// Alerter about 480 requests a day instead of 1,440. Each tell carries the maintenance windows
// in force; the Alerter's usage counts ride back in its answer.
import type { StoredWindow } from "../../shared/maintenance.js";
import type { AlertSignal } from "../alerts/signals.js";
import { alerter } from "../objects.js";
import type { UsageDelta } from "../usage/tally.js";

export class AlerterLink {
  /** When the last tell succeeded; -Infinity until one has (this object's first tick tells). */
  private toldAt = Number.NEGATIVE_INFINITY;
  private everyMs = 0;

  constructor(
    private readonly env: Env,
    private readonly merge: (usage: UsageDelta | null) => void,
  ) {}

  /** After a tick: tells the Alerter when there is something to say or it is time to. Throws when the call fails (told again next tick). */
  async afterTick(signals: AlertSignal[], finishedAt: number, windows: StoredWindow[]): Promise<boolean> {
    if (signals.length === 0 && finishedAt - this.toldAt < this.everyMs) return false;
    const answer = await alerter(this.env).tick(signals, { finished_at: finishedAt, windows });
    this.merge(answer.usage);
    this.toldAt = finishedAt;
    this.everyMs = answer.tell_every_ms;
    return true;
  }

  /** The windows changed (an admin added or removed one): the Alerter holds or releases alerts by them now. */
  async windowsChanged(windows: StoredWindow[]): Promise<void> {
    await alerter(this.env).maintenanceChanged(windows);
  }
}
