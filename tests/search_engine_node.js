// Runs static/assets/search-engine.js under node against an index folder, for tests:
//   node tests/search_engine_node.js ASSETS_DIR INDEX_DIR < queries.json
// queries.json: [{"op": "search", "args": {...}} | {"op": "reload"} | {"op": "open"}, ...];
// prints one JSON line per query: the answer, or {"error": message}.
// Files are served from INDEX_DIR as http://index.test/idx/...; a missing file is a 404.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [assets, indexDir] = process.argv.slice(2);
const fetched = [];
const oversize = new Set();
globalThis.fetch = async (url, init) => {
  const rel = new URL(url).pathname.replace(/^\/idx\//, "");
  fetched.push(rel);
  const file = path.join(indexDir, rel);
  if (oversize.has(rel)) {
    return new Response("x", { status: 200, headers: { "Content-Length": String(64 * 1024 * 1024) } });
  }
  if (!fs.existsSync(file)) return new Response("not found", { status: 404 });
  return new Response(fs.readFileSync(file), { status: 200 });
};
for (const name of ["snowball-stemmers.js", "search-terms.js", "search-engine.js"]) {
  vm.runInThisContext(fs.readFileSync(path.join(assets, name), "utf8"), { filename: name });
}

async function main() {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  let engine = null;
  const out = [];
  for (const query of queries) {
    try {
      fetched.length = 0;
      if (query.op === "oversize") {
        oversize.add(query.file);
        out.push({ ok: true });
      } else if (query.op === "open") {
        engine = await ArchiveSearch.open(query.url || "http://index.test/idx/");
        out.push({ documents: engine.documents, facets: engine.facets });
      } else if (query.op === "reload") {
        await engine.reload();
        out.push({ documents: engine.documents, facets: engine.facets });
      } else {
        const r = await engine.search(query.args);
        r.fetched = [...fetched];
        out.push(r);
      }
    } catch (err) {
      out.push({ error: String(err && err.message), name: err && err.name, isError: err instanceof Error });
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
main();
