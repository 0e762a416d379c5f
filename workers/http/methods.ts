// A path that exists under another method answers 405 with `Allow` (RFC 9110), not 404:
// the methods are read from the app's own route table, so they never drift from the routes.
import type { Hono } from "hono";

/** Methods the app answers for `path` (GET implies HEAD); empty when no route matches it. */
export function allowedMethods(app: Pick<Hono, "routes">, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue; // middleware, not a route
    const pattern = new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+").replace(/\*/g, ".*")}/?$`);
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
