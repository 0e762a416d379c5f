// Admin endpoints for the Space list in KV (`SPACES`, key `spaces`; ADMIN_TOKEN checked in app.ts):
//   PUT /v1/admin/spaces   validate and store a list; 400 listing every bad entry, nothing written
//   GET /v1/admin/spaces   the stored list as written, with how many entries are valid and why not
import { Hono } from "hono";
import * as z from "zod";
import { parseSpaceList, SPACES_KEY } from "../../shared/spaces.js";
import { parseJsonBody } from "../http/body.js";
import { ApiError } from "../http/errors.js";
import { spaceStore } from "../objects.js";

export const adminSpaceRoutes = new Hono<{ Bindings: Env }>();

const ListShape = z.array(z.unknown(), { error: "the Space list must be a JSON array" });

adminSpaceRoutes.put("/v1/admin/spaces", async (c) => {
  const raw = await parseJsonBody(c, ListShape);
  const { spaces, errors, listError } = parseSpaceList(raw);
  if (listError !== null) throw new ApiError(413, "list_too_large", listError, "(body)");
  if (errors.length > 0) {
    const issues = errors.flatMap((e) => e.issues.map((i) => ({ field: `${e.index}.${i.field}`, message: i.message })));
    const body = new ApiError(400, "invalid_spaces", `${errors.length} of ${raw.length} entries are invalid; nothing was stored`, issues[0]?.field, issues).toBody();
    return c.json({ ...body, entries: errors }, 400);
  }
  await c.env.SPACES.put(SPACES_KEY, JSON.stringify(raw));
  // The pinger's watch starts with its first list, even if no cron has fired yet.
  await spaceStore(c.env).watch();
  return c.json({ stored: spaces.length, spaces: spaces.map((s) => ({ id: s.id, name: s.name, interval_s: s.interval_s })) });
});

adminSpaceRoutes.get("/v1/admin/spaces", async (c) => {
  const text = await c.env.SPACES.get(SPACES_KEY);
  if (text === null) return c.json({ spaces: [], valid: 0, errors: [], list_error: null });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return c.json({ spaces: null, valid: 0, errors: [], list_error: "the stored value is not valid JSON" });
  }
  const { spaces, errors, listError } = parseSpaceList(raw);
  return c.json({ spaces: raw, valid: spaces.length, errors, list_error: listError });
});
