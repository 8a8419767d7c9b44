"""The site's language: dates, plurals and the theme's words, as a reader sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from archivesite.build import build
from archivesite.config import load_config
from archivesite.errors import ArchiveError
from archivesite.i18n import language
from conftest import front_matter_article

ARTICLE = "2022/01/11/talks.md"


def _read(root: Path, url: str) -> str:
    return (root / "build" / url / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        ("en", "Tuesday, January 11, 2022"),
        ("en-GB", "Tuesday, 11 January 2022"),
        ("en_GB", "Tuesday, 11 January 2022"),
        ("ru", "вторник, 11 января 2022\u202fг."),
    ],
)
def test_long_date_is_the_locales_own(tag: str, text: str) -> None:
    assert language(tag).long_date(dt.date(2022, 1, 11)) == text


@pytest.mark.parametrize(
    ("tag", "n", "text"),
    [("en", 1, "1 article"), ("en", 5, "5 articles"), ("ru", 1, "1 статья"),
     ("ru", 3, "3 статьи"), ("ru", 5, "5 статей"), ("ru", 21, "21 статья")],
)  # fmt: skip
def test_counts_follow_the_languages_plural_rules(tag: str, n: int, text: str) -> None:
    assert language(tag).count("%(num)s article", "%(num)s articles", n) == text


def test_a_locale_site_shows_its_dates_and_tags_pages_with_it(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {ARTICLE: front_matter_article("Talks", date="2022-01-11")},
        config='title = "T"\nlanguage = "en_GB"\n',
    )
    build(load_config(root))
    day = _read(root, "2022/01/11")
    assert day.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<h1>Tuesday, 11 January 2022</h1>" in day


def test_russian_site_words_and_a_foreign_article_keeps_its_language(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {
            ARTICLE: front_matter_article("Talks", date="2022-01-11", language="en"),
            "2022/01/12/x.md": front_matter_article("Переговоры", date="2022-01-12"),
        },
        config='title = "Архив"\nlanguage = "ru"\n',
    )
    build(load_config(root))
    article = _read(root, "2022/01/11/talks")
    assert article.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<header class="site-header" lang="ru">' in article
    assert '<footer class="site-footer" lang="ru">' in article
    assert '<nav class="crumbs wrap" aria-label="Навигационная цепочка" lang="ru">' in article
    assert ">Архив</a>" in article
    assert "вторник, 11 января 2022\u202fг." in article
    other = _read(root, "2022/01/12/x")
    assert '<html lang="ru">' in other and 'class="site-header">' in other


def test_a_sites_own_catalogue_overrides_the_themes_words(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {ARTICLE: front_matter_article("Talks", date="2022-01-11")},
        config='title = "T"\nlanguage = "ru"\n',
    )
    (root / "locales").mkdir()
    (root / "locales" / "ru.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Archive"\nmsgstr "Подшивка"\n',
        encoding="utf-8",
    )
    build(load_config(root))
    day = _read(root, "2022/01/11")
    assert ">Подшивка</a>" in day
    assert "Навигационная цепочка" in day  # the rest still from the theme's catalogue


def test_a_broken_catalogue_is_an_error_naming_its_line(
    make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site(
        {ARTICLE: front_matter_article("Talks", date="2022-01-11")},
        config='title = "T"\nlanguage = "ru"\n',
    )
    (root / "locales").mkdir()
    (root / "locales" / "ru.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Archive"\nmsgstr "Подшивка"\n\nmsgid "Updated"\n\nmsgid "Search"\nmsgstr "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ArchiveError) as caught:
        build(load_config(root))
    assert str(caught.value).startswith(f"{root / 'locales' / 'ru.po'}:")
    assert "not a valid message catalogue" in str(caught.value)
    assert capsys.readouterr().out == ""  # Babel's own warnings would land on stdout


def test_an_unknown_locale_is_a_config_error(make_site: Callable[..., Path]) -> None:
    root = make_site({}, config='title = "T"\nlanguage = "xx_QQ"\n')
    with pytest.raises(ArchiveError, match="language"):
        load_config(root)
