/* The archive's search engine: reads the static index archivesite writes into
   search-index/ (docs/search-index-format.md), a few small files a query, and answers
   queries in the browser. A plain script, loaded after search-terms.js (ArchiveTerms):

     const engine = await ArchiveSearch.open(indexUrl);  // the index folder's URL, ending in "/"
     engine.documents; engine.facets;                    // {year, place, agency}: [[value, count]]
     const r = await engine.search({q, filters, sort, offset, limit});
     // r = {total, results: [{url, title, date, place, agency, lang, excerpt}]}
     await engine.reload();                              // the index changed (serve)

   Every word of q must match (AND); filter values are OR within a facet, AND across;
   sort is "relevance" (tf-idf, title words weighted at indexing), "newest" or "oldest".
   Errors reject with an Error a reader can understand. Files other than the manifest
   are named by their content, so they are kept for the page's life and cached long. */
(function () {
  "use strict";

  const FORMAT = 3;
  // No index file comes near this (decoded); a host sending more is refused.
  const LIMIT = 16 * 1024 * 1024;
  const FACETS = ["place", "agency"];
  const SORTS = ["relevance", "newest", "oldest"];
  const EXCERPT_LEAD = 60; // characters kept before the first highlighted word, at most
  const EXCERPT_START = 120; // a first hit further in than this moves the excerpt's start

  class IndexError extends Error {
    constructor(message, stale) {
      super(message);
      this.name = "SearchIndexError";
      this.stale = Boolean(stale); // a file the current manifest names is gone: reload
    }
  }

  const NEEDS_SERVER =
    "Search needs a web server: this page was opened as a file (file://), and browsers " +
    "do not let such a page read the search index. Open the archive through a web " +
    "server (for example: archivesite serve).";

  async function readLimited(response, url) {
    const declared = Number(response.headers.get("Content-Length") || 0);
    if (declared > LIMIT) {
      if (response.body && response.body.cancel) response.body.cancel().catch(() => {});
      throw new IndexError(
        `The web server sent ${declared} bytes for ${url}, more than any search index ` +
          "file has, so it was refused (is the server set up to serve this folder?)."
      );
    }
    if (!response.body || !response.body.getReader) {
      const text = await response.text();
      if (text.length > LIMIT) throw new IndexError(`The web server sent too much for ${url}; refused.`);
      return text;
    }
    const reader = response.body.getReader();
    const parts = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > LIMIT) {
        reader.cancel().catch(() => {});
        throw new IndexError(
          `The web server sent more than ${LIMIT} bytes for ${url}, more than any search ` +
            "index file has, so it was refused."
        );
      }
      parts.push(value);
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.byteLength;
    }
    return new TextDecoder("utf-8").decode(all);
  }

  async function fetchJson(url, fresh) {
    if (new URL(url, globalThis.location && globalThis.location.href).protocol === "file:") {
      throw new IndexError(NEEDS_SERVER);
    }
    let response;
    try {
      response = await fetch(url, { cache: fresh ? "no-cache" : "default" });
    } catch (err) {
      throw new IndexError(
        `The search index could not be read (${url}): ${(err && err.message) || err}. ` +
          "Is the web server still running?"
      );
    }
    if (response.status === 404) {
      throw new IndexError(
        fresh
          ? `There is no search index at ${url} (not found). Was the site built with search = true?`
          : `A file of the search index is gone (${url}); the index has changed.`,
        !fresh
      );
    }
    if (!response.ok) {
      throw new IndexError(`The search index could not be read: ${url} answered HTTP ${response.status}.`);
    }
    const text = await readLimited(response, url);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new IndexError(`${url} is not a search index file (it is not JSON).`);
    }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function tokensOf(text) {
    const T = globalThis.ArchiveTerms;
    if (T.tokens) return T.tokens(text);
    const found = [];
    for (const m of String(text).matchAll(/[\p{L}\p{N}\p{M}_]+/gu)) {
      const t = T.terms(m[0])[0];
      if (t !== undefined) found.push([m.index, m.index + m[0].length, t]);
    }
    return found;
  }

  /* The excerpt source with the query's terms in <mark>, everything else escaped. */
  function excerpt(source, wanted) {
    const hits = wanted.size ? tokensOf(source).filter((t) => wanted.has(t[2])) : [];
    let start = 0;
    if (hits.length && hits[0][0] > EXCERPT_START) {
      const space = source.indexOf(" ", hits[0][0] - EXCERPT_LEAD);
      start = space >= 0 && space < hits[0][0] ? space + 1 : hits[0][0];
    }
    let html = start ? "… " : "";
    let at = start;
    for (const [s, e] of hits) {
      if (s < at) continue;
      html += escapeHtml(source.slice(at, s)) + "<mark>" + escapeHtml(source.slice(s, e)) + "</mark>";
      at = e;
    }
    html += escapeHtml(source.slice(at));
    if (source && !/[.!?»"”)]$/.test(source)) html += " …";
    return html;
  }

  /* A manifest table of stamps, {stamp: [gaps between its file numbers]}, as a Map
     number -> stamp. */
  function byNumber(table) {
    const out = new Map();
    for (const [stamp, gaps] of Object.entries(table || {})) {
      let n = 0;
      for (const gap of gaps) {
        n += gap;
        out.set(n, stamp);
      }
    }
    return out;
  }

  function cmpUnits(a, b) {
    return a < b ? -1 : a > b ? 1 : 0; // UTF-16 code units, as the index sorts terms
  }

  class Engine {
    constructor(base) {
      this.base = base;
      this.files = new Map(); // relative path -> Promise of its JSON
    }

    _take(manifest) {
      if (!manifest || manifest.format !== FORMAT) {
        throw new IndexError(
          `The search index at ${this.base} has a format this page cannot read ` +
            `(${manifest && manifest.format}); reload the page.`
        );
      }
      this.m = manifest;
      this.void = new Set(manifest.void);
      this.added = new Map(); // number -> [position, year], numbered since the full write
      manifest.added.forEach((entry, k) => {
        if (Array.isArray(entry)) this.added.set(manifest.base + k, entry);
        else if (entry !== null) {
          // An edit of document `entry`, its date unchanged: it replaced that one.
          this.added.set(manifest.base + k, [entry, this._baseYear(entry)]);
          this.void.add(entry);
        }
      });
      this.termStamps = byNumber(manifest.term_stamps);
      this.deltas = byNumber(manifest.delta);
      this.docStamps = byNumber(manifest.doc_stamps);
      this.documents = manifest.count;
      this.facets = {
        year: manifest.facets.year || [],
        place: manifest.facets.place || [],
        agency: manifest.facets.agency || [],
      };
    }

    async reload() {
      this._take(await fetchJson(this.base + "manifest.json", true));
      return this;
    }

    _file(rel) {
      let p = this.files.get(rel);
      if (!p) {
        p = fetchJson(this.base + rel, false);
        this.files.set(rel, p);
        p.catch(() => this.files.delete(rel));
      }
      return p;
    }

    _fileOf(term) {
      const terms = this.m.terms;
      let lo = 0;
      let hi = terms.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (cmpUnits(terms[mid], term) <= 0) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    }

    /* doc -> tf of every searchable document holding the term. */
    async _postings(term) {
      const out = new Map();
      if (!this.m.terms.length) return out;
      const i = this._fileOf(term);
      const stamp = this.termStamps.get(i) || this.m.term_stamp;
      const rels = [`t/${i}.${stamp}.json`];
      const delta = this.deltas.get(i);
      if (delta) rels.push(`t/${i}.${delta}.delta.json`);
      const files = await Promise.all(rels.map((r) => this._file(r)));
      for (const file of files) {
        const entry = Object.prototype.hasOwnProperty.call(file, term) ? file[term] : null;
        if (!entry) continue;
        const gaps = entry[0];
        const tfs = entry[1];
        let doc = 0;
        for (let k = 0; k < gaps.length; k++) {
          doc += gaps[k];
          out.set(doc, tfs ? tfs[k] : 1);
        }
      }
      for (const doc of this.void) out.delete(doc);
      return out;
    }

    _position(doc) {
      return doc < this.m.base ? doc : this.added.get(doc)[0];
    }

    _baseYear(doc) {
      for (const [y, span] of Object.entries(this.m.years)) {
        if (doc >= span[0] && doc < span[1]) return Number(y);
      }
      return null;
    }

    _inYears(doc, years) {
      if (doc >= this.m.base) {
        const y = this.added.get(doc)[1];
        return y !== null && years.has(String(y));
      }
      for (const y of years) {
        const span = this.m.years[y];
        if (span && doc >= span[0] && doc < span[1]) return true;
      }
      return false;
    }

    /* Every searchable document of the selected years (a query of filters only). */
    _yearDocs(years) {
      const out = new Map();
      for (const y of years) {
        const span = this.m.years[y];
        if (!span) continue;
        for (let d = span[0]; d < span[1]; d++) if (!this.void.has(d)) out.set(d, 1);
      }
      for (const d of this.added.keys()) {
        if (!this.void.has(d) && this._inYears(d, years)) out.set(d, 1);
      }
      return out;
    }

    async _meta(doc) {
      // An added document at a whole-number position is shown in that one's place.
      const position = this._position(doc);
      const at = doc >= this.m.base && Number.isInteger(position) ? position : doc;
      const chunk = Math.floor(at / this.m.doc_chunk);
      const stamp = this.docStamps.get(chunk) || this.m.docs;
      const rows = await this._file(`d/${chunk}.${stamp}.json`);
      return rows[at % this.m.doc_chunk];
    }

    async search(options) {
      try {
        return await this._search(options || {});
      } catch (err) {
        if (!(err instanceof IndexError) || !err.stale) throw err;
        await this.reload(); // a file a newer index replaced: read the new manifest once
        return this._search(options || {});
      }
    }

    async _search({ q = "", filters = {}, sort = "relevance", offset = 0, limit = 10 }) {
      if (!SORTS.includes(sort)) throw new Error(`Unknown sort "${sort}": use ${SORTS.join(", ")}.`);
      offset = Math.max(0, Math.floor(Number(offset) || 0));
      limit = Math.max(0, Math.floor(Number(limit) || 0));
      const terms = [...new Set(globalThis.ArchiveTerms.terms(String(q || "")))];
      const chosen = {};
      for (const [facet, values] of Object.entries(filters || {})) {
        if (facet !== "year" && !FACETS.includes(facet)) {
          throw new Error(`Unknown filter "${facet}": use year, place or agency.`);
        }
        const list = (Array.isArray(values) ? values : [values]).filter((v) => v !== "" && v != null);
        if (list.length) chosen[facet] = list.map(String);
      }
      if (!terms.length && !Object.keys(chosen).length) return { total: 0, results: [] };

      const facetLists = FACETS.filter((f) => chosen[f]).map((f) =>
        Promise.all(chosen[f].map((v) => this._postings(`${f}:${v}`))).then((maps) => {
          const union = new Set();
          for (const m of maps) for (const d of m.keys()) union.add(d);
          return union;
        })
      );
      const [lists, sets] = await Promise.all([
        Promise.all(terms.map((t) => this._postings(t))),
        Promise.all(facetLists),
      ]);
      const years = chosen.year ? new Set(chosen.year) : null;
      const n = Math.max(1, this.m.count);
      let driver;
      if (lists.length) {
        lists.sort((a, b) => a.size - b.size);
        driver = lists[0];
      } else if (sets.length) {
        sets.sort((a, b) => a.size - b.size);
        driver = new Map([...sets[0]].map((d) => [d, 1]));
      } else {
        driver = this._yearDocs(years);
      }
      const idf = lists.map((l) => Math.log(1 + n / Math.max(1, l.size)));
      const hits = [];
      for (const [doc, tf] of driver) {
        if (years && !this._inYears(doc, years)) continue;
        let ok = true;
        for (const s of sets) if (!s.has(doc)) { ok = false; break; }
        if (!ok) continue;
        let score = lists.length ? (1 + Math.log(tf)) * idf[0] : 0;
        for (let k = 1; k < lists.length; k++) {
          const other = lists[k].get(doc);
          if (other === undefined) { ok = false; break; }
          score += (1 + Math.log(other)) * idf[k];
        }
        if (ok) hits.push([doc, score, this._position(doc)]);
      }
      const newest = (a, b) => b[2] - a[2] || b[0] - a[0];
      if (sort === "newest" || !lists.length && sort === "relevance") hits.sort(newest);
      else if (sort === "oldest") hits.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
      else hits.sort((a, b) => b[1] - a[1] || newest(a, b));
      const page = hits.slice(offset, offset + limit);
      const metas = await Promise.all(page.map(([doc]) => this._meta(doc)));
      const wanted = new Set(terms);
      const results = metas.map((meta) => {
        const [url, title, date, place, agency, lang, source] = meta || ["", "", "", "", "", "", ""];
        return { url, title, date, place, agency, lang, excerpt: excerpt(source || "", wanted) };
      });
      return { total: hits.length, results };
    }
  }

  async function open(indexUrl) {
    if (!globalThis.ArchiveTerms || !globalThis.ArchiveTerms.terms) {
      throw new Error("search-terms.js must be loaded before search-engine.js.");
    }
    let base = String(indexUrl || "");
    if (!base.endsWith("/")) base += "/";
    const engine = new Engine(base);
    await engine.reload();
    return engine;
  }

  globalThis.ArchiveSearch = { open, excerpt, escapeHtml };
})();
