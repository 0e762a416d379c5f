// GET /openapi.json: an OpenAPI 3.1 document generated from OPERATIONS and the zod schemas
// they name (zod 4's toJSONSchema; JSON Schema 2020-12 is OpenAPI 3.1's own dialect).
// Built once per isolate.
import * as z from "zod";
import { OPERATIONS, type Auth, type Operation } from "./operations.js";

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  // Transforms and refinements have no JSON Schema; they are checked at run time.
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  delete out.$schema;
  return out;
}

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  viewer: [{}, { bearer: [] }, { basic: [] }, { query_token: [] }],
  admin: [{ bearer: [] }],
  pool: [{ bearer: [] }],
  pool_or_admin: [{ bearer: [] }],
};

const AUTH_NOTE: Record<Auth, string> = {
  none: "",
  viewer: " Public unless STATUS_PAGE=private; then STATUS_TOKEN (or ADMIN_TOKEN) as bearer, basic-auth password or ?token=.",
  admin: " Needs ADMIN_TOKEN as a bearer token.",
  pool: " Needs a pool token (ept.<pool_id>.<token_id>.<secret>) as a bearer token.",
  pool_or_admin: " Needs a pool token for this pool or ADMIN_TOKEN.",
};

function operation(op: Operation): Json {
  const parameters: Json[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  if (op.query !== undefined) {
    for (const [name, s] of Object.entries(op.query.shape)) {
      parameters.push({ name, in: "query", required: !(s as z.ZodType).safeParse(undefined).success, schema: jsonSchema(s as z.ZodType, "input") });
    }
  }
  const responses: Json = {};
  for (const [code, [description, schema]] of Object.entries(op.responses)) {
    responses[code] =
      schema === null
        ? { description }
        : typeof schema === "string"
          ? { description, content: { [schema]: { schema: { type: "string" } } } }
          : { description, content: { "application/json": { schema: jsonSchema(schema, "output") } } };
  }
  const out: Json = {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    description: `${op.summary}.${AUTH_NOTE[op.auth]}`,
    security: SECURITY[op.auth],
    responses,
  };
  if (parameters.length > 0) out.parameters = parameters;
  if (op.body !== undefined) out.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } };
  return out;
}

let cached: Json | null = null;

export function openApiDocument(): Json {
  if (cached !== null) return cached;
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "edge-pulse",
      version: "0.1.0",
      description: "One Cloudflare Worker: a master pinger that keeps Hugging Face Spaces awake and watched, and a heartbeat registry for GPU inference pools (rbee protocol). Generated from the Worker's zod schemas.",
      license: { name: "MIT", identifier: "MIT" },
    },
    // Relative: the document is served by the edge it describes, whatever its host.
    servers: [{ url: "/", description: "This edge" }],
    tags: [
      { name: "status", description: "Status page, metrics, this document" },
      { name: "pinger", description: "The master pinger's results" },
      { name: "pools", description: "GPU pool heartbeats and snapshots (rbee wire contracts)" },
      { name: "admin", description: "ADMIN_TOKEN only" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN, a pool token, or (status page) STATUS_TOKEN" },
        basic: { type: "http", scheme: "basic", description: "Private status page: any user name, STATUS_TOKEN as password" },
        query_token: { type: "apiKey", in: "query", name: "token", description: "Private status page: ?token=STATUS_TOKEN" },
      },
    },
  };
  return cached;
}
