// Reads a JSON body with a hard size cap and parses it with a shared zod schema. Every
// failure names the field; nothing is stored before this returns.
import type { Context } from "hono";
import type { z } from "zod";
import { MAX_BODY_BYTES, parseJsonText, validate } from "../../shared/index.js";
import { ApiError, inputError } from "./errors.js";

async function readCapped(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const body = c.req.raw.body;
  if (body === null) return "";
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
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "body_too_large", `request body exceeds ${maxBytes} bytes`, "(body)");
}

/** Arrays over these sizes get 413 (absurd, not merely invalid), checked before zod. */
export type ArrayCaps = Record<string, number>;

export async function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  caps: ArrayCaps = {},
): Promise<z.output<S>> {
  const json = parseJsonText(await readCapped(c, MAX_BODY_BYTES));
  if (!json.ok) throw inputError(json.error);
  const raw = json.value;
  if (raw !== null && typeof raw === "object") {
    for (const [field, max] of Object.entries(caps)) {
      const value = (raw as Record<string, unknown>)[field];
      if (Array.isArray(value) && value.length > max) {
        throw new ApiError(413, "array_too_large", `${field} has ${value.length} items; at most ${max} allowed`, field);
      }
    }
  }
  return valid(schema, raw);
}

/** Checks a value (a query string, a path segment) against a schema, or throws a 400 naming the field. */
export function valid<S extends z.ZodType>(schema: S, raw: unknown, code?: string, root?: string): z.output<S> {
  const checked = validate(schema, raw, code, root);
  if (!checked.ok) throw inputError(checked.error);
  return checked.value;
}
