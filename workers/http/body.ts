// The one body reader: every route's body is read here with a hard size cap, whatever its
// transfer encoding (a chunked body is counted as it streams; Content-Length is only an early
// refusal), and judged by one checker with a shared zod schema. Every failure names the
// field; nothing is stored before a body passes. Reading and judging are apart so a pool's
// object can check the caller first and the body after (pools/heartbeat-body.ts).
import type { Context } from "hono";
import type { z } from "zod";
import { MAX_BODY_BYTES, parseJsonText, validate, type InputError } from "../../shared/index.js";
import { ApiError, inputError } from "./errors.js";

/** A refusal of a body, with its status: 413 for size, 400 for the rest. */
export type BodyError = InputError & { status: 400 | 413 };

/** A body as read, before anything judges it: its text, or the 413 that stopped the read. */
export type BodyText = { ok: true; text: string } | { ok: false; error: BodyError };

const tooLarge = (maxBytes: number): BodyError => ({ status: 413, code: "body_too_large", message: `request body exceeds ${maxBytes} bytes`, field: "(body)" });

export async function readBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<BodyText> {
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, error: tooLarge(maxBytes) };
  const body = c.req.raw.body;
  if (body === null) return { ok: true, text: "" };
  // Count bytes as they stream so a missing or lying Content-Length cannot get past the cap.
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false, error: tooLarge(maxBytes) };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(bytes) };
}

/** Arrays over these sizes get 413 (absurd, not merely invalid), checked before zod. */
export type ArrayCaps = Record<string, number>;

/** Judges a body read by readBody: JSON (shared rules), array caps, then the schema. */
export function checkJsonBody<S extends z.ZodType>(body: BodyText, schema: S, caps: ArrayCaps = {}): { ok: true; value: z.output<S> } | { ok: false; error: BodyError } {
  if (!body.ok) return body;
  const json = parseJsonText(body.text);
  if (!json.ok) return { ok: false, error: { ...json.error, status: 400 } };
  const raw = json.value;
  if (raw !== null && typeof raw === "object") {
    for (const [field, max] of Object.entries(caps)) {
      const value = (raw as Record<string, unknown>)[field];
      if (Array.isArray(value) && value.length > max) {
        return { ok: false, error: { status: 413, code: "array_too_large", message: `${field} has ${value.length} items; at most ${max} allowed`, field } };
      }
    }
  }
  const checked = validate(schema, raw);
  return checked.ok ? checked : { ok: false, error: { ...checked.error, status: 400 } };
}

export function bodyApiError(e: BodyError): ApiError {
  return new ApiError(e.status, e.code, e.message, e.field, e.issues);
}

/** Reads and judges a body in one go (routes whose caller is already checked). */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S, caps: ArrayCaps = {}): Promise<z.output<S>> {
  const checked = checkJsonBody(await readBody(c), schema, caps);
  if (!checked.ok) throw bodyApiError(checked.error);
  return checked.value;
}

/** A body that may be left out: an empty one (whatever its transfer encoding) is `fallback`. */
export async function parseOptionalJsonBody<S extends z.ZodType>(c: Context, schema: S, fallback: z.output<S>): Promise<z.output<S>> {
  const body = await readBody(c);
  if (body.ok && body.text.trim() === "") return fallback;
  const checked = checkJsonBody(body, schema);
  if (!checked.ok) throw bodyApiError(checked.error);
  return checked.value;
}

/** Checks a value (a query string, a path segment) against a schema, or throws a 400 naming the field. */
export function valid<S extends z.ZodType>(schema: S, raw: unknown, code?: string, root?: string): z.output<S> {
  const checked = validate(schema, raw, code, root);
  if (!checked.ok) throw inputError(checked.error);
  return checked.value;
}
