// Alert settings, kept in KV (binding `SPACES`, key `alerts`) or set with
// PUT /v1/admin/alerts: where alerts go (Discord, Slack, Teams, Telegram, ntfy, Pushover,
// PagerDuty, any JSON webhook) and how loud they are. Webhook URLs, bot tokens and keys are
// credentials, so they are secrets: never echoed.
import * as z from "zod";
import { HeaderMapSchema } from "./headers.js";

/** The KV key (binding `SPACES`) that holds the alert settings. */
export const ALERTS_KEY = "alerts";

/** What an alert is about. `pool`: most of a pool went silent at once (evictions held). */
export const AlertSubjectSchema = z.enum(["space", "worker", "host", "pool", "pinger", "usage"]);
export type AlertSubject = z.infer<typeof AlertSubjectSchema>;

const WebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);
/** A service's API base; changed only to reach a self-hosted or stand-in service. */
const ApiBase = (url: string) => WebhookUrl.default(url);

const Common = {
  /** Shown in logs and the admin API instead of the URL. */
  name: z.string().min(1).max(60).optional(),
  /** Only these subjects; default all. */
  subjects: z.array(AlertSubjectSchema).min(1).optional(),
};
const TargetBase = { url: WebhookUrl, ...Common };

export const AlertTargetSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("discord"), ...TargetBase }).strict(),
  z.object({ type: z.literal("slack"), ...TargetBase }).strict(),
  z
    .object({
      type: z.literal("webhook"),
      ...TargetBase,
      headers: HeaderMapSchema.optional(),
      /** Signs each body: x-edge-pulse-signature: sha256=<HMAC-SHA256 of the body, hex>. */
      secret: z.string().min(16).max(200).optional(),
    })
    .strict(),
  /** Microsoft Teams: a Workflows "When a Teams webhook request is received" URL (Adaptive Card). */
  z.object({ type: z.literal("teams"), ...TargetBase }).strict(),
  /** Telegram Bot API sendMessage: the bot's token from @BotFather and the chat to write to. */
  z
    .object({
      type: z.literal("telegram"),
      bot_token: z.string().regex(/^\d{3,20}:[A-Za-z0-9_-]{30,60}$/, "a bot token looks like 123456789:AA... (from @BotFather)"),
      chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, "a chat id (a number) or @channelname")]),
      api_url: ApiBase("https://api.telegram.org"),
      ...Common,
    })
    .strict(),
  /** ntfy: the topic's URL (https://ntfy.sh/<topic>, or a self-hosted server's); `token` for a protected topic. */
  z
    .object({
      type: z.literal("ntfy"),
      url: WebhookUrl.refine((u) => /^[-_A-Za-z0-9]{1,64}$/.test(new URL(u).pathname.split("/").pop() ?? ""), "must end in the topic (letters, digits, - and _)"),
      token: z.string().min(1).max(200).optional(),
      ...Common,
    })
    .strict(),
  /** Pushover: the application's API token and the user (or group) key. */
  z
    .object({
      type: z.literal("pushover"),
      token: z.string().regex(/^[A-Za-z0-9]{30}$/, "a Pushover application token: 30 letters and digits"),
      user: z.string().regex(/^[A-Za-z0-9]{30}$/, "a Pushover user or group key: 30 letters and digits"),
      device: z.string().regex(/^[A-Za-z0-9_-]{1,25}$/).optional(),
      api_url: ApiBase("https://api.pushover.net"),
      ...Common,
    })
    .strict(),
  /** PagerDuty Events API v2: an integration's routing key; incidents trigger and resolve by their own dedup key. */
  z
    .object({
      type: z.literal("pagerduty"),
      routing_key: z.string().regex(/^[A-Za-z0-9]{32}$/, "a PagerDuty integration (routing) key: 32 letters and digits"),
      severity: z.enum(["critical", "error", "warning", "info"]).default("critical"),
      api_url: ApiBase("https://events.pagerduty.com"),
      ...Common,
    })
    .strict(),
]);
export type AlertTarget = z.infer<typeof AlertTargetSchema>;

export const AlertConfigSchema = z
  .object({
    targets: z.array(AlertTargetSchema).max(10).default([]),
    /** Repeat an open incident this often (0: never). */
    remind_every_s: z.number().int().min(0).max(604_800).default(14_400),
    /** More notices than this in one batch go out as one summary. */
    storm_threshold: z.number().int().min(1).max(1_000).default(5),
    /** Changes arriving this close together are sent as one batch (so a storm is seen whole). */
    group_wait_s: z.number().int().min(0).max(300).default(10),
    /** The pinger counts as stopped when no tick has finished for this long. */
    pinger_overdue_s: z.number().int().min(120).max(86_400).default(300),
  })
  .strict();
export type AlertConfig = z.output<typeof AlertConfigSchema>;

export const DEFAULT_ALERT_CONFIG: AlertConfig = AlertConfigSchema.parse({});

/** Where a target's requests go (tokens in a path are its secrets: only the host is ever shown). */
export function endpointOf(t: AlertTarget): string {
  return "url" in t ? t.url : t.api_url;
}

/** A target as the admin API shows it: the host only, never a path, token or key. */
export function describeTarget(t: AlertTarget, index: number): { index: number; type: string; name: string; host: string; subjects: AlertSubject[] | "all" } {
  return { index, type: t.type, name: t.name ?? `${t.type}-${index}`, host: new URL(endpointOf(t)).host, subjects: t.subjects ?? "all" };
}
