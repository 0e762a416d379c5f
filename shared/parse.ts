// Input parsing both runtimes share (the edge's HTTP layer and the sidecar's local hive):
// every failure names the field, so a 400 reads the same wherever it comes from.
import type { z } from "zod";
import { describeIssues, type FieldIssue } from "./errors.js";

export interface InputError {
  code: string;
  message: string;
  field: string;
  issues?: FieldIssue[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: InputError };

/** JSON text to a value: an empty body and invalid JSON are errors on `(body)`. */
export function parseJsonText(text: string): Parsed<unknown> {
  if (text.trim() === "") return { ok: false, error: { code: "empty_body", message: "request body is empty; send a JSON object", field: "(body)" } };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: { code: "invalid_json", message: "request body is not valid JSON", field: "(body)" } };
  }
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
