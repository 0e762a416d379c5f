// One error type for the HTTP layer and one place (`onError`) that turns it into the JSON
// error envelope: {"error": {"code", "message", "field"?, "issues"?}}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldIssue, InputError } from "../../shared/index.js";

export interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: FieldIssue[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.field !== undefined) body.error.field = this.field;
    if (this.issues !== undefined) body.error.issues = this.issues;
    return body;
  }
}

/** A 400 from a shared parse failure (shared/parse.ts). */
export function inputError(e: InputError): ApiError {
  return new ApiError(400, e.code, e.message, e.field, e.issues);
}

/** The shape a Durable Object returns instead of throwing (error classes do not cross RPC). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: ContentfulStatusCode; code: string; message: string; field?: string };

export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ApiError(outcome.status, outcome.code, outcome.message, outcome.field);
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(err.toBody(), err.status);
  // Never echo internals (they may hold request data); log them for the operator.
  console.error(JSON.stringify({ level: "error", msg: "unhandled", path: c.req.path, error: String(err) }));
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}
