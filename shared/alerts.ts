// Alert settings, kept in KV (binding `SPACES`, key `alerts`) or set with
// PUT /v1/admin/alerts: where alerts go (Discord, Slack, any JSON webhook) and how loud
// they are. Webhook URLs carry their own credentials, so they are secrets: never echoed.
import * as z from "zod";
import { HeaderMapSchema } from "./headers.js";

/** The KV key (binding `SPACES`) that holds the alert settings. */
export const ALERTS_KEY = "alerts";

/** What an alert is about. `pool`: most of a pool went silent at once (evictions held). */
export const AlertSubjectSchema = z.enum(["space", "worker", "host", "pool", "pinger"]);
export type AlertSubject = z.infer<typeof AlertSubjectSchema>;

const WebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);

const TargetBase = {
  url: WebhookUrl,
  /** Shown in logs and the admin API instead of the URL. */
  name: z.string().min(1).max(60).optional(),
  /** Only these subjects; default all. */
  subjects: z.array(AlertSubjectSchema).min(1).optional(),
};

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

/** A target as the admin API shows it: the URL's host only, never its path or secrets. */
export function describeTarget(t: AlertTarget, index: number): { index: number; type: string; name: string; host: string; subjects: AlertSubject[] | "all" } {
  return { index, type: t.type, name: t.name ?? `${t.type}-${index}`, host: new URL(t.url).host, subjects: t.subjects ?? "all" };
}
