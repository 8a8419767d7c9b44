// The search engine's own time on two index folders, without a browser or a network:
//   node bench/search_engine_time.js static/assets EDITED_INDEX CLEAN_INDEX [ITERATIONS]
// For each named query (search_design/corpus.py's QUERIES), ITERATIONS times: a fresh
// engine opened on one index then on the other (files read from disk), the time to open
// it (manifest) and to search (term, delta and metadata files, ranking), medians in ms.
// One side then the other in every iteration, so the JIT and the machine's load fall on
// both alike (whole runs one after the other differ by more than the indexes do).
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [assets, edited, clean, iterations = "60"] = process.argv.slice(2);
let folder = null;
globalThis.fetch = async (url) => {
  const rel = new URL(url).pathname.replace(/^\/idx\//, "");
  return new Response(fs.readFileSync(path.join(folder, rel)), { status: 200 });
};
for (const name of ["snowball-stemmers.js", "search-terms.js", "search-engine.js"]) {
  vm.runInThisContext(fs.readFileSync(path.join(assets, name), "utf8"), { filename: name });
}
const QUERIES = {
  rare: { q: "kidal" },
  common: { q: "russia" },
  "two+year": { q: "sanctions wheat", filters: { year: ["2019"] }, sort: "newest" },
  russian: { q: "переговоры" },
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

(async () => {
  const sides = { edited, clean };
  for (const [name, args] of Object.entries(QUERIES)) {
    const t = { edited: { open: [], search: [] }, clean: { open: [], search: [] } };
    for (let i = 0; i < Number(iterations); i++) {
      for (const side of i % 2 ? ["clean", "edited"] : ["edited", "clean"]) {
        folder = sides[side];
        const started = performance.now();
        const engine = await ArchiveSearch.open("http://index.test/idx/");
        const opened = performance.now();
        await engine.search({ ...args, limit: 10 });
        t[side].open.push(opened - started);
        t[side].search.push(performance.now() - opened);
      }
    }
    const row = (s) => `open ${median(t[s].open).toFixed(2)} search ${median(t[s].search).toFixed(2)}`;
    console.log(`${name}: edited ${row("edited")} | clean ${row("clean")}`);
  }
})();
