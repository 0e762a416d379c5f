// Draining (Kubernetes' cordon): a worker or host marked by the admin stays in the registry
// and on the page but is never a placement candidate and takes no reservation. A mark lasts
// while its sender is registered: one evicted or gone is unmarked, so a new machine that
// takes the name starts schedulable.
import type { EventBatch } from "./event-batch.js";
import type { PoolState } from "./pool-state.js";
import type { RegistryStore } from "./registry-store.js";

export const DRAINS_SCHEMA = "CREATE TABLE IF NOT EXISTS drains (subject TEXT PRIMARY KEY) WITHOUT ROWID;";

export class Drains {
  private readonly marked = new Set<string>();

  constructor(private readonly store: RegistryStore) {
    store.run(DRAINS_SCHEMA);
    for (const r of store.rows<{ subject: string }>("SELECT subject FROM drains")) this.marked.add(r.subject);
  }

  get size(): number {
    return this.marked.size;
  }

  has(subject: string): boolean {
    return this.marked.size > 0 && this.marked.has(subject);
  }

  /** A worker is drained by its own mark or its host's. */
  workerDrained(workerId: string, hostId: string | null): boolean {
    return this.marked.size > 0 && (this.marked.has(`worker:${workerId}`) || (hostId !== null && this.marked.has(`host:${hostId}`)));
  }

  set(subject: string, draining: boolean, events: EventBatch): void {
    if (draining === this.marked.has(subject)) return;
    if (draining) {
      this.marked.add(subject);
      this.store.run("INSERT OR IGNORE INTO drains (subject) VALUES (?)", subject);
    } else {
      this.marked.delete(subject);
      this.store.run("DELETE FROM drains WHERE subject = ?", subject);
    }
    events.add("draining", subject, { draining });
  }

  /** Unmarks senders that are no longer registered. */
  prune(pool: PoolState): void {
    if (this.marked.size === 0) return;
    for (const subject of [...this.marked]) {
      const [kind, ...rest] = subject.split(":");
      const id = rest.join(":");
      const present = kind === "worker" ? pool.workers.has(id) : pool.hosts.has(id);
      if (!present) {
        this.marked.delete(subject);
        this.store.run("DELETE FROM drains WHERE subject = ?", subject);
      }
    }
  }

  clear(): void {
    this.marked.clear();
  }
}
