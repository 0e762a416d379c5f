// GET /openapi.json (generated from the zod schemas) and GET /docs (the same, as HTML).
import { Hono } from "hono";
import { DocsPage } from "./docs-page.js";
import { openApiDocument } from "./document.js";

export const openApiRoutes = new Hono<{ Bindings: Env }>();

openApiRoutes.get("/openapi.json", (c) => c.json(openApiDocument()));
openApiRoutes.get("/docs", (c) => c.html(<DocsPage doc={openApiDocument()} />));
