// The names of the API's schemas: each becomes `components.schemas.<Name>` in the OpenAPI
// document, so a generated client has `PoolSnapshot`, `PoolHeartbeat`, `SpaceReport`, ...
// instead of anonymous types. The zod schemas stay where they are defined (shared/); the
// names are given here, in one registry, so shared/ does not carry documentation concerns
// and the sidecar's bundle does not carry the names.
//
// Every request and response body an operation names must be in this list (document.ts
// refuses to build otherwise). Schemas nested inside a named one are referenced by name
// when they are in the list, and written inline when they are not.
import { GovernorSchema, QuotaUseSchema, UsageReportSchema } from "../../shared/usage.js";
import { AnnouncementListSchema, AnnouncementRequestSchema, AnnouncementSchema } from "../../shared/announcements.js";
import * as z from "zod";
import { AlertConfigSchema, AlertSubjectSchema, AlertTargetSchema } from "../../shared/alerts.js";
import * as api from "../../shared/api.js";
import {
  GpuReportSchema,
  HealthStatusSchema,
  PoolEventKindSchema,
  PoolEventSchema,
  PoolHeartbeatSchema,
  PoolSettingsPatchSchema,
  PoolSettingsSchema,
  PoolSnapshotSchema,
  SenderStateSchema,
  SnapshotGpuSchema,
  SnapshotHostSchema,
  SnapshotWorkerSchema,
  SpaceConfigErrorSchema,
  SpaceObjectSchema,
  WorkerHeartbeatSchema,
  WorkerReportSchema,
  WorkerStatusSchema,
} from "../../shared/index.js";
import {
  DrainPatchSchema,
  DrainStateSchema,
  GpuCandidateSchema,
  PlacementSchema,
  ReservationListSchema,
  ReservationRequestSchema,
  ReservationSchema,
  TokenScopeSchema,
  WorkerCandidateSchema,
} from "../../shared/placement.js";
import { ForwardConfigSchema, ForwardSetSchema, ForwardStatusSchema } from "../../shared/forward.js";
import { MaintenanceListSchema, MaintenanceRequestSchema, MaintenanceSubjectsSchema, MaintenanceWindowSchema } from "../../shared/maintenance.js";

/** An OpenAPI document is any JSON object to a schema; named so a client types it. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: "An OpenAPI 3.1 document" });

const NAMED: [z.ZodType, string][] = [
  // Errors and heartbeats (the rbee wire contracts).
  [api.ErrorBodySchema, "ErrorBody"],
  [api.FieldIssueSchema, "FieldIssue"],
  [WorkerHeartbeatSchema, "WorkerHeartbeat"],
  [HealthStatusSchema, "HealthStatus"],
  [PoolHeartbeatSchema, "PoolHeartbeat"],
  [GpuReportSchema, "GpuReport"],
  [WorkerReportSchema, "WorkerReport"],
  [WorkerStatusSchema, "WorkerStatus"],
  [api.HeartbeatAckSchema, "HeartbeatAck"],
  // Pools.
  [PoolSnapshotSchema, "PoolSnapshot"],
  [SnapshotGpuSchema, "SnapshotGpu"],
  [SnapshotWorkerSchema, "SnapshotWorker"],
  [SnapshotHostSchema, "SnapshotHost"],
  [SenderStateSchema, "SenderState"],
  [PoolEventSchema, "PoolEvent"],
  [PoolEventKindSchema, "PoolEventKind"],
  [api.PoolEventsSchema, "PoolEvents"],
  [api.PoolSummarySchema, "PoolSummary"],
  [api.PoolListSchema, "PoolList"],
  [PoolSettingsSchema, "PoolSettings"],
  [PoolSettingsPatchSchema, "PoolSettingsPatch"],
  [api.PoolStatsSchema, "PoolStats"],
  [api.PoolCreatedSchema, "PoolCreated"],
  [api.PoolDeletedSchema, "PoolDeleted"],
  [api.RemovedSchema, "Removed"],
  [api.IssueTokenSchema, "IssueToken"],
  [api.TokenInfoSchema, "TokenInfo"],
  [api.IssuedTokenSchema, "IssuedToken"],
  [api.TokenListSchema, "TokenList"],
  // The pinger.
  [api.SpacesReportSchema, "SpacesReport"],
  [api.SpaceStatusSchema, "SpaceReport"],
  [api.SpaceStateSchema, "SpaceState"],
  [api.TickSummarySchema, "TickSummary"],
  [api.PingTotalsSchema, "PingTotals"],
  [api.PingerHealthSchema, "PingerHealth"],
  [UsageReportSchema, "UsageReport"],
  [QuotaUseSchema, "QuotaUse"],
  [GovernorSchema, "Governor"],
  [api.RegionCheckSchema, "RegionCheck"],
  [MaintenanceRequestSchema, "MaintenanceRequest"],
  [MaintenanceWindowSchema, "MaintenanceWindow"],
  [MaintenanceListSchema, "MaintenanceList"],
  [MaintenanceSubjectsSchema, "MaintenanceSubjects"],
  [SpaceConfigErrorSchema, "SpaceConfigError"],
  [api.SpaceListSchema, "SpaceList"],
  [SpaceObjectSchema, "SpaceObject"],
  [api.SpaceListStoredSchema, "SpaceListStored"],
  [api.StoredSpaceListSchema, "StoredSpaceList"],
  [api.SpaceListErrorSchema, "SpaceListError"],
  // Alerts.
  [AlertConfigSchema, "AlertConfig"],
  [AlertTargetSchema, "AlertTarget"],
  [AlertSubjectSchema, "AlertSubject"],
  [api.AlertSettingsInForceSchema, "AlertSettingsInForce"],
  [api.AlertSettingsStoredSchema, "AlertSettingsStored"],
  [api.AlertTargetInfoSchema, "AlertTargetInfo"],
  [api.AlertStatusSchema, "AlertStatus"],
  [api.IncidentSchema, "Incident"],
  [api.ClosedIncidentSchema, "ClosedIncident"],
  [api.IncidentNoteSchema, "IncidentNote"],
  [api.IncidentNoteRequestSchema, "IncidentNoteRequest"],
  [api.NotedIncidentSchema, "NotedIncident"],
  [AnnouncementRequestSchema, "AnnouncementRequest"],
  [AnnouncementSchema, "Announcement"],
  [AnnouncementListSchema, "AnnouncementList"],
  [api.TestAlertSchema, "TestAlert"],
  // The rest.
  [api.HealthSchema, "Health"],
  [api.QueenInfoSchema, "QueenInfo"],
  // Scheduling.
  [PlacementSchema, "Placement"],
  [WorkerCandidateSchema, "WorkerCandidate"],
  [GpuCandidateSchema, "GpuCandidate"],
  [ReservationRequestSchema, "ReservationRequest"],
  [ReservationSchema, "Reservation"],
  [ReservationListSchema, "ReservationList"],
  [DrainPatchSchema, "DrainPatch"],
  [DrainStateSchema, "DrainState"],
  [TokenScopeSchema, "TokenScope"],
  [ForwardConfigSchema, "ForwardConfig"],
  [ForwardStatusSchema, "ForwardStatus"],
  [ForwardSetSchema, "ForwardSet"],
  [OpenApiDocumentSchema, "OpenApiDocument"],
];

export const COMPONENTS = z.registry<{ id: string }>();
for (const [schema, id] of NAMED) COMPONENTS.add(schema, { id });

/** The component name of a schema, or undefined when it has none. */
export function componentName(schema: z.ZodType): string | undefined {
  return COMPONENTS.get(schema)?.id;
}
