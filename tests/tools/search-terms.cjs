// Runs the browser's terms (static/assets/search-terms.js) over texts for the parity
// test: reads a JSON array of strings on stdin, writes a JSON array of term arrays.
"use strict";
const path = require("path");
const assets = path.join(__dirname, "..", "..", "static", "assets");
require(path.join(assets, "snowball-stemmers.js"));
require(path.join(assets, "search-terms.js"));
const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(texts.map((t) => globalThis.ArchiveTerms.terms(t))));
