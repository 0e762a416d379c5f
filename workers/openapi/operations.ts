// Every route the Worker serves, with the zod schemas of what it takes and returns. The
// OpenAPI document (document.ts) is generated from this list, and a test checks the list
// against the routes the app really has, so neither can drift from the other.
import * as z from "zod";
import { AlertConfigSchema } from "../../shared/alerts.js";
import { ErrorBodySchema, HeartbeatAckSchema, PingerHealthSchema, PoolSummarySchema, SpacesReportSchema } from "../../shared/api.js";
import { PoolEventSchema, PoolHeartbeatSchema, PoolSettingsPatchSchema, PoolSettingsSchema, PoolSnapshotSchema, SpaceObjectSchema, WorkerHeartbeatSchema } from "../../shared/index.js";
import { IssueTokenSchema } from "../pools/admin-routes.js";
import { EventsQuerySchema, SnapshotQuerySchema } from "../pools/routes.js";

export type Auth = "none" | "viewer" | "admin" | "pool" | "pool_or_admin";

export interface Operation {
  /** The operationId: what a generated client calls the method. */
  id: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style: /v2/pools/{id} */
  path: string;
  tag: "status" | "pinger" | "pools" | "admin";
  summary: string;
  auth: Auth;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Status code -> [description, schema]; a string schema means a non-JSON body of that media type. */
  responses: Record<number, [string, z.ZodType | string | null]>;
}

const Json = z.record(z.string(), z.unknown());
const SpaceListSchema = z.array(z.union([z.string().meta({ description: "A URL to ping with every default" }), SpaceObjectSchema])).meta({ description: "The Space list (KV key `spaces`)" });
const TokenInfo = z.object({ token_id: z.string(), label: z.string().nullable(), created_at: z.string(), revoked_at: z.string().nullable() });

const bad: Record<number, [string, z.ZodType]> = { 400: ["Bad input; `error.field` names the field", ErrorBodySchema] };
const denied: Record<number, [string, z.ZodType]> = { 401: ["Missing or invalid token", ErrorBodySchema] };
const foreign: Record<number, [string, z.ZodType]> = { 403: ["A token of another pool", ErrorBodySchema] };
const noPool: Record<number, [string, z.ZodType]> = { 404: ["No such pool", ErrorBodySchema] };

export const OPERATIONS: Operation[] = [
  { id: "getStatusPage", method: "get", path: "/", tag: "status", summary: "Status page (HTML): Spaces, pools, GPUs, workers, open incidents", auth: "viewer", responses: { 200: ["The page", "text/html"], ...denied } },
  { id: "getMetrics", method: "get", path: "/metrics", tag: "status", summary: "Prometheus metrics (text format 0.0.4)", auth: "viewer", responses: { 200: ["Metrics", "text/plain"], ...denied } },
  { id: "getHealth", method: "get", path: "/health", tag: "status", summary: "Liveness of the Worker itself (seed Spaces ping back here)", auth: "none", responses: { 200: ["Alive", z.object({ status: z.literal("alive") })] } },
  { id: "getOpenApiDocument", method: "get", path: "/openapi.json", tag: "status", summary: "This document", auth: "none", responses: { 200: ["OpenAPI 3.1", Json] } },
  { id: "getApiDocs", method: "get", path: "/docs", tag: "status", summary: "API documentation (HTML), rendered from this document", auth: "none", responses: { 200: ["The page", "text/html"] } },
  { id: "listSpaces", method: "get", path: "/v1/spaces", tag: "pinger", summary: "Every Space: state, last check, latency, uptime, last error, HF stage; list errors; last tick", auth: "viewer", responses: { 200: ["The report", SpacesReportSchema], ...denied } },
  { id: "getPingerHealth", method: "get", path: "/v1/pinger/health", tag: "pinger", summary: "Watch the watcher: 200 while ticks complete, 503 when none has for two intervals", auth: "none", responses: { 200: ["Ticking", PingerHealthSchema], 503: ["Overdue or misconfigured", PingerHealthSchema] } },
  { id: "sendWorkerHeartbeat", method: "post", path: "/v1/heartbeat", tag: "pools", summary: "Worker heartbeat (rbee); the pool token names the pool", auth: "pool", body: WorkerHeartbeatSchema, responses: { 200: ["Applied", HeartbeatAckSchema], ...bad, ...denied, 403: ["Not a pool token", ErrorBodySchema], 413: ["Body too large", ErrorBodySchema] } },
  { id: "sendPoolHeartbeat", method: "post", path: "/v2/pools/{id}/heartbeat", tag: "pools", summary: "Pool heartbeat from a hive or heartbeat-sidecar: GPUs and workers of one host", auth: "pool", body: PoolHeartbeatSchema, responses: { 200: ["Applied", HeartbeatAckSchema], ...bad, ...denied, ...foreign, 404: ["No such pool (admin)", ErrorBodySchema], 413: ["Body too large, too many GPUs or workers, or the pool is full", ErrorBodySchema] } },
  { id: "getPoolSnapshot", method: "get", path: "/v2/pools/{id}", tag: "pools", summary: "Pool snapshot aggregated over every host (the pool heartbeat's shape plus states)", auth: "pool_or_admin", query: SnapshotQuerySchema, responses: { 200: ["Snapshot", PoolSnapshotSchema], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "listPoolEvents", method: "get", path: "/v2/pools/{id}/events", tag: "pools", summary: "Pool event log (joined, stale, recovered, evicted, left, ...)", auth: "pool_or_admin", query: EventsQuerySchema, responses: { 200: ["Events", z.object({ pool_id: z.string(), events: z.array(PoolEventSchema) })], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "listPools", method: "get", path: "/v2/pools", tag: "pools", summary: "Pools with counts (admin: all; pool token: its own)", auth: "pool_or_admin", responses: { 200: ["Pools", z.object({ pools: z.array(PoolSummarySchema) })], ...denied } },
  { id: "issuePoolToken", method: "post", path: "/v1/admin/pools/{id}/tokens", tag: "admin", summary: "Create the pool if needed and issue a pool token (shown once)", auth: "admin", body: IssueTokenSchema, responses: { 201: ["Issued", TokenInfo.extend({ pool_id: z.string(), token: z.string() })], ...bad, ...denied } },
  { id: "listPoolTokens", method: "get", path: "/v1/admin/pools/{id}/tokens", tag: "admin", summary: "List a pool's tokens (never their secrets)", auth: "admin", responses: { 200: ["Tokens", z.object({ pool_id: z.string(), tokens: z.array(TokenInfo) })], ...denied, ...noPool } },
  { id: "revokePoolToken", method: "delete", path: "/v1/admin/pools/{id}/tokens/{token_id}", tag: "admin", summary: "Revoke a token", auth: "admin", responses: { 200: ["Revoked", TokenInfo], ...bad, ...denied, 404: ["No such token", ErrorBodySchema] } },
  { id: "getPoolSettings", method: "get", path: "/v1/admin/pools/{id}/settings", tag: "admin", summary: "A pool's timing and eviction settings", auth: "admin", responses: { 200: ["Settings", PoolSettingsSchema], ...denied, 404: ["No such pool", ErrorBodySchema] } },
  { id: "updatePoolSettings", method: "patch", path: "/v1/admin/pools/{id}/settings", tag: "admin", summary: "Change an existing pool's settings", auth: "admin", body: PoolSettingsPatchSchema, responses: { 200: ["Settings", PoolSettingsSchema], ...bad, ...denied, 404: ["No such pool", ErrorBodySchema] } },
  { id: "getPoolStats", method: "get", path: "/v1/admin/pools/{id}/stats", tag: "admin", summary: "The registry object's own counters (rows written, heartbeats, alarm)", auth: "admin", responses: { 200: ["Stats", Json], ...denied, 404: ["No such pool", ErrorBodySchema] } },
  { id: "createPool", method: "put", path: "/v1/admin/pools/{id}", tag: "admin", summary: "Create a pool (tokens can also create one)", auth: "admin", responses: { 201: ["Created", z.object({ pool_id: z.string(), created: z.literal(true) })], 200: ["Exists already", z.object({ pool_id: z.string(), created: z.literal(false) })], ...bad, ...denied } },
  { id: "evictWorker", method: "delete", path: "/v1/admin/pools/{id}/workers/{worker_id}", tag: "admin", summary: "Evict a worker now", auth: "admin", responses: { 200: ["Removed", z.object({ removed: z.string() })], ...bad, ...denied, 404: ["No such worker (or pool)", ErrorBodySchema] } },
  { id: "evictHost", method: "delete", path: "/v1/admin/pools/{id}/hosts/{host_id}", tag: "admin", summary: "Evict a host now", auth: "admin", responses: { 200: ["Removed", z.object({ removed: z.string() })], ...bad, ...denied, 404: ["No such host (or pool)", ErrorBodySchema] } },
  { id: "deletePool", method: "delete", path: "/v1/admin/pools/{id}", tag: "admin", summary: "Delete a pool and everything it holds", auth: "admin", responses: { 200: ["Deleted", z.object({ pool_id: z.string(), deleted: z.literal(true) })], ...denied, 404: ["No such pool", ErrorBodySchema] } },
  { id: "putSpaceList", method: "put", path: "/v1/admin/spaces", tag: "admin", summary: "Store the Space list in KV; 400 lists every bad entry and stores nothing", auth: "admin", body: SpaceListSchema, responses: { 200: ["Stored", Json], ...bad, ...denied, 413: ["Too many entries", ErrorBodySchema] } },
  { id: "getSpaceList", method: "get", path: "/v1/admin/spaces", tag: "admin", summary: "The stored Space list as written, with its errors", auth: "admin", responses: { 200: ["The list", Json], ...denied } },
  { id: "putAlertSettings", method: "put", path: "/v1/admin/alerts", tag: "admin", summary: "Store the alert settings (targets, anti-flap reminders, storm guard) in KV", auth: "admin", body: AlertConfigSchema, responses: { 200: ["Stored; targets shown by type, name and host only", Json], ...bad, ...denied } },
  { id: "getAlertStatus", method: "get", path: "/v1/admin/alerts", tag: "admin", summary: "Alert settings in force (URLs never shown), open and recent incidents, outbox, deliveries", auth: "admin", responses: { 200: ["Status", Json], ...denied } },
  { id: "sendTestAlert", method: "post", path: "/v1/admin/alerts/test", tag: "admin", summary: "Send a test alert to every target", auth: "admin", responses: { 200: ["Queued", z.object({ queued: z.number() })], ...denied } },
];
