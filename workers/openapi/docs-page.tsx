// /docs: the API reference as plain HTML, rendered at build time from the same OpenAPI
// document (scripts/build-openapi.mjs writes dist/assets/docs.html; no viewer script from a
// CDN, so it works offline and on a phone). Bodies name their schema and link to it.
import { raw } from "hono/html";
import { PAGE_CSS } from "../status/page-style.js";

type Json = Record<string, any>;

const DOCS_CSS = `
.op{border-top:1px solid var(--line);padding:10px 0}.op h3{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.method{font:600 .75rem ui-monospace,monospace;text-transform:uppercase;padding:2px 6px;border-radius:4px;background:var(--pill-accent);color:#fff}
.method.delete{background:var(--pill-bad)}.method.put,.method.patch{background:var(--fair);color:#1d2330}.method.post{background:var(--pill-good)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;max-height:420px}
details summary{cursor:pointer;color:var(--muted);font-size:.88rem;margin:4px 0}
.responses{margin:4px 0;padding-left:18px;font-size:.88rem}
`;

/** A body's schema: a link to its named component, or the schema itself. */
function SchemaOf(props: { schema: Json }) {
  const ref = props.schema.$ref;
  if (typeof ref === "string") {
    const name = ref.replace("#/components/schemas/", "");
    return <a href={`#schema-${name}`}><code>{name}</code></a>;
  }
  return <pre tabindex={0}>{JSON.stringify(props.schema, null, 2)}</pre>;
}

export function DocsPage(props: { doc: Json }) {
  const { doc } = props;
  const ops: [string, string, Json][] = [];
  for (const [path, methods] of Object.entries(doc.paths as Json)) for (const [method, op] of Object.entries(methods as Json)) ops.push([method, path, op as Json]);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>edge-pulse API</title>
        <style>{raw(PAGE_CSS + DOCS_CSS)}</style>
      </head>
      <body>
        <main>
          <h1>edge-pulse API <small class="meta">OpenAPI {doc.openapi}</small></h1>
          <p class="meta">{doc.info.description} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
          {(doc.tags as Json[]).map((tag) => (
            <section id={`tag-${tag.name}`}>
              <h2>{tag.name} <small>{tag.description}</small></h2>
              {ops.filter(([, , op]) => op.tags[0] === tag.name).map(([method, path, op]) => (
                <div class="op" id={op.operationId}>
                  <h3><span class={`method ${method}`}>{method}</span> <code>{path}</code></h3>
                  <p>{op.description}</p>
                  {op.parameters !== undefined && (
                    <p class="meta">Parameters: {(op.parameters as Json[]).map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join(", ")}</p>
                  )}
                  {op.requestBody !== undefined && (
                    <p class="meta">Request body: <SchemaOf schema={op.requestBody.content["application/json"].schema} /></p>
                  )}
                  <ul class="responses">
                    {Object.entries(op.responses as Json).map(([code, r]) => {
                      const json = (r as Json).content?.["application/json"];
                      return (
                        <li>
                          <strong>{code}</strong> {(r as Json).description}
                          {json !== undefined && <> · <SchemaOf schema={json.schema} /></>}
                        </li>
                      );
                    })}
                  </ul>
                </div>
              ))}
            </section>
          ))}
          <section id="schemas">
            <h2>Schemas <small>JSON Schema 2020-12; a generated client names its types after these</small></h2>
            {Object.entries(doc.components.schemas as Json).map(([name, schema]) => (
              <details class="op" id={`schema-${name}`}>
                <summary><code>{name}</code>{(schema as Json).description !== undefined && ` · ${(schema as Json).description}`}</summary>
                <pre tabindex={0}>{JSON.stringify(schema, null, 2)}</pre>
              </details>
            ))}
          </section>
        </main>
      </body>
    </html>
  );
}
