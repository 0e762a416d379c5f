// Input parsing both runtimes share (the edge's HTTP layer and the sidecar's local hive):
// every failure names the field, so a 400 reads the same wherever it comes from.
import type { z } from "zod";
import { describeIssues, fieldPath, type FieldIssue } from "./errors.js";
import { MAX_JSON_DEPTH } from "./limits.js";

export interface InputError {
  code: string;
  message: string;
  field: string;
  issues?: FieldIssue[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: InputError };

/** How deep arrays and objects nest in JSON text, counted without parsing it (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The path of the first `__proto__` key (JSON.parse keeps it as a plain key; zod records and spreads would turn it into a prototype). */
function protoKeyPath(value: unknown, path: PropertyKey[] = []): string | null {
  if (value === null || typeof value !== "object") return null;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return fieldPath([...path, key]);
    const found = protoKeyPath((value as Record<string, unknown>)[key], [...path, Array.isArray(value) ? Number(key) : key]);
    if (found !== null) return found;
  }
  return null;
}

/**
 * JSON text to a value, by the rules every reader shares: an empty body, invalid JSON,
 * nesting deeper than MAX_JSON_DEPTH (judged before parsing, so nothing recurses on it) and
 * any `__proto__` key are errors, each naming where.
 */
export function parseJsonText(text: string): Parsed<unknown> {
  if (text.trim() === "") return { ok: false, error: { code: "empty_body", message: "request body is empty; send a JSON object", field: "(body)" } };
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, error: { code: "too_deep", message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`, field: "(body)" } };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, error: { code: "invalid_json", message: "request body is not valid JSON", field: "(body)" } };
  }
  const proto = protoKeyPath(value);
  if (proto !== null) return { ok: false, error: { code: "forbidden_key", message: `${proto}: "__proto__" is not allowed as a key`, field: proto } };
  return { ok: true, value };
}

/**
 * A value checked against a schema. The error names the first bad field and lists them all;
 * `root` names the whole input (a body, a query string, a path segment).
 */
export function validate<S extends z.ZodType>(schema: S, raw: unknown, code = "invalid_body", root = "(body)"): Parsed<z.output<S>> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = describeIssues(parsed.error, root);
  const first = issues[0] ?? { field: root, message: "invalid" };
  return { ok: false, error: { code, message: `${first.field}: ${first.message}`, field: first.field, issues } };
}
