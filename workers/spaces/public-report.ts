// GET /v1/spaces is for viewers (public unless STATUS_PAGE is private): the one place that
// decides what of the list they see. Each Space's URL as scheme, host and path, error texts
// likewise, and bad entries with header values redacted and their URL shortened the same way
// (ids are safe by construction). GET /v1/admin/spaces keeps the full list.
import { publicUrl, publicUrlsIn } from "../../shared/public-url.js";
import type { SpacesBody } from "../pinger/report.js";

/** A bad entry of the list as a viewer may see it: header values may hold a private Space's token. */
export function redactEntry(value: unknown): unknown {
  if (typeof value === "string") return publicUrl(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = { ...(value as Record<string, unknown>) };
  if (typeof v.url === "string") v.url = publicUrl(v.url);
  if (typeof v.headers === "object" && v.headers !== null) v.headers = Object.fromEntries(Object.keys(v.headers).map((k) => [k, "[redacted]"]));
  return v;
}

export function publicSpacesReport(report: SpacesBody): SpacesBody {
  return {
    ...report,
    list: { ...report.list, error: report.list.error === null ? null : publicUrlsIn(report.list.error) },
    config_errors: report.config_errors.map((e) => ({ ...e, value: redactEntry(e.value) })),
    spaces: report.spaces.map((s) => ({
      ...s,
      // Ids are safe to show by construction (spaceIdOf).
      id: s.id,
      url: publicUrl(s.url),
      last_error: s.last_error === null ? null : { ...s.last_error, message: publicUrlsIn(s.last_error.message) },
    })),
  };
}
