// The OpenAPI document against the app itself: every route served is documented and every
// documented route is served, bodies are the zod schemas the routes parse with, and /docs
// renders it. (The document is validated against the OpenAPI 3.1 schema in test/e2e/.)
import { describe, expect, it } from "vitest";
import { api } from "../../test/helpers.js";
import { app } from "../app.js";
import { OPERATIONS } from "./operations.js";

const served = () =>
  [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`))].sort();

describe("GET /openapi.json", () => {
  it("documents exactly the routes the app serves", () => {
    expect(OPERATIONS.map((o) => `${o.method} ${o.path}`).sort()).toEqual(served());
  });

  it("is OpenAPI 3.1 with the pool heartbeat's wire contract as its request body", async () => {
    const res = await api("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    const hb = doc.paths["/v2/pools/{id}/heartbeat"].post;
    const body = hb.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["pool_id", "gpus", "workers"]));
    expect(Object.keys(body.properties.gpus.items.properties)).toEqual(expect.arrayContaining(["id", "device_name", "total_vram_bytes", "free_vram_bytes"]));
    expect(hb.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "string" } }]);
    expect(hb.security).toEqual([{ bearer: [] }]);
    const snap = doc.paths["/v2/pools/{id}"].get;
    expect(snap.parameters.map((p: any) => p.name)).toEqual(["id", "state", "host_id"]);
    expect(Object.keys(snap.responses["200"].content["application/json"].schema.properties)).toEqual(expect.arrayContaining(["pool_id", "gpus", "workers", "hosts", "vram"]));
    const alerts = doc.paths["/v1/admin/alerts"].put.requestBody.content["application/json"].schema;
    expect(alerts.properties.targets.items.oneOf ?? alerts.properties.targets.items.anyOf).toHaveLength(3);
  });
});

describe("operation ids and servers", () => {
  it("names every operation readably and once, path parameters as the README does, and says where it is served", async () => {
    const doc = (await api("GET", "/openapi.json")).body;
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:[A-Z][a-z]+)+$/);
    expect(doc.paths["/v1/admin/pools/{id}/workers/{worker_id}"].delete.operationId).toBe("evictWorker");
    expect(doc.paths["/v1/admin/pools/{id}/hosts/{host_id}"]).toBeDefined();
    expect(doc.servers).toEqual([{ url: "/", description: "This edge" }]);
  });
});

describe("GET /docs", () => {
  it("renders every operation from the document", async () => {
    const { exports } = await import("cloudflare:workers");
    const html = await (await exports.default.fetch("http://edge.test/docs")).text();
    for (const op of OPERATIONS) expect(html).toContain(`<code>${op.path}</code>`);
  });
});
