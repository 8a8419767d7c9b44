"""Related coverage: near-copies ("Also carried by") and other reports of the same event
("Related coverage"), on the labelled articles of ``tests/fixtures/related/`` (invented
stories: the same event reworded by two agencies, a near-copy, the same topic but
another event, unrelated). Built through the public API; what a reader sees is checked,
and that an edit re-renders exactly the pages whose coverage it changes.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archivesite import caches, related, wordscan
from archivesite.build import build
from archivesite.config import RelatedConfig, load_config
from archivesite.model import Article
from archivesite.session import BuildSession

FIXTURE = Path(__file__).parent / "fixtures" / "related" / "articles.json"
ARTICLES: list[dict[str, str]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]
BY_ID = {a["id"]: a for a in ARTICLES}


def label(a: dict[str, str], b: dict[str, str]) -> str:
    if a.get("copy_of") == b["id"] or b.get("copy_of") == a["id"]:
        return "near-copy"
    if a["event"] == b["event"]:
        return "same event"
    return "same topic" if a["topic"] == b["topic"] else "unrelated"


def _rel(a: dict[str, str]) -> str:
    return f"{a['date'].replace('-', '/')}/{a['id']}.md"


def _text(a: dict[str, str], body: str | None = None) -> str:
    return (
        f"---\ntitle: {json.dumps(a['title'])}\ndate: {a['date']}\nagency: {a['agency']}\n---\n"
        f"{body if body is not None else a['text']}\n"
    )


def _url(a: dict[str, str]) -> str:
    return f"{a['date'].replace('-', '/')}/{a['id']}/"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {_rel(a): _text(a) for a in ARTICLES},
        config='title = "Related"\nsearch = false\n',
    )


def _links(out: Path, a: dict[str, str]) -> dict[str, set[str]]:
    """The ids of the articles a page links under each coverage heading."""
    page = (out / _url(a) / "index.html").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    for section in ("also-carried", "related-coverage"):
        start = page.find(f'<h2 id="{section}">')
        if start < 0:
            found[section] = set()
            continue
        block = page[start : page.index("</ul>", start)]
        found[section] = {b["id"] for b in ARTICLES if f'/{b["id"]}/"' in block}
    return found


def test_every_same_event_pair_is_linked_both_ways_and_no_other(site: Path) -> None:
    build(load_config(site), jobs=1)
    out = site / "build"
    links = {a["id"]: _links(out, a) for a in ARTICLES}
    for a, b in itertools.combinations(ARTICLES, 2):
        kind = label(a, b)
        ab = links[a["id"]]["also-carried"] | links[a["id"]]["related-coverage"]
        ba = links[b["id"]]["also-carried"] | links[b["id"]]["related-coverage"]
        if kind in ("same event", "near-copy"):
            assert b["id"] in ab and a["id"] in ba, (a["id"], b["id"], kind)
        else:
            assert b["id"] not in ab and a["id"] not in ba, (a["id"], b["id"], kind)
    assert links["quake-a"]["also-carried"] == {"quake-copy"}
    assert links["quake-copy"]["also-carried"] == {"quake-a"}
    assert links["quake-a"]["related-coverage"] == {"quake-b"}  # not the copy twice


def test_parsing_workers_make_the_features_and_the_same_links(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the content files are parsed in worker processes, the workers make each
    text's features as they read it: the builder makes none, and pages link the same."""
    from archivesite import caches, workers

    if not workers.fork_is_safe():
        pytest.skip("no forked workers here")
    config = load_config(site)
    build(config, out=tmp_path / "serial", jobs=1)
    shutil.rmtree(site / ".archivesite")
    made: list[int] = []
    real = caches._features_of

    def counting(refs: list[Any]) -> list[related.Features]:
        made.append(len(refs))
        return real(refs)

    monkeypatch.setattr(caches, "_features_of", counting)
    monkeypatch.setattr(workers, "PARSE_THRESHOLD", 2)
    build(config, out=tmp_path / "parallel", jobs=2)
    assert sum(made) == 0
    for a in ARTICLES:
        assert _links(tmp_path / "parallel", a) == _links(tmp_path / "serial", a), a["id"]


def test_the_thresholds_and_window_are_settings(make_site: Callable[..., Path]) -> None:
    pair = [BY_ID["vote-a"], BY_ID["vote-b"]]  # a day apart
    files = {_rel(a): _text(a) for a in pair}
    root = make_site(files, config='title = "R"\nsearch = false\n[related]\nwindow_days = 0\n')
    build(load_config(root), jobs=1)
    assert _links(root / "build", pair[0])["related-coverage"] == set()
    (root / "archivesite.toml").write_text('title = "R"\nsearch = false\n', encoding="utf-8")
    build(load_config(root), jobs=1)
    assert _links(root / "build", pair[0])["related-coverage"] == {"vote-b"}
    off = 'title = "R"\nsearch = false\n[related]\nenabled = false\n'
    (root / "archivesite.toml").write_text(off, encoding="utf-8")
    build(load_config(root), jobs=1)
    assert "related-coverage" not in (root / "build" / _url(pair[0]) / "index.html").read_text()


def test_an_edit_re_renders_the_pages_whose_coverage_it_changes(site: Path) -> None:
    config = load_config(site)
    build(config, jobs=1)
    out = site / "build"
    # vote-b rewritten as a copy of another story: vote-a loses its link, the museum gains one.
    museum = BY_ID["museum"]["text"].replace("OREN", "DUNMORE")
    (site / "content" / _rel(BY_ID["vote-b"])).write_text(_text(BY_ID["vote-b"], museum))
    report = build(config, jobs=1)
    assert report.planned < report.outputs  # the warm path: only what shows the edit
    assert _url(BY_ID["vote-a"]) + "index.html" in report.written
    assert _links(out, BY_ID["vote-a"])["related-coverage"] == set()
    assert _links(out, BY_ID["vote-b"])["related-coverage"] == set()
    assert _links(out, BY_ID["museum"])["also-carried"] == {"vote-b"}  # now a near-copy
    # And back: the link returns on both pages.
    (site / "content" / _rel(BY_ID["vote-b"])).write_text(_text(BY_ID["vote-b"]))
    report = build(config, jobs=1)
    assert _url(BY_ID["vote-a"]) + "index.html" in report.written
    assert _links(out, BY_ID["vote-a"])["related-coverage"] == {"vote-b"}
    _assert_same_as_clean(site)


def test_a_retitled_article_updates_the_pages_that_link_it(site: Path) -> None:
    config = load_config(site)
    build(config, jobs=1)
    path = site / "content" / _rel(BY_ID["fire-b"])
    path.write_text(_text({**BY_ID["fire-b"], "title": "Blaze near Pine Hollow spreads"}))
    report = build(config, jobs=1)
    assert _url(BY_ID["fire-a"]) + "index.html" in report.written
    page = (site / "build" / _url(BY_ID["fire-a"]) / "index.html").read_text(encoding="utf-8")
    assert "Blaze near Pine Hollow spreads" in page


def _assert_same_as_clean(site: Path) -> None:
    clean = site.parent / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("build", ".archivesite"))
    build(load_config(clean), jobs=1)
    ours = {p.relative_to(site / "build"): p.read_bytes() for p in (site / "build").rglob("*")
            if p.is_file()}  # fmt: skip
    theirs = {p.relative_to(clean / "build"): p.read_bytes() for p in (clean / "build").rglob("*")
              if p.is_file()}  # fmt: skip
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []


def _articles() -> list[Article]:
    import datetime as dt

    return [
        Article(
            source=a["id"],
            kind="article",
            slug=a["id"],
            title=a["title"],
            date=dt.date.fromisoformat(a["date"]),
            published=None,
            body_hash=a["id"],
        )
        for a in ARTICLES
    ]


def _reports(count: int) -> dict[str, str]:
    """``count`` reports of one event (a fixture's text, each with words of its own, more
    for each: as many similarities as reports) and a near-copy of the first."""
    rng = random.Random(3)
    base = BY_ID["quake-a"]["text"]
    texts = {}
    for k in range(count):
        own = " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(10 + 3 * k))
        texts[f"report-{k:02}"] = f"{base}\n\n{own}."
    texts["report-copy"] = texts["report-00"] + " Update."
    return texts


def _dated(texts: dict[str, str], day: int = 14) -> list[Article]:
    import datetime as dt

    return [
        Article(
            source=s,
            kind="article",
            slug=s,
            title=s,
            date=dt.date(2023, 3, day + n % 3),
            published=None,
            body_hash=s,
        )
        for n, s in enumerate(texts)
    ]


def test_coverage_holds_only_the_first_limit_links_of_the_whole_ranking() -> None:
    """However many reports of one event, each article keeps at most ``limit`` links of
    each kind: the first of the ranking every link would make."""
    texts = _reports(14)
    articles = _dated(texts)

    def feats(a: Article) -> related.Features:
        return related.features(texts[a.source])

    whole = related.relate(articles, feats, RelatedConfig(limit=100))
    assert max(len(c.related) for c in whole.values()) == 14  # all but itself (and a copy)
    assert whole["report-00"].carried and whole["report-copy"].carried
    for limit in (1, 2, 5):
        kept = related.relate(articles, feats, RelatedConfig(limit=limit))
        assert kept.keys() == whole.keys()
        for source, cov in kept.items():
            assert cov.carried == whole[source].carried[:limit]
            assert cov.related == whole[source].related[:limit]


@pytest.mark.parametrize(
    ("limit", "texts"),
    [(5, None), (1, None), (2, _reports(8)), (3, _reports(8))],
    ids=["fixture-limit-5", "fixture-limit-1", "reports-limit-2", "reports-limit-3"],
)
def test_updating_after_edits_equals_relating_from_scratch(
    limit: int, texts: dict[str, str] | None
) -> None:
    """Random rewrites of a few articles: the links found again for the edited ones and
    those that showed them equal every link found from scratch, also where an edit
    takes a link out of a full list (the next one comes in)."""
    rng = random.Random(7)
    if texts is None:
        texts, articles = {a["id"]: a["text"] for a in ARTICLES}, _articles()
    else:
        texts = dict(texts)
        articles = _dated(texts)
    first = dict(texts)
    cache: dict[str, Any] = {}

    def feats(a: Article) -> related.Features:
        key = texts[a.source]
        if key not in cache:
            cache[key] = related.features(key)
        return cache[key]

    settings = RelatedConfig(limit=limit)
    coverage = related.relate(articles, feats, settings)
    for _ in range(12):
        edited = rng.sample(sorted(texts), rng.randint(1, 3))
        for source in edited:
            donor = texts[rng.choice(sorted(texts))]
            texts[source] = rng.choice([donor, donor + " Update.", first[source], "Nothing."])
        coverage, _ = related.update(coverage, articles, edited, feats, settings)
        assert coverage == related.relate(articles, feats, settings)


def test_an_edit_that_takes_a_shown_link_away_shows_the_next(
    make_site: Callable[..., Path],
) -> None:
    """With one link of each kind shown, quake-b shows quake-a and not quake-copy (less
    alike); quake-a rewritten as another story: quake-b shows quake-copy, as a clean
    build does. Then the limit raised: both, without ``--clean``."""
    config = 'title = "Related"\nsearch = false\n[related]\nlimit = {}\n'
    root = make_site({_rel(a): _text(a) for a in ARTICLES}, config=config.format(1))
    build(load_config(root), jobs=1)
    out = root / "build"
    assert _links(out, BY_ID["quake-b"])["related-coverage"] == {"quake-a"}
    (root / "content" / _rel(BY_ID["quake-a"])).write_text(
        _text(BY_ID["quake-a"], BY_ID["museum"]["text"]), encoding="utf-8"
    )
    report = build(load_config(root), jobs=1)
    assert report.planned < report.outputs  # the warm path
    assert _links(out, BY_ID["quake-b"])["related-coverage"] == {"quake-copy"}
    _assert_same_as_clean(root)
    shutil.rmtree(root.parent / "clean")
    (root / "content" / _rel(BY_ID["quake-a"])).write_text(_text(BY_ID["quake-a"]))
    build(load_config(root), jobs=1)
    assert _links(out, BY_ID["quake-b"])["related-coverage"] == {"quake-a"}
    (root / "archivesite.toml").write_text(config.format(2), encoding="utf-8")
    build(load_config(root), jobs=1)
    assert _links(out, BY_ID["quake-b"])["related-coverage"] == {"quake-a", "quake-copy"}
    _assert_same_as_clean(root)


def test_features_are_made_once_per_text(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    real = related.features_of_many

    def counting(texts: list[str]) -> list[related.Features]:
        made.append(len(texts))
        return real(texts)

    monkeypatch.setattr(related, "features_of_many", counting)
    config = load_config(site)
    build(config, jobs=1)
    assert sum(made) == len(ARTICLES)
    shutil.rmtree(site / "build")
    (site / ".archivesite" / "build.record").unlink(missing_ok=True)
    made.clear()
    build(config, jobs=1, clean=False)
    assert sum(made) == 0


def test_a_preview_session_reads_the_saved_features_once(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview server's session holds every text's features between builds: each
    edit relates the edited texts again without reading them all from disk."""
    config = load_config(site)
    build(config, jobs=1)  # saves the features
    reads: list[Path] = []
    real = caches._keyed_entries

    def counting(path: Path, key: str) -> dict[str, related.Features]:
        reads.append(path)
        return real(path, key)

    monkeypatch.setattr(caches, "_keyed_entries", counting)
    session = BuildSession()
    build(config, jobs=1, session=session)
    museum = BY_ID["museum"]["text"].replace("OREN", "DUNMORE")
    path = site / "content" / _rel(BY_ID["vote-b"])
    for body in (museum, None):  # a near-copy of the museum story, then back
        path.write_text(_text(BY_ID["vote-b"], body))
        report = build(config, jobs=1, session=session)
        assert report.planned < report.outputs  # the warm path
    assert _links(site / "build", BY_ID["vote-a"])["related-coverage"] == {"vote-b"}
    assert [p.name for p in reads].count("features.pickle") == 1
    _assert_same_as_clean(site)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="vnu needs a JRE (make system-deps)")
def test_pages_with_coverage_and_redirect_pages_pass_vnu(make_site: Callable[..., Path]) -> None:
    from test_validate_html import run_vnu

    files = {_rel(a): _text(a) for a in ARTICLES}
    moved = BY_ID["museum"]
    files[_rel(moved)] = _text(moved).replace("---\n", "---\naliases: [/culture/museum/]\n", 1)
    root = make_site(files, config='title = "Related"\nbase_url = "https://example.org/"\n')
    build(load_config(root), jobs=1)
    out = root / "build"
    pages = [out / _url(a) / "index.html" for a in ARTICLES if a["event"] in ("quake", "cup-final")]
    assert all("related-coverage" in p.read_text(encoding="utf-8") for p in pages)
    pages += [out / "culture/museum/index.html", out / "tags/index.html"]
    pages += sorted(out.glob("agencies/*/index.html"))
    messages = run_vnu(pages)
    errors = [m for m in messages if m.get("type") == "error"]
    assert not errors, "\n".join(f"{m.get('url')}: {m.get('message')}" for m in errors)


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95])
def test_the_bands_are_those_datasketch_chooses(threshold: float) -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=related.NUM_PERM)
    assert related.bands(threshold) == (lsh.b, lsh.r)


def test_signatures_are_datasketchs_minhash() -> None:
    """The signatures are made with numpy, as datasketch's MinHash (scheme affine32) makes
    them from the texts' shingle hashes: the same values."""
    import numpy as np
    from datasketch import MinHash

    for a in ARTICLES[:6]:
        words = wordscan.words_of([a["text"]])
        shingles = related.shingle_hashes(related.word_hashes(words)).tolist()
        ours = np.frombuffer(related.features(a["text"]).signature, dtype=np.uint32)
        theirs = MinHash.bulk(
            [shingles], num_perm=related.NUM_PERM, seed=1, scheme="affine32", hashfunc=int
        )[0].hashvalues
        assert (ours == theirs).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[related]\nrelated_threshold = 2\n", "related.related_threshold"),
        ("[related]\nwindow_days = -1\n", "related.window_days"),
        ("[related]\nsimilarity = 0.5\n", "unknown key 'related.similarity'"),
        ('[feed]\nfull_text = "yes"\n', "feed.full_text"),
        ('[redirects]\n"/old/" = 3\n', "redirects"),
    ],
)
def test_bad_settings_are_errors_naming_the_key(text: str, message: str) -> None:
    from archivesite.config import parse_config
    from archivesite.errors import ArchiveError

    with pytest.raises(ArchiveError, match=re.escape(message)):
        parse_config(text, Path("/site"))


def test_settings_are_read() -> None:
    from archivesite.config import parse_config

    config = parse_config(
        "[related]\ncarried_threshold = 0.9\nwindow_days = 5\n[feed]\nfull_text = true\n"
        '[redirects]\n"/a/b" = "/c/"\n',
        Path("/site"),
    )
    assert config.related == RelatedConfig(carried_threshold=0.9, window_days=5)
    assert config.feed_full_text is True
    assert config.redirects == (("a/b/", "c/"),)


def test_candidates_are_those_of_datasketchs_lsh() -> None:
    """Near-copies and unrelated texts: the pairs found alike in a band are the pairs
    datasketch's MinHashLSH (same bands) returns for each query."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    rng = random.Random(3)
    texts = [a["text"] for a in ARTICLES]
    texts += [t.replace(rng.choice(t.split()), "word", 1) for t in texts[:8]]
    sigs = np.stack([np.frombuffer(related.features(t).signature, dtype=np.uint32) for t in texts])
    for threshold in (0.5, 0.8, 0.9):
        shape = related.bands(threshold)
        lsh = MinHashLSH(num_perm=related.NUM_PERM, params=shape)
        hashes = [MinHash(num_perm=related.NUM_PERM, hashvalues=s, scheme="affine32") for s in sigs]
        for i, h in enumerate(hashes):
            lsh.insert(i, h)
        theirs = {(i, j) for i, h in enumerate(hashes) for j in lsh.query(h) if i < j}
        assert related.candidates(sigs, shape) == theirs
        assert theirs  # the near-copies at least


def test_features_made_together_are_those_made_one_at_a_time() -> None:
    """Parsing workers make the features of many texts at once, an edit of one: the
    same bytes either way (the batch also holds texts too short for a shingle)."""
    texts = [a["text"] for a in ARTICLES] + ["", "One", "Two words", "Три слова здесь"]
    texts += [t[: len(t) // 3] for t in texts[:5]]
    assert related.features_of_many(texts) == [related.features(t) for t in texts]
    assert related.features_of_many(texts * 60) == related.features_of_many(texts) * 60
