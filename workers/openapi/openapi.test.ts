// The OpenAPI document against the app itself: every route the Worker serves is documented
// and every documented route is served, bodies are named schemas generated from the zod
// schemas the routes parse with, the checker every edge test's answers pass through can
// fail, and /docs renders it. (The served file is checked against the OpenAPI 3.1 schema,
// linted by Redocly and turned into a typed client in test/e2e/.)
import { describe, expect, it } from "vitest";
import { checkAgainstDocument } from "../../test/helpers.js";
import { app } from "../app.js";
import { buildOpenApiDocument } from "./document.js";
import { OPERATIONS } from "./operations.js";
import { staticFiles } from "./static-files.js";

const served = () =>
  [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`))].sort();

const doc = buildOpenApiDocument("test") as any;
const schemas = doc.components.schemas as Record<string, any>;

describe("the operations", () => {
  it("are exactly the routes the Worker serves, plus the two files the build writes", () => {
    const worker = OPERATIONS.filter((o) => o.served !== "asset");
    expect([...new Set(worker.map((o) => `${o.method} ${o.route ?? o.path}`))].sort()).toEqual(served());
    expect(OPERATIONS.filter((o) => o.served === "asset").map((o) => o.path)).toEqual(["/openapi.json", "/docs"]);
  });

  it("have readable operationIds, once each, path parameters named as the README does, and servers", () => {
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:[A-Z][a-z]+)+$/);
    expect(doc.paths["/v1/admin/pools/{id}/workers/{worker_id}"].delete.operationId).toBe("evictWorker");
    expect(doc.paths["/v1/admin/pools/{id}/hosts/{host_id}"]).toBeDefined();
    expect(doc.servers).toEqual([{ url: "/", description: "This edge" }]);
  });
});

describe("component schemas", () => {
  it("name every JSON request and response body", () => {
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const bodies = [op.requestBody?.content["application/json"]?.schema, ...Object.values(op.responses as Record<string, any>).map((r) => r.content?.["application/json"]?.schema)];
        for (const b of bodies.filter((x) => x !== undefined)) expect(b, `${method} ${path}`).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\/[A-Z][A-Za-z]+$/) });
      }
    }
    for (const name of ["PoolSnapshot", "PoolHeartbeat", "WorkerHeartbeat", "HeartbeatAck", "SpacesReport", "SpaceReport", "ErrorBody", "PoolSettings", "AlertConfig", "AlertStatus"]) expect(schemas[name], name).toBeDefined();
  });

  it("refer to each other by name, and every reference resolves", () => {
    expect(schemas.PoolSnapshot.properties.gpus.items).toEqual({ $ref: "#/components/schemas/SnapshotGpu" });
    expect(schemas.PoolHeartbeat.properties.workers.items).toEqual({ $ref: "#/components/schemas/WorkerReport" });
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const r of new Set(refs)) expect(schemas[r], r).toBeDefined();
    // Every component is used: Redocly's no-unused-components.
    for (const name of Object.keys(schemas)) expect(refs, name).toContain(name);
  });

  it("describe requests as they may be sent and answers as they are sent", () => {
    // The pool heartbeat is only sent: its workers' fields with defaults are optional.
    expect(schemas.WorkerReport.required).toEqual(["id", "status"]);
    expect(schemas.WorkerReport.additionalProperties).toBe(false);
    // A snapshot is only answered: every field is there.
    expect(schemas.SnapshotWorker.required).toEqual(expect.arrayContaining(["model_ref", "vram_bytes", "gpu_id", "uri", "capabilities", "protocol"]));
    // The pinger's 400 for a bad list carries every bad entry.
    expect(doc.paths["/v1/admin/spaces"].put.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/SpaceListError" });
    expect(schemas.SpaceListError.required).toEqual(["error"]);
    expect(schemas.SpaceListError.properties.entries.type).toBe("array");
  });

  it("keep the pool heartbeat's wire contract", () => {
    const hb = doc.paths["/v2/pools/{id}/heartbeat"].post;
    expect(hb.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PoolHeartbeat" });
    expect(schemas.PoolHeartbeat.required).toEqual(expect.arrayContaining(["pool_id", "gpus", "workers"]));
    expect(Object.keys(schemas.GpuReport.properties)).toEqual(expect.arrayContaining(["id", "device_name", "total_vram_bytes", "free_vram_bytes"]));
    expect(hb.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string" } }]);
    expect(hb.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/v2/pools/{id}"].get.parameters.map((p: any) => p.name)).toEqual(["id", "state", "host_id", "limit", "cursor"]);
    expect(schemas.AlertTarget.oneOf ?? schemas.AlertTarget.anyOf).toHaveLength(8); // discord, slack, webhook, teams, telegram, ntfy, pushover, pagerduty
  });
});

describe("the checker every edge test's answers pass through", () => {
  it("fails an undocumented status and a body the document does not describe", () => {
    expect(() => checkAgainstDocument("GET", "/v2/pools/p1", 418, {})).toThrow(/undocumented status: GET \/v2\/pools\/\{id\} answered 418/);
    expect(() => checkAgainstDocument("GET", "/v1/admin/pools/p1/stats", 200, { pool_id: "p1" })).toThrow(/undocumented body/);
    expect(() => checkAgainstDocument("GET", "/health", 200, { status: "alive", extra: 1 })).toThrow(/undocumented body/);
    expect(() => checkAgainstDocument("PUT", "/v1/admin/spaces", 400, { error: { code: "invalid_spaces", message: "m" }, entries: [{ index: 0 }] })).toThrow(/undocumented body/);
    expect(() => checkAgainstDocument("GET", "/health", 200, { status: "alive" })).not.toThrow();
  });
});

describe("/docs", () => {
  it("renders every operation and every schema from the document", () => {
    const html = staticFiles("test")["docs.html"]!;
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const op of OPERATIONS) expect(html).toContain(`<code>${op.path}</code>`);
    for (const name of Object.keys(schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).toContain('<a href="#schema-PoolHeartbeat"><code>PoolHeartbeat</code></a>');
  });
});
