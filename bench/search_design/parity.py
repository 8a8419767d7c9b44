"""Do the browser's stemmers give the stems the Python index was built with?

Owns: stemming every distinct word of a corpus with PyStemmer (``text.py``)
and with the JavaScript Snowball port the pages load (``web/dist/snowball.js``,
run by Node), and counting the words whose stems differ, weighted by how many
articles contain them. A differing word cannot be found by its own spelling.

    python bench/search_design/parity.py --corpus C.jsonl
    python bench/search_design/parity.py --texts ../shared/corpus
"""

from __future__ import annotations

import argparse
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import corpus
from text import CYRILLIC, MAX_TERM, TOKEN, stem

HERE = Path(__file__).resolve().parent
NODE = """
const s = require(process.argv[1]);
const en = s.newStemmer('english'), ru = s.newStemmer('russian');
const words = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const cyr = /[\\u0400-\\u04ff]/;
process.stdout.write(JSON.stringify(words.map((w) => (cyr.test(w) ? ru : en).stem(w))));
"""


def texts(corpus_path: Path | None, folder: Path | None) -> Iterator[str]:
    if corpus_path:
        for r in corpus.read(corpus_path):
            yield r["title"] + "\n" + r["text"]
    if folder:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:  # the Russian seeds are in cp1251
                yield data.decode("cp1251", errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a corpus.py JSON-lines file")
    parser.add_argument("--texts", type=Path, help="or a folder of text files (real copy)")
    parser.add_argument("--limit", type=int, default=20_000, help="articles to read")
    args = parser.parse_args()
    df: Counter[str] = Counter()
    for i, text in enumerate(texts(args.corpus, args.texts)):
        if i >= args.limit:
            break
        text = text.lower().replace("ё", "е")
        df.update({w for w in TOKEN.findall(text) if len(w) <= MAX_TERM})
    words = sorted(df)
    js = json.loads(
        subprocess.run(
            ["node", "-e", NODE, str(HERE / "web" / "dist" / "snowball.js")],
            input=json.dumps(words),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    differ = [(w, stem(w), j) for w, j in zip(words, js, strict=True) if stem(w) != j]
    by_lang = Counter("ru" if CYRILLIC.search(w) else "en" for w, _, _ in differ)
    print(
        json.dumps(
            {
                "texts": min(args.limit, i + 1),
                "distinct_words": len(words),
                "differ": len(differ),
                "differ_by_script": by_lang,
                "article_occurrences_affected": sum(df[w] for w, _, _ in differ),
                "all_occurrences": sum(df.values()),
                "examples": sorted(differ, key=lambda d: -df[d[0]])[:15],
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
