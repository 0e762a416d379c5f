// What the pinger and the pool registries tell the Alerter: a subject went bad (opens an
// incident) or is fine again (closes it). Built here from Space state changes and pool
// events, so the producers stay unaware of alert wording.
import { publicUrlsIn } from "../../shared/public-url.js";
import type { AlertSubject } from "../../shared/alerts.js";
import type { PoolEvent } from "../../shared/index.js";
import type { Transition } from "../pinger/ledger.js";

export interface AlertSignal {
  /** Incident key: "space:<id>", "worker:<pool>/<id>", "host:<pool>/<id>", "pool:<id>", "pinger", "cron". */
  key: string;
  subject: AlertSubject;
  /** true: the subject is bad (opens an incident if none is open); false: it is fine again. */
  bad: boolean;
  /** One line, e.g. `Space "demo" is down`. */
  title: string;
  detail: string | null;
  at: number;
}

/**
 * Space transitions: down or degraded opens (one incident per Space: going from one to the
 * other while it is open says so), up closes; waking (HF starting it) changes nothing. A
 * Space taken off the list closes its incident (or it would be reminded of forever).
 */
export function spaceSignals(transitions: Transition[], removed: { id: string; name: string; host: string }[] = [], at = Date.now()): AlertSignal[] {
  // Named with its host: two Spaces that read alike on different hosts are told apart.
  const out: AlertSignal[] = removed.map((r) => ({ key: `space:${r.id}`, subject: "space", bad: false, title: `Space "${r.name}" on ${r.host} was removed from the list`, detail: null, at }));
  for (const t of transitions) {
    const key = `space:${t.id}`;
    const detail = t.error === null ? null : publicUrlsIn(t.error);
    if (t.to === "down") out.push({ key, subject: "space", bad: true, title: `Space "${t.name}" on ${t.host} is down`, detail, at: t.at });
    else if (t.to === "degraded") out.push({ key, subject: "space", bad: true, title: `Space "${t.name}" on ${t.host} is degraded`, detail, at: t.at });
    else if (t.to === "up" && t.from !== "unknown") out.push({ key, subject: "space", bad: false, title: `Space "${t.name}" on ${t.host} is up`, detail: null, at: t.at });
  }
  return out;
}

/** The cron going quiet (the pinger's alarm took over) and coming back. */
export function cronSignals(cron: "late" | "back" | null, at: number): AlertSignal[] {
  if (cron === null) return [];
  return cron === "late"
    ? [{ key: "cron", subject: "pinger", bad: true, title: "The Cron Trigger is late: the pinger's own alarm is running the checks", detail: "no cron tick for two intervals; check the Worker's Cron Triggers (Workers > Settings > Triggers)", at }]
    : [{ key: "cron", subject: "pinger", bad: false, title: "The Cron Trigger is back", detail: null, at }];
}

const seconds = (v: unknown) => (typeof v === "number" ? `${v} s` : "a while");

/**
 * Pool events: a sender going stale opens (a worker that went stale only because its host
 * did is covered by the host's incident), recovering closes, eviction or leaving closes
 * whatever is open. Storm summaries (one event for many subjects) are expanded.
 */
export function poolSignals(poolId: string, events: PoolEvent[]): AlertSignal[] {
  const out: AlertSignal[] = [];
  for (const e of events) {
    const at = Date.parse(e.at);
    if (e.kind === "eviction_suspended" || e.kind === "eviction_resumed") {
      const bad = e.kind === "eviction_suspended";
      out.push({ key: `pool:${poolId}`, subject: "pool", bad, title: bad ? `Pool "${poolId}": most senders went silent at once` : `Pool "${poolId}": senders are back`, detail: typeof e.detail.reason === "string" ? e.detail.reason : null, at });
      continue;
    }
    const subjects = e.subject === "pool" && Array.isArray(e.detail.subjects) ? (e.detail.subjects as string[]) : [e.subject];
    for (const subject of subjects) {
      const [kind, ...rest] = subject.split(":");
      if (kind !== "worker" && kind !== "host") continue;
      const id = rest.join(":");
      const key = `${kind}:${poolId}/${id}`;
      const what = kind === "worker" ? `Worker "${id}" in pool "${poolId}"` : `Host "${id}" in pool "${poolId}"`;
      switch (e.kind) {
        case "stale":
          if (e.detail.cause === "host_stale") break;
          if (kind === "host") {
            const workers = typeof e.detail.workers === "number" && e.detail.workers > 0 ? `; ${e.detail.workers} workers went stale with it` : "";
            out.push({ key, subject: "host", bad: true, title: `${what} lost`, detail: `no heartbeat for ${seconds(e.detail.silent_s)}${workers}`, at });
          } else {
            out.push({ key, subject: "worker", bad: true, title: `${what} is stale`, detail: `no heartbeat for ${seconds(e.detail.silent_s)}`, at });
          }
          break;
        case "recovered":
          out.push({ key, subject: kind, bad: false, title: `${what} is back`, detail: null, at });
          break;
        case "evicted":
          out.push({ key, subject: kind, bad: false, title: `${what} was evicted`, detail: e.detail.by === "admin" ? "removed by an admin" : "silent past the eviction window", at });
          break;
        case "left":
          out.push({ key, subject: kind, bad: false, title: `${what} left the pool`, detail: null, at });
          break;
      }
    }
  }
  return out;
}
