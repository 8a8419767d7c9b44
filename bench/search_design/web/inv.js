// The inverted-index candidate's browser side: reads the layout inv.py writes.
// Needs snowball.js (window.snowballFactory). Files are fetched once per page and kept.
(function () {
  'use strict';
  const LIMIT = 4 * 1024 * 1024; // no single index file is near this: a host sending more is refused
  const en = snowballFactory.newStemmer('english');
  const ru = snowballFactory.newStemmer('russian');
  const CYRILLIC = /[\u0400-\u04ff]/;
  const cache = new Map();

  function stemTerms(q) {
    const words = q.toLowerCase().replace(/ё/g, 'е').match(/[\p{L}\p{N}\p{M}_]+/gu) || [];
    return words.filter((w) => w.length <= 40).map((w) => (CYRILLIC.test(w) ? ru : en).stem(w));
  }

  async function getJson(url, fresh) {
    if (!fresh && cache.has(url)) return cache.get(url);
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal, cache: fresh ? 'no-cache' : 'default' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const length = Number(response.headers.get('Content-Length') || 0);
    if (length > LIMIT) {
      controller.abort();
      throw new Error(`${url}: the host sent ${length} bytes, more than any index file has; refused`);
    }
    const value = await response.json();
    if (!fresh) cache.set(url, value);
    return value;
  }

  function shardOf(firsts, term) {
    let lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  async function postings(base, manifest, delta, term) {
    const n = shardOf(manifest.shards, term);
    const shard = await getJson(`${base}t/${n}.json`);
    const entry = shard[term];
    const map = new Map();
    if (entry) {
      let doc = 0;
      for (let i = 0; i < entry[0].length; i++) {
        doc += entry[0][i];
        map.set(doc, entry[1][i]);
      }
    }
    for (const doc of delta.void) map.delete(doc);
    const extra = delta.shards.includes(n)
      ? (await getJson(`${base}t/${n}.delta.json`, true))[term]
      : undefined;
    if (extra) for (let i = 0; i < extra[0].length; i++) map.set(extra[0][i], extra[1][i]);
    return map;
  }

  async function meta(base, manifest, delta, doc) {
    if (delta.docs[doc]) return delta.docs[doc];
    const chunk = await getJson(`${base}d/${Math.floor(doc / manifest.doc_chunk)}.json`);
    return chunk[doc % manifest.doc_chunk];
  }

  // All terms must match; year filters by document-number range; byDate sorts newest first,
  // otherwise by tf-idf.
  async function search(base, q, year, byDate) {
    const [manifest, delta] = await Promise.all([
      getJson(`${base}manifest.json`),
      getJson(`${base}delta.json`, true),
    ]);
    const terms = [...new Set(stemTerms(q))];
    if (!terms.length) return { total: 0, results: [] };
    const lists = await Promise.all(terms.map((t) => postings(base, manifest, delta, t)));
    lists.sort((a, b) => a.size - b.size);
    const [lo, hi] = year ? manifest.years[year] || [0, 0] : [0, manifest.documents];
    const n = manifest.documents;
    const scored = [];
    for (const [doc, tf] of lists[0]) {
      if (doc < lo || doc >= hi) continue;
      let score = tf * Math.log(n / lists[0].size);
      let all = true;
      for (let i = 1; i < lists.length && all; i++) {
        const other = lists[i].get(doc);
        if (other === undefined) all = false;
        else score += other * Math.log(n / lists[i].size);
      }
      if (all) scored.push([doc, score]);
    }
    scored.sort(byDate ? (a, b) => b[0] - a[0] : (a, b) => b[1] - a[1] || b[0] - a[0]);
    const top = scored.slice(0, 10);
    const metas = await Promise.all(top.map(([doc]) => meta(base, manifest, delta, doc)));
    const results = metas.map(([url, title, date]) => ({ url, title, date }));
    return { total: scored.length, results };
  }

  window.stemTerms = stemTerms;
  window.invSearch = search;
})();
