/* The terms of a text, exactly as the search index was written with them
   (archivesite.stemming in Python): a token is a run of letters, digits, combining
   marks and "_" that starts with one that is not a mark; each token is NFC-normalised, lower-cased, its "ё" read as "е",
   dropped if longer than 40 code points, and stemmed by Snowball: Russian for a token
   with a Cyrillic letter, none for a token with a character beyond the Basic
   Multilingual Plane, English for the others. Needs snowball-stemmers.js (loaded
   first). A plain script: defines globalThis.ArchiveTerms = {terms, tokens, term}. */
(function () {
  "use strict";
  const MAX_TERM = 40;
  const TOKEN = /[\p{L}\p{N}_][\p{L}\p{N}\p{M}_]*/gu;
  const CYRILLIC = /[\u0400-\u04ff]/;
  const ASTRAL = /[\ud800-\udfff]/;
  const snowball = globalThis.ArchiveSnowball;
  const english = new snowball.english();
  const russian = new snowball.russian();
  const cache = new Map();

  function codePoints(word) {
    let n = 0;
    for (const _ of word) n += 1;
    return n;
  }

  /* The index term of one token, or null if it is too long. */
  function stem(token) {
    const word = token.normalize("NFC").toLowerCase().replaceAll("ё", "е");
    if (word.length > MAX_TERM && codePoints(word) > MAX_TERM) return null;
    if (CYRILLIC.test(word)) return russian.stemWord(word);
    if (ASTRAL.test(word)) return word;
    return english.stemWord(word);
  }

  function term(token) {
    let t = cache.get(token);
    if (t === undefined) {
      t = stem(token);
      if (cache.size > 50000) cache.clear();
      cache.set(token, t);
    }
    return t;
  }

  /* [start, end, term] of each term; offsets are JavaScript string (UTF-16) indices. */
  function tokens(text) {
    const found = [];
    for (const m of String(text).matchAll(TOKEN)) {
      const t = term(m[0]);
      if (t !== null) found.push([m.index, m.index + m[0].length, t]);
    }
    return found;
  }

  /* The stemmed terms of a text, in order, repeats kept. */
  function terms(text) {
    const found = [];
    for (const m of String(text).matchAll(TOKEN)) {
      const t = term(m[0]);
      if (t !== null) found.push(t);
    }
    return found;
  }

  globalThis.ArchiveTerms = { terms, tokens, term };
})();
