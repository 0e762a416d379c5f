// What the build writes for the API's documentation (scripts/build-openapi.mjs bundles this
// file for Node and calls it): the OpenAPI document and /docs, both served as static files.
import { buildOpenApiDocument } from "./document.js";
import { DocsPage } from "./docs-page.js";

export function staticFiles(version: string): Record<string, string> {
  const doc = buildOpenApiDocument(version);
  return {
    "openapi.json": JSON.stringify(doc),
    "docs.html": "<!doctype html>" + (<DocsPage doc={doc} />).toString(),
  };
}
