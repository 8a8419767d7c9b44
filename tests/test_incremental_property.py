"""After any sequence of edits, an incremental build equals a clean build.

Zola's maintainers gave up partial rebuilds because they left stale pages; this
stateful property test is why ours can be trusted. Each step changes the
sources (articles, drafts, templates, a new override of a template others
extend, static files, configuration), then builds incrementally into
one folder and from scratch (``clean=True``, on a copy of the sources) into
another, and compares the two trees byte for byte. A search index is compared
by what it contains, not by its bytes, so ``search-index/`` is left out here.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from archivesite.build import BuildSession, build
from archivesite.config import load_config

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
AGENCIES = ["TASS", "Reuters", "AP"]
PLACES = [
    ("MOSCOW", "Moscow", None),
    ("PORTLAND, Ore.", "Portland", "Ore."),
    ("PARIS", "Paris", None),
]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
# A few days of the year over three years, so on-this-day pages list several years.
dates = st.builds(
    dt.date, st.sampled_from([2019, 2020, 2021]), st.sampled_from([1, 12]), st.integers(1, 4)
)

CONFIG = """title = "Property archive"
base_url = "https://example.org/archive/"
per_page = {per_page}
language = "{language}"
search = false
"""

ARTICLE_OVERRIDE = """{% extends "builtin/article.html" %}
{% block title %}{{ super() }} [override {{ n }}]{% endblock %}
"""


def _article(
    title: str,
    body: str,
    date: dt.date,
    agency: str,
    place: int,
    tags: list[str],
    extra: tuple[str, ...] = (),
) -> str:
    dateline, city, region = PLACES[place]
    lines = [
        "---",
        f"title: {title.capitalize()}",
        f"summary: {body.capitalize()}.",
        f"date: {date.isoformat()}",
        "date_source: text",
        f"dateline: {dateline}",
        f"place: {city}",
    ]
    if region:
        lines.append(f"region: {region}")
    lines += [f"agency: {agency}", f"tags: [{', '.join(tags)}]", *extra, "---", ""]
    return "\n".join(lines) + f"{dateline} ({agency}) - {body.capitalize()}.\n"


@dataclass
class Story:
    """One article as the test last wrote it."""

    name: str
    title: str
    body: str
    date: dt.date
    agency: str
    place: int
    tags: list[str]
    corrections: list[str] = field(default_factory=list)
    versions: list[tuple[Path, str]] = field(default_factory=list)  # (file, body) of each


def _corrections(date: dt.date, texts: list[str]) -> tuple[str, ...]:
    if not texts:
        return ()
    items = [f"  - {{date: {date.isoformat()}, text: {t.capitalize()}.}}" for t in texts]
    return ("corrections:", *items, f"updated: {date.isoformat()}")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "search-index" not in p.relative_to(root).parts
    }


@settings(
    max_examples=12,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
class IncrementalEqualsClean(RuleBasedStateMachine):
    articles = Bundle("articles")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="archivesite-prop-"))
        self.site = self.tmp / "site"
        (self.site / "content").mkdir(parents=True)
        (self.site / "templates").mkdir()
        self.per_page, self.language = 3, "en"
        self._write_config()
        self.counter = 0
        self.template_n = 0
        self.session = BuildSession()  # the preview server's warm path, kept across steps

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _path(self, name: str, date: dt.date) -> Path:
        return self.site / "content" / f"{date:%Y/%m/%d}" / f"{name}.md"

    def _write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    @rule(
        target=articles,
        title=words,
        body=words,
        date=dates,
        agency=st.sampled_from(AGENCIES),
        place=st.integers(0, len(PLACES) - 1),
        tags=st.lists(st.sampled_from(["war", "oil", "vote"]), max_size=2, unique=True),
    )
    def add(
        self, title: str, body: str, date: dt.date, agency: str, place: int, tags: list[str]
    ) -> Story:
        self.counter += 1
        story = Story(f"story-{self.counter}", title, body, date, agency, place, tags)
        self._save(story)
        return story

    def _save(self, story: Story) -> None:
        self._write(
            self._path(story.name, story.date),
            _article(
                story.title, story.body, story.date, story.agency, story.place, story.tags,
                _corrections(story.date, story.corrections),
            ),
        )  # fmt: skip

    @rule(article=articles, body=words, next_day=st.booleans(), corrected=st.booleans())
    def add_version(self, article: Story, body: str, next_day: bool, corrected: bool) -> None:
        """A later version of a story: its own file, the same headline, place and agency,
        marked as an update (or a correction), filed the same day or the next."""
        n = len(article.versions) + 1
        date = article.date + dt.timedelta(days=int(next_day))
        marker = "CORRECTED" if corrected else f"UPDATE {n}"
        extra = (f"version: {marker}", *_corrections(date, [body] if corrected else []))
        path = self._path(f"{article.name}-v{n}", date)
        text = _article(
            article.title, body, date, article.agency, article.place, article.tags, extra
        )
        self._write(path, text)
        article.versions.append((path, text))

    @rule(article=articles, body=words)
    def edit_version(self, article: Story, body: str) -> None:
        if article.versions:
            path, text = article.versions[-1]
            path.write_text(text.replace("---\n", f"---\nversion_note: {body}\n", 1), "utf-8")

    @rule(article=articles, text=words)
    def correct(self, article: Story, text: str) -> None:
        """A correction of an article: its words and date in the front matter."""
        self._rewrite(article, corrections=[*article.corrections, text])

    def _rewrite(self, story: Story, **changes: object) -> None:
        self._path(story.name, story.date).unlink()
        for key, value in changes.items():
            setattr(story, key, value)
        self._save(story)

    @rule(article=articles, body=words)
    def edit_body(self, article: Story, body: str) -> None:
        self._rewrite(article, body=body)

    @rule(article=articles, title=words)
    def edit_title(self, article: Story, title: str) -> None:
        self._rewrite(article, title=title)

    @rule(first=articles, second=articles, title=words, body=words)
    def edit_two(self, first: Story, second: Story, title: str, body: str) -> None:
        """Edits that move nothing, in two files at once (the warm path's kind of change)."""
        self._rewrite(first, title=title)
        self._rewrite(second, body=body)

    @rule(first=articles, second=articles)
    def retitle_as(self, first: Story, second: Story) -> None:
        """A headline edited to another story's: the two may now be versions of one."""
        self._rewrite(first, title=second.title)

    @rule(article=articles, date=dates)
    def change_date(self, article: Story, date: dt.date) -> None:
        self._rewrite(article, date=date)

    @rule(article=articles)
    def rename(self, article: Story) -> None:
        self.counter += 1
        self._rewrite(article, name=f"renamed-{self.counter}")

    @rule(article=consumes(articles))
    def delete(self, article: Story) -> None:
        self._path(article.name, article.date).unlink()

    @rule()
    def edit_template(self) -> None:
        self.template_n += 1
        (self.site / "templates" / "article.html").write_text(
            ARTICLE_OVERRIDE.replace("{{ n }}", str(self.template_n)), encoding="utf-8"
        )

    @rule()
    def remove_template(self) -> None:
        (self.site / "templates" / "article.html").unlink(missing_ok=True)

    @rule(article=articles, draft=st.booleans())
    def toggle_draft(self, article: Story, draft: bool) -> None:
        path = self._path(article.name, article.date)
        text = path.read_text(encoding="utf-8").replace("draft: true\n", "")
        if draft:
            text = text.replace("---\n", "---\ndraft: true\n", 1)
        path.write_text(text, encoding="utf-8")

    @rule(name=st.sampled_from(["extra.css", "assets/archivesite.css"]), text=words)
    def edit_static(self, name: str, text: str) -> None:
        self._write(self.site / "static" / name, f"/* {text} */\n")

    @rule(name=st.sampled_from(["extra.css", "assets/archivesite.css"]))
    def remove_static(self, name: str) -> None:
        (self.site / "static" / name).unlink(missing_ok=True)

    @rule(text=words)
    def edit_base_override(self, text: str) -> None:
        base = Path(__file__).resolve().parents[1] / "templates" / "base.html"
        (self.site / "templates" / "base.html").write_text(
            base.read_text(encoding="utf-8").replace("<body", f"<!-- {text} --><body", 1),
            encoding="utf-8",
        )

    @rule()
    def remove_base_override(self) -> None:
        (self.site / "templates" / "base.html").unlink(missing_ok=True)

    def _write_config(self) -> None:
        (self.site / "archivesite.toml").write_text(
            CONFIG.format(per_page=self.per_page, language=self.language), encoding="utf-8"
        )

    @rule(per_page=st.integers(1, 4))
    def change_config(self, per_page: int) -> None:
        self.per_page = per_page
        self._write_config()

    @rule(language=st.sampled_from(["en", "ru", "en_GB"]))
    def change_language(self, language: str) -> None:
        self.language = language
        self._write_config()

    @rule(word=words)
    def edit_catalogue(self, word: str) -> None:
        """The site's own words over the theme's, in both languages it may be in."""
        for name in ("en.po", "ru.po"):
            self._write(
                self.site / "locales" / name,
                f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                f'msgid "Archive"\nmsgstr "{word}"\n',
            )

    @rule()
    def remove_catalogue(self) -> None:
        shutil.rmtree(self.site / "locales", ignore_errors=True)

    @invariant()
    def incremental_equals_clean(self) -> None:
        incremental = self.tmp / "out-incremental"
        build(load_config(self.site), out=incremental, jobs=1)
        warm = self.tmp / "out-warm"
        build(load_config(self.site), out=warm, jobs=1, session=self.session)
        fresh_site = self.tmp / "fresh-site"
        shutil.rmtree(fresh_site, ignore_errors=True)
        shutil.copytree(self.site, fresh_site, ignore=shutil.ignore_patterns(".archivesite"))
        clean = self.tmp / "out-clean"
        shutil.rmtree(clean, ignore_errors=True)
        build(load_config(fresh_site), out=clean, clean=True, jobs=1)
        want = _tree(clean)
        for got in (_tree(incremental), _tree(warm)):
            assert sorted(got) == sorted(want), "incremental and clean builds hold different files"
            differing = [name for name in want if got[name] != want[name]]
            assert not differing, f"incremental output differs from a clean build: {differing[:5]}"


TestIncrementalEqualsClean = IncrementalEqualsClean.TestCase
