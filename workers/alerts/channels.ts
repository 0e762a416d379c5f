// Each alert service's own request for a message, as its API documents it:
// - Discord and Slack incoming webhooks: JSON `content` / `text`.
// - A generic webhook: the AlertMessage itself (signed when it has a secret).
// - Microsoft Teams (Workflows webhook): a message with one Adaptive Card attachment.
// - Telegram Bot API: POST /bot<token>/sendMessage {chat_id, text}.
// - ntfy: JSON publishing, POST to the server's root with {topic, title, message, tags, priority}.
// - Pushover: POST /1/messages.json, form-encoded {token, user, title, message, priority, timestamp}.
// - PagerDuty Events API v2: POST /v2/enqueue, `trigger` on open (and on a change or a note
//   while open: the same dedup key adds to the alert's log) and `resolve` on close, with one
//   dedup key per incident. Reminders are not sent there (PagerDuty keeps its own incident open).
// Secrets (URLs, tokens, keys) appear in requests only, never in what is logged or shown.
import type { AlertTarget } from "../../shared/alerts.js";
import { headlineOf, textOf, type AlertMessage } from "./messages.js";

export interface Outbound {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = { "content-type": "application/json" };
/** A path under a service's API base, keeping the base's own path (a self-hosted or stand-in service). */
const under = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;
const trimTo = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The detail lines (everything after the headline), or the headline when there are none. */
function bodyText(m: AlertMessage, max: number): string {
  const full = textOf(m, max + 200);
  const rest = full.slice(full.indexOf("\n") + 1);
  return trimTo(full.includes("\n") ? rest : full, max);
}

/** PagerDuty's dedup key: one per incident, so a resolve closes what its trigger opened. */
export const dedupKeyOf = (m: AlertMessage) => (m.incident === null ? `edge-pulse-${m.key}-${m.at}` : `edge-pulse-incident-${m.incident}`);

function pagerDuty(t: Extract<AlertTarget, { type: "pagerduty" }>, m: AlertMessage): Outbound[] {
  const url = under(t.api_url, "/v2/enqueue");
  const event = (action: "trigger" | "resolve", severity = t.severity) => ({
    url,
    headers: JSON_TYPE,
    body: JSON.stringify({
      routing_key: t.routing_key,
      event_action: action,
      dedup_key: dedupKeyOf(m),
      client: "edge-pulse",
      ...(action === "trigger"
        ? {
            payload: {
              summary: trimTo(m.event === "note" ? `${m.title} (note: ${m.detail ?? ""})` : m.title, 1024),
              source: m.key,
              severity,
              timestamp: m.at,
              component: m.subject,
              group: "edge-pulse",
              class: m.event,
              custom_details: { detail: m.detail, key: m.key, incident: m.incident, opened_at: m.opened_at },
            },
          }
        : {}),
    }),
  });
  switch (m.event) {
    case "opened":
    case "changed":
      return [event("trigger")];
    case "note":
      return m.open === true ? [event("trigger")] : [];
    case "resolved":
      return [event("resolve")];
    case "test":
      // Proves the key works without leaving an incident open.
      return [event("trigger", "info"), event("resolve")];
    case "reminder":
    case "summary":
      return [];
  }
}

const PRIORITY: Record<AlertMessage["event"], { ntfy: number; pushover: number; tag: string }> = {
  opened: { ntfy: 4, pushover: 1, tag: "rotating_light" },
  changed: { ntfy: 4, pushover: 1, tag: "warning" },
  reminder: { ntfy: 3, pushover: 0, tag: "warning" },
  resolved: { ntfy: 3, pushover: 0, tag: "white_check_mark" },
  note: { ntfy: 3, pushover: 0, tag: "memo" },
  summary: { ntfy: 4, pushover: 1, tag: "warning" },
  test: { ntfy: 3, pushover: 0, tag: "bell" },
};

/** The requests that carry `m` to `target` (none: this service is not told this event). */
export function requestsFor(target: AlertTarget, m: AlertMessage): Outbound[] {
  switch (target.type) {
    case "discord":
      return [{ url: target.url, headers: JSON_TYPE, body: JSON.stringify({ username: "edge-pulse", content: textOf(m, 2000), allowed_mentions: { parse: [] } }) }];
    case "slack":
      return [{ url: target.url, headers: JSON_TYPE, body: JSON.stringify({ text: textOf(m, 3000) }) }];
    case "webhook":
      return [{ url: target.url, headers: { ...JSON_TYPE, ...(target.headers ?? {}) }, body: JSON.stringify(m) }];
    case "teams": {
      const [headline, ...rest] = textOf(m, 4000).split("\n");
      const card = {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        type: "AdaptiveCard",
        version: "1.4",
        body: [
          { type: "TextBlock", text: headline, weight: "Bolder", size: "Medium", wrap: true },
          ...rest.map((line) => ({ type: "TextBlock", text: line, wrap: true, spacing: "Small" })),
          { type: "TextBlock", text: `${m.at.slice(0, 16).replace("T", " ")} UTC · edge-pulse`, isSubtle: true, size: "Small", wrap: true },
        ],
      };
      return [{ url: target.url, headers: JSON_TYPE, body: JSON.stringify({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] }) }];
    }
    case "telegram":
      return [
        {
          url: under(target.api_url, `/bot${target.bot_token}/sendMessage`),
          headers: JSON_TYPE,
          // Plain text (no parse_mode): titles carry names that Markdown would mangle.
          body: JSON.stringify({ chat_id: target.chat_id, text: textOf(m, 4096), link_preview_options: { is_disabled: true }, disable_notification: m.event === "resolved" || m.event === "note" }),
        },
      ];
    case "ntfy": {
      const u = new URL(target.url);
      const topic = u.pathname.split("/").pop()!;
      u.pathname = u.pathname.slice(0, u.pathname.length - topic.length);
      const headers: Record<string, string> = { ...JSON_TYPE };
      if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
      const p = PRIORITY[m.event];
      return [{ url: u.toString(), headers, body: JSON.stringify({ topic, title: trimTo(headlineOf(m).replace(/^\S+ /, ""), 250), message: bodyText(m, 4000), tags: [p.tag], priority: p.ntfy }) }];
    }
    case "pushover": {
      const form = new URLSearchParams({
        token: target.token,
        user: target.user,
        title: trimTo(headlineOf(m), 250),
        message: bodyText(m, 1024),
        priority: String(PRIORITY[m.event].pushover),
        timestamp: String(Math.floor(Date.parse(m.at) / 1000)),
      });
      if (target.device !== undefined) form.set("device", target.device);
      return [{ url: under(target.api_url, "/1/messages.json"), headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }];
    }
    case "pagerduty":
      return pagerDuty(target, m);
  }
}

/** What names a target across config edits (its fingerprint's input): where it sends, with its credentials. */
export function identityOf(t: AlertTarget): string {
  switch (t.type) {
    case "telegram":
      return `${t.type} ${t.api_url} ${t.bot_token} ${t.chat_id}`;
    case "pushover":
      return `${t.type} ${t.api_url} ${t.token} ${t.user}`;
    case "pagerduty":
      return `${t.type} ${t.api_url} ${t.routing_key}`;
    default:
      return `${t.type} ${t.url}`;
  }
}
