// The OpenAPI 3.1 document, generated from OPERATIONS and the zod schemas they name (zod 4's
// toJSONSchema; JSON Schema 2020-12 is OpenAPI 3.1's own dialect). It runs at build time
// (scripts/build-openapi.mjs writes dist/assets/openapi.json, which Cloudflare serves as a
// static file) and in tests; the Worker itself never ships zod's JSON-Schema code.
import * as z from "zod";
import { COMPONENTS, componentName } from "./components.js";
import { OPERATIONS, type Auth, type Operation } from "./operations.js";

type Json = Record<string, unknown>;

const REF = "#/components/schemas/";
/** Marks a reference made while converting input schemas, until we know whether the input differs. */
const INPUT_MARK = "@input";

const COMMON = { target: "draft-2020-12", unrepresentable: "any" } as const;

function strip(schema: Json): Json {
  delete schema.$schema;
  delete schema.$id;
  return schema;
}

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);

/**
 * Request schemas keep their defaults in words: openapi-typescript (and other generators)
 * type a named schema's property that has a `default` as always present, which is true of
 * answers but would make a client fill in every defaulted field of what it sends.
 */
function defaultsAsWords(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(defaultsAsWords);
  if (node === null || typeof node !== "object") return;
  const schema = node as Json;
  if ("default" in schema) {
    const said = `Default: ${JSON.stringify(schema.default)}.`;
    schema.description = typeof schema.description === "string" ? `${schema.description} ${said}` : said;
    delete schema.default;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && value !== null && typeof value === "object") Object.values(value).forEach(defaultsAsWords);
    else defaultsAsWords(value);
  }
}

/** The ids a schema set reaches from `roots`, following `$ref`s that `pattern` finds. */
function reached(roots: string[], schemas: Record<string, Json>, pattern: RegExp): Set<string> {
  const seen = new Set<string>();
  for (let id = roots.pop(); id !== undefined; id = roots.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const m of JSON.stringify(schemas[id]).matchAll(pattern)) roots.push(m[1]!);
  }
  return seen;
}

/**
 * The named schemas the operations reach: as answers are (output: defaults filled in, so
 * required; objects closed) from the responses, and as requests may be (input: defaults
 * optional) from the request bodies. A schema reached both ways whose input differs from
 * its output (or refers to one that does) gets a second component, `<Name>Input`.
 */
function components(): { schemas: Record<string, Json>; inputName: (id: string) => string } {
  const output = (z.toJSONSchema(COMPONENTS, { ...COMMON, io: "output", uri: (id) => REF + id }) as { schemas: Record<string, Json> }).schemas;
  const input = (z.toJSONSchema(COMPONENTS, { ...COMMON, io: "input", uri: (id) => REF + id + INPUT_MARK }) as { schemas: Record<string, Json> }).schemas;
  for (const s of [...Object.values(output), ...Object.values(input)]) strip(s);

  const named = (schema: z.ZodType | string | null | undefined) => (schema instanceof z.ZodType ? [componentName(schema)!] : []);
  const outRefs = new RegExp(`"${REF}([A-Za-z]+)"`, "g");
  const inRefs = new RegExp(`"${REF}([A-Za-z]+)${INPUT_MARK}"`, "g");
  const answers = reached(OPERATIONS.flatMap((op) => Object.values(op.responses).flatMap(([, s]) => named(s))), output, outRefs);
  const requests = reached(OPERATIONS.flatMap((op) => named(op.body)), input, inRefs);

  const differs = new Set<string>();
  for (const id of requests) if (answers.has(id) && JSON.stringify(input[id]).replace(inRefs, `"${REF}$1"`) !== JSON.stringify(output[id])) differs.add(id);
  // One that refers to a differing one differs too: its refs point elsewhere.
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of requests) {
      if (differs.has(id) || !answers.has(id)) continue;
      if ([...JSON.stringify(input[id]).matchAll(inRefs)].some((m) => differs.has(m[1]!))) differs.add(id), (grew = true);
    }
  }
  const inputName = (id: string) => (differs.has(id) ? `${id}Input` : id);
  const schemas: Record<string, Json> = {};
  for (const id of answers) schemas[id] = output[id]!;
  for (const id of requests) {
    if (answers.has(id) && !differs.has(id)) continue;
    const schema = JSON.parse(JSON.stringify(input[id]).replace(inRefs, (_, r: string) => `"${REF}${inputName(r)}"`)) as Json;
    defaultsAsWords(schema);
    schemas[inputName(id)] = schema;
  }
  return { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), inputName };
}

function ref(schema: z.ZodType, where: string, name: (id: string) => string = (id) => id): Json {
  const id = componentName(schema);
  if (id === undefined) throw new Error(`${where}: the schema has no component name; add it to workers/openapi/components.ts`);
  return { $ref: REF + name(id) };
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

function operation(op: Operation, inputName: (id: string) => string): Json {
  const where = `${op.method.toUpperCase()} ${op.path}`;
  const parameters: Json[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  if (op.query !== undefined) {
    for (const [name, s] of Object.entries(op.query.shape)) {
      const schema = strip(z.toJSONSchema(s as z.ZodType, { ...COMMON, io: "input" }) as Json);
      parameters.push({ name, in: "query", required: !(s as z.ZodType).safeParse(undefined).success, schema });
    }
  }
  const responses: Json = {};
  for (const [code, [description, schema]] of Object.entries(op.responses)) {
    responses[code] =
      schema === null
        ? { description }
        : typeof schema === "string"
          ? { description, content: { [schema]: { schema: { type: "string" } } } }
          : { description, content: { "application/json": { schema: ref(schema, `${where} ${code}`) } } };
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
  if (op.body !== undefined) out.requestBody = { required: true, content: { "application/json": { schema: ref(op.body, `${where} body`, inputName) } } };
  return out;
}

export function buildOpenApiDocument(version: string): Json {
  const { schemas, inputName } = components();
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op, inputName);
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-pulse",
      version,
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
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN, a pool token, or (status page) STATUS_TOKEN" },
        basic: { type: "http", scheme: "basic", description: "Private status page: any user name, STATUS_TOKEN as password" },
        query_token: { type: "apiKey", in: "query", name: "token", description: "Private status page: ?token=STATUS_TOKEN" },
      },
    },
  };
}
