// Collects the events of one heartbeat or one sweep and writes them together. Past a few
// subjects of one kind they become a single summary event, so a storm (a whole rack going
// stale) costs one row, not thousands, and reads as one incident.
import type { PoolEventKind } from "../../shared/index.js";
import type { RegistryStore } from "./registry-store.js";

const INDIVIDUAL_EVENTS_PER_KIND = 10;
const IDS_IN_SUMMARY = 100;

export class EventBatch {
  /** By kind and cause, so a summary still says why (alerts fold "host_stale" workers into their host). */
  private readonly groups = new Map<string, { kind: PoolEventKind; subject: string; detail: Record<string, unknown> }[]>();

  add(kind: PoolEventKind, subject: string, detail: Record<string, unknown> = {}): void {
    const group = `${kind}|${typeof detail.cause === "string" ? detail.cause : ""}`;
    const list = this.groups.get(group) ?? [];
    list.push({ kind, subject, detail });
    this.groups.set(group, list);
  }

  flush(store: RegistryStore, at: number): void {
    for (const list of this.groups.values()) {
      if (list.length <= INDIVIDUAL_EVENTS_PER_KIND) {
        for (const e of list) store.addEvent(at, e.kind, e.subject, e.detail);
      } else {
        const subjects = list.map((e) => e.subject);
        const cause = list[0]!.detail.cause;
        store.addEvent(at, list[0]!.kind, "pool", { count: list.length, subjects: subjects.slice(0, IDS_IN_SUMMARY), ...(cause === undefined ? {} : { cause }) });
      }
    }
    this.groups.clear();
  }
}
