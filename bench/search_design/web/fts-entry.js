// The FTS5 candidate's browser side: SQLite WebAssembly with sqlite-wasm-http's HTTP VFS.
import { createSQLiteThread, createHttpBackend } from 'sqlite-wasm-http';

let db = null;

// A host that ignores Range would send the whole database for every page read:
// ask for two bytes first and refuse such a host before SQLite starts reading.
async function checkRanges(url) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Range: 'bytes=0-1' }, signal: controller.signal });
  controller.abort();
  if (response.status !== 206) {
    throw new Error(`${url}: the host answered a range request with ${response.status}, ` +
      'not 206; searching would download the whole index, so search is off');
  }
}

async function open(url) {
  await checkRanges(url);
  const http = createHttpBackend({ maxPageSize: 1024, timeout: 10000, cacheSize: 4096 });
  db = await createSQLiteThread({ http });
  await db('open', { filename: 'file:' + encodeURI(url), vfs: 'http' });
}

async function all(sql, bind) {
  const rows = [];
  await db('exec', {
    sql, bind, rowMode: 'array',
    callback: (msg) => { if (msg.row) rows.push(msg.row); },
  });
  return rows;
}

// terms: stemmed by the page (window.stemTerms); year: a number or null.
window.ftsSearch = async function (url, terms, year, byDate) {
  if (!db) await open(url);
  const match = terms.map((t) => '"' + t.replace(/"/g, '""') + '"').join(' ');
  let lo = 0, hi = 2 ** 31;
  if (year) [[lo, hi]] = await all('SELECT lo, hi FROM years WHERE year = ?', [year]);
  const where = 'fts MATCH ? AND rowid BETWEEN ? AND ?';
  const order = byDate ? 'rowid DESC' : 'rank';
  const top = await all(`SELECT rowid FROM fts WHERE ${where} ORDER BY ${order} LIMIT 10`, [match, lo, hi]);
  const results = [];
  for (const [id] of top) {
    const [[u, title, date]] = await all('SELECT url, title, date FROM docs WHERE id = ?', [id]);
    results.push({ url: u, title, date });
  }
  const [[total]] = await all(`SELECT count(*) FROM fts WHERE ${where}`, [match, lo, hi]);
  return { total, results };
};
