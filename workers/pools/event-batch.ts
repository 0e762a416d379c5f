// Collects the events of one heartbeat or one sweep and writes them together. Past a few
// subjects of one kind they become a single summary event, so a storm (a whole rack going
// stale) costs one row, not thousands, and reads as one incident.
import type { PoolEventKind } from "../../shared/index.js";
import type { RegistryStore } from "./registry-store.js";

const INDIVIDUAL_EVENTS_PER_KIND = 10;
const IDS_IN_SUMMARY = 100;

export class EventBatch {
  private readonly byKind = new Map<PoolEventKind, { subject: string; detail: Record<string, unknown> }[]>();

  add(kind: PoolEventKind, subject: string, detail: Record<string, unknown> = {}): void {
    const list = this.byKind.get(kind) ?? [];
    list.push({ subject, detail });
    this.byKind.set(kind, list);
  }

  flush(store: RegistryStore, at: number): void {
    for (const [kind, list] of this.byKind) {
      if (list.length <= INDIVIDUAL_EVENTS_PER_KIND) {
        for (const e of list) store.addEvent(at, kind, e.subject, e.detail);
      } else {
        const subjects = list.map((e) => e.subject);
        store.addEvent(at, kind, "pool", { count: list.length, subjects: subjects.slice(0, IDS_IN_SUMMARY) });
      }
    }
    this.byKind.clear();
  }
}
