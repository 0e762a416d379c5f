// GET /v1/spaces is for viewers (public unless STATUS_PAGE is private): each Space's id and
// URL as scheme, host and path, error texts likewise, and config errors without the URL's
// secrets or header values. GET /v1/admin/spaces keeps the full list.
import { publicUrl, publicUrlsIn } from "../../shared/public-url.js";
import type { SpacesBody } from "../pinger/report.js";

function publicEntry(value: unknown): unknown {
  if (typeof value === "string") return publicUrl(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  return typeof v.url === "string" ? { ...v, url: publicUrl(v.url) } : v;
}

export function publicSpacesReport(report: SpacesBody): SpacesBody {
  return {
    ...report,
    list: { ...report.list, error: report.list.error === null ? null : publicUrlsIn(report.list.error) },
    config_errors: report.config_errors.map((e) => ({ ...e, value: publicEntry(e.value) })),
    spaces: report.spaces.map((s) => ({
      ...s,
      // Ids are safe to show by construction (spaceIdOf).
      id: s.id,
      url: publicUrl(s.url),
      last_error: s.last_error === null ? null : { ...s.last_error, message: publicUrlsIn(s.last_error.message) },
    })),
  };
}
