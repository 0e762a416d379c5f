// Checks the shape of the house from its import graph (run by `npm test`; CONTRIBUTING.md says why):
// - no import circles among the source files of workers/, shared/ and sidecar/src/;
// - a Durable Object class file is imported by workers/index.ts (to export it) and by tests, by
//   nothing else: other code reaches an object through the address book, workers/objects.ts;
// - only the address book names an object (`getByName`, `idFromName`);
// - shared/ imports nothing but zod and itself; sidecar/ nothing of workers/.
// `--print` also lists each file's imports count and the largest object classes.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const ROOTS = ["workers", "shared", "sidecar/src", "test"];
const ADDRESS_BOOK = "workers/objects.ts";

function walk(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (name === "node_modules" || name === "worker-configuration.d.ts") continue;
    if (statSync(join(root, rel)).isDirectory()) out.push(...walk(rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

const files = ROOTS.flatMap(walk);
const known = new Set(files);
const isTest = (f) => /\.test\.tsx?$/.test(f) || f.startsWith("test/");

/** Relative imports (`import ... from "./x.js"`, `export ... from`, `import("./x.js")`), resolved to files. */
function importsOf(file) {
  const text = readFileSync(join(root, file), "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  const out = [];
  for (const spec of specs) {
    if (!spec.startsWith(".")) {
      out.push({ pkg: spec });
      continue;
    }
    const base = relative(root, resolve(root, dirname(file), spec));
    const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".tsx"), `${base}.ts`, `${base}/index.ts`];
    const hit = candidates.find((c) => known.has(c));
    if (hit !== undefined) out.push({ file: hit });
  }
  return { text, imports: out };
}

const graph = new Map();
const texts = new Map();
for (const f of files) {
  const { text, imports } = importsOf(f);
  graph.set(f, imports);
  texts.set(f, text);
}

const problems = [];

// Circles among source files (tests may import anything; nothing imports a test).
const source = files.filter((f) => !isTest(f));
const edges = new Map(source.map((f) => [f, graph.get(f).filter((i) => i.file !== undefined && !isTest(i.file)).map((i) => i.file)]));
{
  // Tarjan's strongly connected components: any component of more than one file is a circle.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) problems.push(`import circle: ${comp.sort().join(" <-> ")}`);
    }
  };
  for (const f of source) if (!idx.has(f)) strong(f);
}

// Durable Object class files: imported by workers/index.ts and tests only.
const objectFiles = source.filter((f) => /\bextends DurableObject\b/.test(texts.get(f)));
for (const f of files) {
  if (f === "workers/index.ts" || isTest(f)) continue;
  for (const i of graph.get(f)) if (i.file !== undefined && objectFiles.includes(i.file)) problems.push(`${f} imports the Durable Object class file ${i.file}: use ${ADDRESS_BOOK} and the module that owns the type`);
}

// Only the address book names objects.
for (const f of files) {
  if (f === ADDRESS_BOOK) continue;
  if (/\.(getByName|idFromName)\(/.test(texts.get(f))) problems.push(`${f} looks up a Durable Object by name: call ${ADDRESS_BOOK} instead`);
}

// Layers.
for (const f of files.filter((f) => f.startsWith("shared/") && !isTest(f))) {
  for (const i of graph.get(f)) {
    if (i.pkg !== undefined && i.pkg !== "zod") problems.push(`${f} imports ${i.pkg}: shared/ imports only zod`);
    if (i.file !== undefined && !i.file.startsWith("shared/")) problems.push(`${f} imports ${i.file}: shared/ imports only shared/`);
  }
}
for (const f of files.filter((f) => f.startsWith("sidecar/"))) {
  for (const i of graph.get(f)) if (i.file?.startsWith("workers/")) problems.push(`${f} imports ${i.file}: the sidecar never imports edge code`);
}

if (process.argv.includes("--print")) {
  const lines = (f) => texts.get(f).split("\n").length;
  console.log("Durable Object classes (lines, imports):");
  for (const f of objectFiles) console.log(`  ${f}: ${lines(f)} lines, ${graph.get(f).filter((i) => i.file).length} imports`);
}

if (problems.length > 0) {
  console.error(`check-imports: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`check-imports: ${source.length} source files, no circles; ${objectFiles.length} Durable Object classes reached only through ${ADDRESS_BOOK}`);
