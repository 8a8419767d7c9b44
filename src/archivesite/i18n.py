"""The site's language: dates, plurals and the theme's fixed words.

Dates and plural rules come from Babel (the Unicode CLDR locale data), never from
hand-written names: ``long_date`` is the locale's own full format (``Tuesday, 11
January 2022`` for ``en-GB``, ``вторник, 11 января 2022 г.`` for ``ru``). The theme's
words come from gettext catalogues: ``locales/<language>.po`` inside the package
(English and Russian ship), under which a site's own ``locales/<language>.po`` may
override or add messages. Catalogues are read as ``.po`` text and compiled in
memory, so a fresh clone and the wheel work without a compile step.

:func:`language` is memoised per process and each :class:`Language` memoises what it
formats (a large build shows the same few thousand dates millions of times).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

import babel

from .errors import ArchiveError

if TYPE_CHECKING:
    from babel.support import Translations

BUILTIN_CATALOGUES = Path(__file__).resolve().parent / "locales"
SITE_CATALOGUES = "locales"  # a site's own folder of <language>.po files


def parse_locale(tag: str) -> babel.Locale:
    """The Babel locale of a language tag (``en``, ``en-GB``, ``en_GB``, ``ru``);
    raises ``ValueError`` for one CLDR does not know."""
    try:
        return babel.Locale.parse(tag.replace("-", "_"))
    except (babel.UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown language or locale {tag!r}") from exc


def html_lang(tag: str) -> str:
    """The BCP 47 form HTML's ``lang`` takes: ``en_GB`` -> ``en-GB``."""
    return tag.replace("_", "-")


def _catalogue_files(locale: babel.Locale, site_dir: str | None) -> list[Path]:
    """The catalogues a locale reads, most specific first: the site's, then the built-in
    ones (``en_GB.po`` before ``en.po``)."""
    names = [str(locale)] if locale.territory is None else [str(locale), locale.language]
    folders = [Path(site_dir)] if site_dir else []
    folders.append(BUILTIN_CATALOGUES)
    return [f / f"{n}.po" for f in folders for n in names if (f / f"{n}.po").is_file()]


def _compiled(path: Path, locale: babel.Locale) -> Translations:
    # Babel's catalogue, date and number modules are imported where first used: a build
    # that finds nothing changed needs only the locale (a tenth of its start-up otherwise).
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po
    from babel.support import Translations

    # abort_invalid: otherwise Babel prints its warnings on stdout (where serve's start line
    # goes) and carries on with the entry cut; the reader gets path:line instead.
    try:
        with path.open("rb") as f:
            catalogue = read_po(f, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise ArchiveError(
            f"not a valid message catalogue: {str(exc).rsplit(' on ', 1)[0]}: {exc.line.strip()!r}",
            path,
            exc.lineno + 1,
        ) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(fp=buffer)


def catalogue_digest(tag: str, site_dir: str | None) -> str:
    """A digest of every catalogue the language reads (pages re-render when one changes)."""
    h = hashlib.sha256(f"babel {babel.__version__}".encode())
    for path in _catalogue_files(parse_locale(tag), site_dir):
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Language:
    """One locale's formatting, memoised: dates, month and weekday names, counts, words."""

    def __init__(self, tag: str, site_dir: str | None = None) -> None:
        import gettext

        import babel.dates
        import babel.numbers

        self._format_date = babel.dates.format_date
        self._format_skeleton = babel.dates.format_skeleton
        self._format_decimal = babel.numbers.format_decimal
        self.tag = html_lang(tag)
        self.locale = locale = parse_locale(tag)
        chain: gettext.NullTranslations | None = None
        for path in reversed(_catalogue_files(locale, site_dir)):
            found = _compiled(path, locale)
            if chain is not None:
                found.add_fallback(chain)
            chain = found
        self.translations = chain or gettext.NullTranslations()
        self._messages: dict[str, str] = {}
        self._words: dict[tuple[str, str, int], str] = {}
        self._dates: dict[tuple[str, dt.date], str] = {}
        days = locale.days
        months = locale.months
        # Monday first, as Python's weekday() counts.
        self.weekdays = tuple(days["format"]["wide"][i] for i in range(7))
        self.weekdays_short = tuple(days["stand-alone"]["abbreviated"][i] for i in range(7))
        self.months = ("", *(_title(months["stand-alone"]["wide"][m]) for m in range(1, 13)))
        self.months_short = (
            "",
            *(_title(months["stand-alone"]["abbreviated"][m]) for m in range(1, 13)),
        )

    def gettext(self, message: str) -> str:
        """The theme's word in this language (memoised: a page asks for some 15, and a
        message the catalogue leaves untranslated walks the whole fallback chain)."""
        text = self._messages.get(message)
        if text is None:
            text = self._messages[message] = self.translations.gettext(message)
        return text

    def count(self, singular: str, plural: str, n: int) -> str:
        """``1 article``, ``5 articles``, ``5 статей``: the catalogue's plural for ``n``,
        with ``%(num)s`` replaced by ``n`` as the locale writes numbers."""
        key = (singular, plural, n)
        text = self._words.get(key)
        if text is None:
            number = self._format_decimal(n, locale=self.locale)
            text = self._words[key] = self.translations.ngettext(singular, plural, n) % {
                "num": number
            }
        return text

    def _date(self, form: str, day: dt.date) -> str:
        key = (form, day)
        text = self._dates.get(key)
        if text is None:
            if form == "full":
                text = self._format_date(day, "full", locale=self.locale)
            else:
                text = self._format_skeleton(form, day, locale=self.locale)
            text = self._dates[key] = _title(text) if form == "yMMMM" else text
        return text

    def long_date(self, day: dt.date) -> str:
        """With the weekday, in the locale's full form: ``Tuesday, January 11, 2022``."""
        return self._date("full", day)

    def day(self, day: dt.date) -> str:
        """A day without its weekday: ``January 11, 2022``, ``11 января 2022 г.``."""
        return self._date("yMMMMd", day)

    def day_of_year(self, day: dt.date) -> str:
        """A day of any year: ``January 11``, ``11 января``."""
        return self._date("MMMMd", day)

    def month(self, year: int, month: int) -> str:
        """``January 2022``, ``Январь 2022 г.``."""
        return self._date("yMMMM", dt.date(year, month, 1))

    def number(self, n: int) -> str:
        return self._format_decimal(n, locale=self.locale)


def _title(text: str) -> str:
    """A name standing alone starts with a capital (CLDR's Russian months do not)."""
    return text[:1].upper() + text[1:]


def language(tag: str, site_dir: str | None = None, digest: str | None = None) -> Language:
    """The :class:`Language` of a tag and the site's catalogue folder, made once per
    process for each state of the catalogues (``digest``: their
    :func:`catalogue_digest`, where the caller has it)."""
    return _language(tag, site_dir, digest or catalogue_digest(tag, site_dir))


@functools.lru_cache(maxsize=8)
def _language(tag: str, site_dir: str | None, digest: str) -> Language:
    return Language(tag, site_dir)
