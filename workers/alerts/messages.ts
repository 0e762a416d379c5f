// Turns incident notices into the messages one target gets (channels.ts turns a message into
// each service's request). The storm guard lives here: past `storm_threshold` notices in one
// batch, a target gets one summary instead of a flood.
import type { AlertSubject, AlertTarget } from "../../shared/alerts.js";
import { formatDuration } from "../../shared/duration.js";

export interface Notice {
  /** changed: still open, but in another way (a Space gone from degraded to down); note: a person added a note. */
  event: "opened" | "changed" | "resolved" | "reminder" | "note";
  /** The incident's number. */
  id: number;
  key: string;
  subject: AlertSubject;
  title: string;
  detail: string | null;
  at: number;
  /** When the incident began (for "down for 12 min"). */
  opened_at: number;
  /** Notes only: whether the incident is still open. */
  open?: boolean;
}

/** What the generic webhook receives (and what Discord and Slack bodies are written from). */
export interface AlertMessage {
  source: "edge-pulse";
  event: "opened" | "changed" | "resolved" | "reminder" | "note" | "summary" | "test";
  subject: AlertSubject | "many";
  /** The incident's number (null for a summary or a test). */
  incident: number | null;
  key: string;
  title: string;
  detail: string | null;
  at: string;
  opened_at: string | null;
  duration_s: number | null;
  /** Notes only: whether the incident is still open (PagerDuty hears notes on open ones). */
  open?: boolean;
  /** Summary only: every notice it stands for (at most 50 listed). */
  count?: number;
  items?: { event: Notice["event"]; key: string; title: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const SUMMARY_ITEMS = 50;

export function messageOf(n: Notice): AlertMessage {
  const duration = n.event === "opened" ? null : Math.max(0, Math.round((n.at - n.opened_at) / 1000));
  const m: AlertMessage = { source: "edge-pulse", event: n.event, subject: n.subject, incident: n.id, key: n.key, title: n.title, detail: n.detail, at: iso(n.at), opened_at: iso(n.opened_at), duration_s: duration };
  if (n.open !== undefined) m.open = n.open;
  return m;
}

/**
 * The messages for one target: its subjects only, and one summary past the threshold.
 * PagerDuty gets every notice (each incident triggers and resolves by its own dedup key, and
 * PagerDuty groups a storm itself).
 */
export function messagesFor(target: AlertTarget, notices: Notice[], stormThreshold: number, nowMs: number): AlertMessage[] {
  const mine = target.subjects === undefined ? notices : notices.filter((n) => target.subjects!.includes(n.subject));
  if (mine.length <= stormThreshold || target.type === "pagerduty") return mine.map(messageOf);
  const count = (e: Notice["event"]) => mine.filter((n) => n.event === e).length;
  const parts = [["opened", "new"], ["changed", "changed"], ["resolved", "resolved"], ["reminder", "still open"]]
    .map(([e, word]) => [count(e as Notice["event"]), word] as const)
    .filter(([c]) => c > 0)
    .map(([c, word]) => `${c} ${word}`);
  return [
    {
      source: "edge-pulse",
      event: "summary",
      subject: "many",
      incident: null,
      key: "summary",
      title: `${mine.length} alerts at once: ${parts.join(", ")}`,
      detail: null,
      at: iso(nowMs),
      opened_at: null,
      duration_s: null,
      count: mine.length,
      items: mine.slice(0, SUMMARY_ITEMS).map((n) => ({ event: n.event, key: n.key, title: n.title })),
    },
  ];
}

const ICON: Record<AlertMessage["event"], string> = { opened: "🔴", changed: "🟠", resolved: "🟢", reminder: "🟠", note: "📝", summary: "⚠️", test: "🔔" };

/** The first line: icon and title (a note's title is its incident's). */
export function headlineOf(m: AlertMessage): string {
  return `${ICON[m.event]} ${m.event === "note" ? `Update on: ${m.title}` : m.title}`;
}

/** Plain text for chat services (Discord, Slack, Teams, Telegram, ntfy, Pushover). */
export function textOf(m: AlertMessage, max: number): string {
  const lines = [headlineOf(m)];
  if (m.event === "resolved" && m.duration_s !== null) lines[0] += ` (after ${formatDuration(m.duration_s)})`;
  if ((m.event === "reminder" || m.event === "changed") && m.duration_s !== null) lines[0] += ` (for ${formatDuration(m.duration_s)})`;
  if (m.detail !== null) lines.push(m.detail);
  for (const item of m.items ?? []) lines.push(`• ${item.event === "resolved" ? "resolved: " : item.event === "reminder" ? "still: " : item.event === "changed" ? "now: " : ""}${item.title}`);
  if (m.count !== undefined && m.items !== undefined && m.count > m.items.length) lines.push(`… and ${m.count - m.items.length} more`);
  const text = lines.join("\n");
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
