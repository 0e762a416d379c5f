// Every route the edge serves, with the zod schemas of what it takes and returns. The
// OpenAPI document (document.ts) is generated from this list at build time, and tests check
// the list against the routes the app really has and every answer the suite sees against
// the document, so neither can drift from the other.
import { UsageReportSchema } from "../../shared/usage.js";
import * as z from "zod";
import { AlertConfigSchema } from "../../shared/alerts.js";
import * as api from "../../shared/api.js";
import { PoolHeartbeatSchema, PoolSettingsPatchSchema, PoolSettingsSchema, PoolSnapshotSchema, WorkerHeartbeatSchema } from "../../shared/index.js";
import { DrainPatchSchema, DrainStateSchema, PlacementQuerySchema, PlacementSchema, ReservationListSchema, ReservationRequestSchema, ReservationSchema } from "../../shared/placement.js";
import { ForwardConfigSchema, ForwardSetSchema } from "../../shared/forward.js";
import { MaintenanceListSchema, MaintenanceRequestSchema, MaintenanceWindowSchema } from "../../shared/maintenance.js";
import { OpenApiDocumentSchema } from "./components.js";
import { AnnouncementListSchema, AnnouncementRequestSchema, AnnouncementSchema } from "../../shared/announcements.js";

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
  /** "asset": a file the build writes and Cloudflare serves without running the Worker. */
  served?: "asset";
  /** The app's route when one serves several documented paths (the badges' /badge/*). */
  route?: string;
  query?: z.ZodObject;
  /** A named schema (components.ts). */
  body?: z.ZodType;
  /** Status code -> [description, schema]; a string schema means a non-JSON body of that media type. JSON schemas are named ones (components.ts). */
  responses: Record<number, [string, z.ZodType | string | null]>;
}

const E = api.ErrorBodySchema;
const bad: Record<number, [string, z.ZodType]> = { 400: ["Bad input; `error.field` names the field", E] };
const denied: Record<number, [string, z.ZodType]> = { 401: ["Missing or invalid token", E] };
const foreign: Record<number, [string, z.ZodType]> = { 403: ["A token of another pool, or one whose scope does not allow this", E] };
const noPool: Record<number, [string, z.ZodType]> = { 404: ["No such pool", E] };

export const OPERATIONS: Operation[] = [
  { id: "getStatusPage", method: "get", path: "/", tag: "status", summary: "Status page (HTML): 100 Spaces a page, problems first (a link to the next), pools, GPUs, workers, open incidents", auth: "viewer", query: api.StatusPageQuerySchema, responses: { 200: ["The page", "text/html"], ...bad, ...denied } },
  { id: "getMetrics", method: "get", path: "/metrics", tag: "status", summary: `Prometheus metrics (text format 0.0.4); Spaces ${api.METRICS_PART} a part (?part=), every other series in part 1`, auth: "viewer", query: api.MetricsQuerySchema, responses: { 200: ["Metrics", "text/plain"], ...bad, ...denied } },
  { id: "getHealth", method: "get", path: "/health", tag: "status", summary: "Liveness of the Worker itself; with ?space=<id>, a ping-back from inside that Space (seed Spaces ping back here)", auth: "none", query: api.HealthQuerySchema, responses: { 200: ["Alive (and the ping-back recorded)", api.HealthSchema], ...bad, 404: ["No listed Space has that id", E] } },
  { id: "sendPingback", method: "post", path: "/v1/pingback/{space_id}", tag: "pinger", summary: "A ping-back from inside a Space (as GET /health?space=<id>)", auth: "none", responses: { 200: ["Recorded", api.HealthSchema], ...bad, 404: ["No listed Space has that id", E] } },
  { id: "getSpacePage", method: "get", path: "/spaces/{id}", tag: "status", summary: "A Space's page (HTML): state, regions, 24 h latency chart, uptime with counts, the last 50 checks, HF stages, incidents; the id percent-encoded as one segment", auth: "viewer", responses: { 200: ["The page", "text/html"], ...denied, 404: ["No listed Space has that id (a page)", "text/html"] } },
  { id: "getPoolPage", method: "get", path: "/pools/{id}", tag: "status", summary: "A pool's page (HTML): hosts, each GPU's VRAM used over 24 h, workers, recent events, incidents", auth: "viewer", responses: { 200: ["The page", "text/html"], ...denied, 404: ["No such pool (a page)", "text/html"] } },
  { id: "getSpaceBadge", method: "get", path: "/badge/{space_id}.svg", route: "/badge/*", tag: "status", summary: "A README badge (SVG) with the Space's state; an unknown id gets a grey \"unknown\" badge", auth: "viewer", query: api.BadgeQuerySchema, responses: { 200: ["The badge", "image/svg+xml"], ...bad, 401: ["A grey \"private\" badge (STATUS_PAGE=private and no token)", "image/svg+xml"] } },
  { id: "getSpaceUptimeBadge", method: "get", path: "/badge/{space_id}/uptime.svg", route: "/badge/*", tag: "status", summary: "A README badge (SVG) with the Space's uptime over ?window=24h|7d|30d|90d (default 30d)", auth: "viewer", query: api.BadgeQuerySchema, responses: { 200: ["The badge", "image/svg+xml"], ...bad, 401: ["A grey \"private\" badge", "image/svg+xml"] } },
  { id: "getPoolBadge", method: "get", path: "/badge/pool/{pool_id}.svg", route: "/badge/*", tag: "status", summary: "A README badge (SVG): a pool's fresh workers of all", auth: "viewer", query: api.BadgeQuerySchema, responses: { 200: ["The badge", "image/svg+xml"], ...bad, 401: ["A grey \"private\" badge", "image/svg+xml"] } },
  { id: "getOpenApiDocument", method: "get", path: "/openapi.json", tag: "status", summary: "This document", auth: "none", served: "asset", responses: { 200: ["OpenAPI 3.1", OpenApiDocumentSchema] } },
  { id: "getApiDocs", method: "get", path: "/docs", tag: "status", summary: "API documentation (HTML), rendered from this document", auth: "none", served: "asset", responses: { 200: ["The page", "text/html"] } },
  { id: "listSpaces", method: "get", path: "/v1/spaces", tag: "pinger", summary: "A page of Spaces, problems first (?limit=, ?cursor=): state, last check, latency, uptime, last error, HF stage; counts by state; list errors; last tick", auth: "viewer", query: api.SpacesQuerySchema, responses: { 200: ["The report", api.SpacesReportSchema], ...bad, ...denied } },
  { id: "getUsage", method: "get", path: "/v1/usage", tag: "admin", summary: "Today's use of each quota of the plan (PLAN), the forecast to 00:00 UTC and what uses it, the governor's stretch, and what the meter cannot see", auth: "admin", responses: { 200: ["Usage", UsageReportSchema], ...denied } },
  { id: "getPingerHealth", method: "get", path: "/v1/pinger/health", tag: "pinger", summary: "Watch the watcher: 200 while ticks complete (status cron_late while the pinger's alarm stands in for a stalled cron), 503 when none has for two intervals", auth: "none", responses: { 200: ["Ticking", api.PingerHealthSchema], 503: ["Overdue or misconfigured", api.PingerHealthSchema] } },
  { id: "sendWorkerHeartbeat", method: "post", path: "/v1/heartbeat", tag: "pools", summary: "Worker heartbeat (rbee); the pool token names the pool", auth: "pool", body: WorkerHeartbeatSchema, responses: { 200: ["Applied", api.HeartbeatAckSchema], ...bad, ...denied, 403: ["Not a pool token, or one without write scope", E], 413: ["Body too large", E] } },
  { id: "sendPoolHeartbeat", method: "post", path: "/v2/pools/{id}/heartbeat", tag: "pools", summary: "Pool heartbeat from a hive or heartbeat-sidecar: GPUs and workers of one host", auth: "pool", body: PoolHeartbeatSchema, responses: { 200: ["Applied", api.HeartbeatAckSchema], ...bad, ...denied, ...foreign, 404: ["No such pool (admin)", E], 413: ["Body too large, too many GPUs or workers, or the pool is full", E] } },
  { id: "getPoolSnapshot", method: "get", path: "/v2/pools/{id}", tag: "pools", summary: "Pool snapshot aggregated over every host (the pool heartbeat's shape plus states)", auth: "pool_or_admin", query: api.SnapshotQuerySchema, responses: { 200: ["Snapshot", PoolSnapshotSchema], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "listPoolEvents", method: "get", path: "/v2/pools/{id}/events", tag: "pools", summary: "Pool event log (joined, stale, recovered, evicted, left, ...)", auth: "pool_or_admin", query: api.EventsQuerySchema, responses: { 200: ["Events", api.PoolEventsSchema], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "getPlacement", method: "get", path: "/v2/pools/{id}/placement", tag: "pools", summary: "Where work needing vram_bytes can go: workers serving model_ref, then GPUs by best fit, and what was left out", auth: "pool_or_admin", query: PlacementQuerySchema, responses: { 200: ["Candidates", PlacementSchema], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "listReservations", method: "get", path: "/v2/pools/{id}/reservations", tag: "pools", summary: "Live reservations (schedule scope)", auth: "pool_or_admin", responses: { 200: ["Reservations", ReservationListSchema], ...denied, ...foreign, ...noPool } },
  { id: "createReservation", method: "post", path: "/v2/pools/{id}/reservations", tag: "pools", summary: "Hold VRAM on the best-fitting GPU (or the one named) until its TTL, deletion, or the heartbeats show it in use (schedule scope)", auth: "pool_or_admin", body: ReservationRequestSchema, responses: { 201: ["Granted", ReservationSchema], ...bad, ...denied, ...foreign, ...noPool, 409: ["Does not fit anywhere (or on the GPU named)", E], 413: ["Body too large", E] } },
  { id: "deleteReservation", method: "delete", path: "/v2/pools/{id}/reservations/{reservation_id}", tag: "pools", summary: "End a reservation (schedule scope)", auth: "pool_or_admin", responses: { 200: ["Ended", ReservationSchema], ...bad, ...denied, ...foreign, 404: ["No such pool or reservation", E] } },
  { id: "streamPoolEvents", method: "get", path: "/v2/pools/{id}/stream", tag: "pools", summary: "Server-Sent Events: pool_event (id = seq; resume with Last-Event-ID) and a summary every pool interval; closes after 10 minutes (EventSource reconnects)", auth: "pool_or_admin", responses: { 200: ["Event stream", "text/event-stream"], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "streamQueenHeartbeats", method: "get", path: "/v1/heartbeats/stream", tag: "pools", summary: "rbee's queen stream for one pool: `heartbeat` events, {type: queen} every 2.5 s and {type: hive_telemetry} per host heartbeat; a read token may be sent as ?token=", auth: "pool_or_admin", responses: { 200: ["Event stream", "text/event-stream"], ...bad, ...denied, ...foreign, ...noPool } },
  { id: "getQueenInfo", method: "get", path: "/v1/info", tag: "pools", summary: "What rbee's queen answers at /v1/info, for its web UI", auth: "none", responses: { 200: ["Info", api.QueenInfoSchema] } },
  { id: "listPools", method: "get", path: "/v2/pools", tag: "pools", summary: "Pools with counts (admin: all; pool token: its own)", auth: "pool_or_admin", responses: { 200: ["Pools", api.PoolListSchema], ...denied } },
  { id: "issuePoolToken", method: "post", path: "/v1/admin/pools/{id}/tokens", tag: "admin", summary: "Create the pool if needed and issue a pool token (shown once)", auth: "admin", body: api.IssueTokenSchema, responses: { 201: ["Issued", api.IssuedTokenSchema], ...bad, ...denied } },
  { id: "listPoolTokens", method: "get", path: "/v1/admin/pools/{id}/tokens", tag: "admin", summary: "List a pool's tokens (never their secrets)", auth: "admin", responses: { 200: ["Tokens", api.TokenListSchema], ...denied, ...noPool } },
  { id: "revokePoolToken", method: "delete", path: "/v1/admin/pools/{id}/tokens/{token_id}", tag: "admin", summary: "Revoke a token", auth: "admin", responses: { 200: ["Revoked", api.TokenInfoSchema], ...bad, ...denied, 404: ["No such token", E] } },
  { id: "getPoolSettings", method: "get", path: "/v1/admin/pools/{id}/settings", tag: "admin", summary: "A pool's timing and eviction settings", auth: "admin", responses: { 200: ["Settings", PoolSettingsSchema], ...denied, ...noPool } },
  { id: "updatePoolSettings", method: "patch", path: "/v1/admin/pools/{id}/settings", tag: "admin", summary: "Change an existing pool's settings", auth: "admin", body: PoolSettingsPatchSchema, responses: { 200: ["Settings", PoolSettingsSchema], ...bad, ...denied, ...noPool } },
  { id: "getPoolStats", method: "get", path: "/v1/admin/pools/{id}/stats", tag: "admin", summary: "The registry object's own counters (rows written, heartbeats, alarm)", auth: "admin", responses: { 200: ["Stats", api.PoolStatsSchema], ...denied, ...noPool } },
  { id: "createPool", method: "put", path: "/v1/admin/pools/{id}", tag: "admin", summary: "Create a pool (tokens can also create one)", auth: "admin", responses: { 201: ["Created", api.PoolCreatedSchema], 200: ["Exists already", api.PoolCreatedSchema], ...bad, ...denied } },
  { id: "evictWorker", method: "delete", path: "/v1/admin/pools/{id}/workers/{worker_id}", tag: "admin", summary: "Evict a worker now", auth: "admin", responses: { 200: ["Removed", api.RemovedSchema], ...bad, ...denied, 404: ["No such worker (or pool)", E] } },
  { id: "evictHost", method: "delete", path: "/v1/admin/pools/{id}/hosts/{host_id}", tag: "admin", summary: "Evict a host now", auth: "admin", responses: { 200: ["Removed", api.RemovedSchema], ...bad, ...denied, 404: ["No such host (or pool)", E] } },
  { id: "drainWorker", method: "patch", path: "/v1/admin/pools/{id}/workers/{worker_id}", tag: "admin", summary: "Mark a worker draining (never a placement candidate) or not", auth: "admin", body: DrainPatchSchema, responses: { 200: ["Marked", DrainStateSchema], ...bad, ...denied, 404: ["No such worker (or pool)", E], 413: ["Body too large", E] } },
  { id: "drainHost", method: "patch", path: "/v1/admin/pools/{id}/hosts/{host_id}", tag: "admin", summary: "Mark a host draining (its GPUs and workers are never placement candidates) or not", auth: "admin", body: DrainPatchSchema, responses: { 200: ["Marked", DrainStateSchema], ...bad, ...denied, 404: ["No such host (or pool)", E], 413: ["Body too large", E] } },
  { id: "setPoolForward", method: "put", path: "/v1/admin/pools/{id}/forward", tag: "admin", summary: "Push the seed's pool heartbeat to a queen every pool_interval_s while a host is fresh (url null stops); the token is never shown again", auth: "admin", body: ForwardConfigSchema, responses: { 200: ["Set", ForwardSetSchema], ...bad, ...denied, ...noPool, 413: ["Body too large", E] } },
  { id: "deletePool", method: "delete", path: "/v1/admin/pools/{id}", tag: "admin", summary: "Delete a pool and everything it holds", auth: "admin", responses: { 200: ["Deleted", api.PoolDeletedSchema], ...denied, ...noPool } },
  { id: "putSpaceList", method: "put", path: "/v1/admin/spaces", tag: "admin", summary: "Store the Space list in KV; 400 lists every bad entry and stores nothing", auth: "admin", body: api.SpaceListSchema, responses: { 200: ["Stored", api.SpaceListStoredSchema], 400: ["Bad entries: every one with its index and issues; nothing stored", api.SpaceListErrorSchema], ...denied, 413: ["Too many entries", E] } },
  { id: "getSpaceList", method: "get", path: "/v1/admin/spaces", tag: "admin", summary: "The stored Space list as written, with its errors", auth: "admin", responses: { 200: ["The list", api.StoredSpaceListSchema], ...denied } },
  { id: "createMaintenance", method: "post", path: "/v1/admin/maintenance", tag: "admin", summary: "Add a maintenance window (Space ids, pool ids or all; start and end or duration_s; weekly repeat; note): checks go on, alerts and uptime pause", auth: "admin", body: MaintenanceRequestSchema, responses: { 201: ["Added", MaintenanceWindowSchema], ...bad, ...denied, 409: ["Too many windows kept", E], 413: ["Body too large", E] } },
  { id: "addIncidentNote", method: "post", path: "/v1/admin/incidents/{id}/notes", tag: "admin", summary: "Add a note to an open or closed incident: shown on the status pages and sent to every alert target as an update", auth: "admin", body: api.IncidentNoteRequestSchema, responses: { 201: ["Added; the incident with its notes", api.NotedIncidentSchema], ...bad, ...denied, 404: ["No such incident (closed ones are kept 90 days)", E], 413: ["Body too large", E] } },
  { id: "createAnnouncement", method: "post", path: "/v1/admin/announcements", tag: "admin", summary: "Show a banner on the status pages until it expires (default 24 h)", auth: "admin", body: AnnouncementRequestSchema, responses: { 201: ["Added", AnnouncementSchema], ...bad, ...denied, 409: ["Too many announcements kept", E], 413: ["Body too large", E] } },
  { id: "listAnnouncements", method: "get", path: "/v1/admin/announcements", tag: "admin", summary: "Announcements not expired (shown now or to come)", auth: "admin", responses: { 200: ["Announcements", AnnouncementListSchema], ...denied } },
  { id: "deleteAnnouncement", method: "delete", path: "/v1/admin/announcements/{announcement_id}", tag: "admin", summary: "Take an announcement down now", auth: "admin", responses: { 200: ["Deleted", AnnouncementSchema], ...bad, ...denied, 404: ["No such announcement", E] } },
  { id: "listMaintenance", method: "get", path: "/v1/admin/maintenance", tag: "admin", summary: "Maintenance windows in force or to come, and one-offs ended within a week", auth: "admin", responses: { 200: ["Windows", MaintenanceListSchema], ...denied } },
  { id: "deleteMaintenance", method: "delete", path: "/v1/admin/maintenance/{window_id}", tag: "admin", summary: "End a maintenance window now (alerts it held open at once)", auth: "admin", responses: { 200: ["Deleted", MaintenanceWindowSchema], ...bad, ...denied, 404: ["No such window", E] } },
  { id: "putAlertSettings", method: "put", path: "/v1/admin/alerts", tag: "admin", summary: "Store the alert settings (targets, anti-flap reminders, storm guard) in KV", auth: "admin", body: AlertConfigSchema, responses: { 200: ["Stored; targets shown by type, name and host only", api.AlertSettingsStoredSchema], ...bad, ...denied } },
  { id: "getAlertStatus", method: "get", path: "/v1/admin/alerts", tag: "admin", summary: "Alert settings in force (URLs never shown), open and recent incidents, outbox, deliveries", auth: "admin", responses: { 200: ["Status", api.AlertStatusSchema], ...denied } },
  { id: "sendTestAlert", method: "post", path: "/v1/admin/alerts/test", tag: "admin", summary: "Send a test alert to every target", auth: "admin", responses: { 200: ["Queued", api.TestAlertSchema], ...denied } },
];
