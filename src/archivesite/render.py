"""Templates: the Jinja environment and ``render(output) -> RenderedFile``.

The environment's loader is a ``ChoiceLoader``: the site's ``templates/`` first,
then the built-in theme, which is also reachable as ``builtin/<name>`` so an
override can ``{% extends "builtin/article.html" %}``. Autoescape is on for
``.html`` and ``.xml``; undefined variables are errors (``StrictUndefined``).

``render`` is a pure function of its :class:`Output` (plus the body file and
templates it names), so it can run in worker processes. The only call into
Python-Markdown is :func:`body_html`; ``render(output, bodies)`` puts a cache
keyed by the body's hash in front of it (:class:`archivesite.state.BodyCache`),
so re-rendering a page for a template change never runs Markdown again.

Cost: a template edit re-renders every page, so a page's Jinja work is kept
small (``bench/render_bench.py`` measures it per kind of page). The helpers
that depend on the page (``url``, ``absolute_url``, ``instant``) are globals
reading the page being rendered from a ``ContextVar``, so macro files are
imported without context (run once per process); compiled templates call our
plain helpers directly, without Jinja's ``context.call``; output escaping skips the ``Markup``
wrapper Jinja discards anyway; template globals are a plain dict. The theme's literal
words (``_("Archive")``) are compiled into the templates of each language's
environment, and the header and footer are partials (``partial_cached``) rendered
once for all the pages they link alike from.

Dates: a calendar date (front matter ``date: 2022-01-11``) is shown and emitted
as that date, without a time or offset, in HTML ``<time>``, OpenGraph and
JSON-LD ``datePublished`` (schema.org allows a Date there); Atom needs a full
timestamp, so the feed uses midnight of that date in the site's time zone. A
full time is shown in the site's time zone with its offset.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import io
import json
import os
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import jinja2
import jinja2.compiler
import jinja2.meta
import jinja2.nodes
import jinja2.visitor
import markupsafe
from markupsafe import Markup

from . import taxonomies, urls
from .entries import follows, skip_special
from .errors import ArchiveError
from .i18n import Language, language
from .markup import render_markdown
from .model import Article, BodyRef, Correction, Output, RenderedFile, SiteInfo, Theme
from .stories import modified
from .taxonomies import place_name

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``{{ d.key }}`` on a plain dict found without first
    raising (and catching) an AttributeError: listings hold thousands of dicts.
    The result is Jinja's own (a dict's methods still come first)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    plain_helpers: dict[int, object]  # the theme's helpers compiled calls call directly
    words: Language | None = None  # the site's language, when its words are compiled in

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        """The template's tree, with each ``_("literal")`` already in the site's language
        (a constant, so Jinja folds it into the text around it), unless the template
        binds ``_`` to something of its own."""
        tree = super()._parse(source, name, filename)
        if self.words is None or any(
            n.name == "_" and n.ctx != "load" for n in tree.find_all(jinja2.nodes.Name)
        ):
            return tree
        translated: jinja2.nodes.Template = _Translated(self.words).visit(tree)
        return translated

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as a plain dict, not Jinja's ChainMap over the
        environment's: every render copies them, and copying a ChainMap is slow.
        (The environment's globals are all set before any template loads.)"""
        return {**self.globals, **(d or {})}


class _Translated(jinja2.visitor.NodeTransformer):
    """Replaces each call ``_("literal")`` by its translation."""

    def __init__(self, words: Language) -> None:
        self.words = words

    def visit_Call(self, node: jinja2.nodes.Call) -> jinja2.nodes.Node:
        if (
            isinstance(node.node, jinja2.nodes.Name)
            and node.node.name == "_"
            and len(node.args) == 1
            and isinstance(node.args[0], jinja2.nodes.Const)
            and isinstance(node.args[0].value, str)
            and not node.kwargs
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return jinja2.nodes.Const(self.words.gettext(node.args[0].value), lineno=node.lineno)
        return self.generic_visit(node)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, compiling a call of one of the theme's plain helpers
    (``url(...)``, ``_(...)``: some 50 a page) to a direct call: Jinja's general
    ``context.call`` first probes the callable for ``pass_context`` and the like, and
    costs several times what the helper does. Any other callable (a macro, a site's
    own global, an undefined name) still goes through ``context.call``.

    ``url(x)`` becomes ``(t(x) if environment.plain_helpers.get(id(t := url)) is t
    else context.call(t, x, ...))``: the callee evaluated once, then either call."""

    def visit_Call(
        self, node: jinja2.nodes.Call, frame: jinja2.compiler.Frame, forward_caller: bool = False
    ) -> None:
        if forward_caller or self.environment.is_async or self.environment.sandboxed:
            super().visit_Call(node, frame, forward_caller)
            return
        callee = self.temporary_identifier()
        direct = self._captured(lambda: self.signature(node, frame)).removeprefix(", ")
        self.write(f"({callee}({direct}) if environment.plain_helpers.get(id({callee} := ")
        self.visit(node.node, frame)
        self.write(f")) is {callee} else context.call({callee}")
        # The keywords Jinja's own visit_Call adds, for a callable that takes the context.
        extra = {"_loop_vars": "_loop_vars"} if frame.loop_frame else {}
        if frame.block_frame:
            extra["_block_vars"] = "_block_vars"
        self.signature(node, frame, extra or None)
        self.write("))")

    def _captured(self, write: Callable[[], None]) -> str:
        """What ``write()`` writes, as text (part of an expression: no new lines)."""
        stream, self.stream = self.stream, io.StringIO()
        try:
            write()
            return self.stream.getvalue()
        finally:
            self.stream = stream


def _output_escape(value: Any) -> str:
    """``{{ value }}`` in an autoescaped template: :func:`markupsafe.escape`'s text,
    as a plain ``str``. Jinja calls ``escape`` only for what a template outputs, and
    joins that into a string (a macro's or call block's result is made ``Markup``
    again by Jinja), so the ``Markup`` wrapper, a Python-level constructor called
    some 60-200 times a page, is dropped."""
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_text(str(value))


def _markupsafe_escape_text(text: str) -> str:
    return str(markupsafe.escape(text))


# markupsafe's own escaping of a str (its C speedup where built), as escape() uses it.
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _markupsafe_escape_text)


class _Template(jinja2.Template):
    """A template whose output escaping is :func:`_output_escape`."""

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        # The compiled module's functions look ``escape`` up in this namespace at call time.
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _output_escape
        return super()._from_namespace(environment, namespace, globals)


class _SiteTemplates(jinja2.FileSystemLoader):
    """The site's ``templates/``, under the link rule of :mod:`entries`: a template
    reached through a link out of the folder (unless ``follow_all``), or a FIFO, socket
    or device, is skipped with a warning (the built-in one is used), never opened."""

    def __init__(self, folder: str, *, follow_all: bool) -> None:
        super().__init__(folder)
        self._top = folder  # absolute, links resolved
        self._follow_all = follow_all
        self._skipped: set[str] = set()  # warned about once

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = os.path.join(self._top, *jinja2.loaders.split_template_path(template))  # noqa: PTH118
        if path in self._skipped:
            raise jinja2.TemplateNotFound(template)
        try:
            mode = os.stat(path).st_mode  # noqa: PTH116
        except OSError:
            mode = None  # missing (the next loader's) or unreadable (reported on reading)
        if mode is not None:
            linked = os.path.realpath(path) != path
            if (
                linked and not follows(path, self._top, follow_all=self._follow_all)
            ) or skip_special(path, mode):
                self._skipped.add(path)
                raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


@functools.lru_cache(maxsize=8)
def environment(theme: Theme, words: Language | None = None) -> jinja2.Environment:
    """The Jinja environment for a theme (cached per process); with ``words``, the site's
    language, its templates have the theme's literal words compiled in.

    The helpers that depend on the page being rendered (``url``, ``absolute_url``,
    ``instant``) are globals reading it from :data:`_PAGE`, so that macro modules
    imported without context (compiled and run once per process) can call them.
    """
    builtin = jinja2.FileSystemLoader(theme.builtin_templates)
    loaders: list[jinja2.BaseLoader] = []
    if theme.site_templates:
        loaders.append(_SiteTemplates(theme.site_templates, follow_all=theme.follow_symlinks))
    loaders += [jinja2.PrefixLoader({"builtin": builtin}), builtin]
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.code_generator_class = _CodeGenerator
    env.words = words
    env.plain_helpers = {id(helper): helper for helper in _PLAIN_HELPERS}
    env.template_class = _Template
    env.filters["jsonld"] = jsonld
    env.filters["date_text"] = _date_text
    env.globals.update(
        _=_gettext,
        _n=_ngettext,
        partial_cached=_partial_cached,
        long_date=_long_date,
        url=_url,
        absolute_url=_absolute_url,
        instant=_instant,
        updated_instant=_updated_instant,
        date_iso=date_iso,
        when_iso=when_iso,
        when_text=_when_text,
        modified=modified,
        place_name=place_name,
        body_of=_body_of,
        rooted=_rooted,
        stylesheet=urls.STYLESHEET,
        taxonomies=taxonomies.TAXONOMIES,
        urls={
            "home": urls.HOME,
            "archive": urls.ARCHIVE,
            "undated": urls.UNDATED,
            "feed": urls.FEED,
            "search": urls.SEARCH_URL,
            "search_index": urls.SEARCH_INDEX + "/",
            "on_this_day": urls.ON_THIS_DAY,
            **{kind.name: kind.url for kind in taxonomies.TAXONOMIES},
        },
    )
    return env


def prepare(site: SiteInfo, templates: Iterable[str], closed: bool = False) -> None:
    """Compile ``templates`` and read the site's language now, in this process, so that
    worker processes forked after it inherit them instead of each doing it again. A
    template that fails here is left for :func:`render` to report, page by page.
    ``closed``: ``templates`` already names every template they load; otherwise those
    are found by parsing each."""
    env = environment(site.theme, language(site.language, site.theme.site_locales, site.messages))
    todo, seen = list(templates), set()
    while todo:  # each template, and those it extends, includes or imports
        name = todo.pop()
        if name in seen or env.loader is None:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            if not closed:
                source, _, _ = env.loader.get_source(env, name)
                todo += filter(None, referenced_templates(env.parse(source)))
        except (jinja2.TemplateError, OSError):
            continue


def referenced_templates(tree: jinja2.nodes.Template) -> Iterator[str | None]:
    """The templates a template's tree extends, includes, imports or renders with
    ``partial_cached``; None for each name that is not a literal (it could be any)."""
    yield from jinja2.meta.find_referenced_templates(tree)
    for call in tree.find_all(jinja2.nodes.Call):
        if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "partial_cached":
            name = call.args[0] if len(call.args) == 1 else None
            yield name.value if isinstance(name, jinja2.nodes.Const) else None


class _Page:
    """The page being rendered, as the page-dependent helpers need it."""

    __slots__ = (
        "base_url", "bodies", "lang", "links", "page_lang", "site", "site_lang", "timezone", "url",
    )  # fmt: skip

    def __init__(self, output: Output, bodies: BodyStore | None = None) -> None:
        self.bodies = bodies
        self.site = site = output.site
        self.base_url = site.base_url
        self.timezone = site.timezone
        self.lang = language(site.language, site.theme.site_locales, site.messages)
        article = output.context.get("article")
        self.page_lang = site.language
        if isinstance(article, Article) and article.language:
            self.page_lang = article.language
        # A page in another language than the site's (an article) keeps its own on <html>;
        # the theme's words around it (header, navigation, footer) say they are the site's.
        self.site_lang = (
            Markup(f' lang="{site.language}"') if self.page_lang != site.language else ""
        )
        self.url: Callable[[str], str]
        self.links: urls.RelativeLinks | None = None
        if output.kind == "404":  # served at any depth: links from the server root
            self.url = functools.partial(urls.rooted, site.base_url)
        else:
            self.links = urls.RelativeLinks(output.url)
            self.url = self.links.link

    def links_key(self, folders: Collection[tuple[str, ...]]) -> tuple[object, ...]:
        """What this page's links to URLs in ``folders`` depend on (see
        :meth:`urls.RelativeLinks.key`); root-relative links are the same from anywhere."""
        return ("rooted",) if self.links is None else self.links.key(folders)


_PAGE: contextvars.ContextVar[_Page] = contextvars.ContextVar("archivesite_render_page")


def _url(target: str) -> str:
    """``url(target)``: a link from the page being rendered to the URL path ``target``."""
    return _PAGE.get().url(target)


def _absolute_url(target: str) -> str:
    """``absolute_url(target)``: the full URL of ``target`` (feed, sitemap, canonical)."""
    return urls.absolute(_PAGE.get().base_url, target)


def _rooted(target: str) -> str:
    """``rooted(target)``: the path of ``target`` from the server root (``_redirects``)."""
    return urls.rooted(_PAGE.get().base_url, target)


def _body_of(ref: BodyRef) -> str:
    """``body_of(ref)``: an article's body HTML, for a feed with full text."""
    return cached_body_html(ref, _PAGE.get().bodies)


class _Partial:
    """One partial's text for one site, language and environment, by the key of the
    links it makes from a page; and the folders its links point into."""

    __slots__ = ("env", "folders", "site", "texts")

    def __init__(self, env: jinja2.Environment, site: SiteInfo) -> None:
        self.env, self.site = env, site
        self.folders: frozenset[tuple[str, ...]] | None = None
        self.texts: dict[tuple[object, ...], str] = {}

    def text(self, name: str, page: _Page) -> str:
        if self.folders is not None:
            found = self.texts.get(page.links_key(self.folders))
            if found is not None:
                return found
        targets: list[str] = []
        real = page.url

        def recorded(target: str) -> str:
            targets.append(target)
            return real(target)

        page.url = recorded
        try:
            text = self.env.get_template(name).render(site=page.site, site_lang=page.site_lang)
        finally:
            page.url = real
        folders = urls.folders_of(targets)
        if self.folders is None or not folders <= self.folders:
            self.texts.clear()  # keys made without these folders could be too coarse
            self.folders = folders | (self.folders or frozenset())
        self.texts[page.links_key(self.folders)] = text
        return text


_PARTIALS: dict[tuple[int, int, str, str], _Partial] = {}


def _partial_cached(name: str) -> Markup:
    """``partial_cached(name)``: the template ``name`` rendered with only ``site`` and
    ``site_lang`` (and the globals), once for all the pages its links are the same from,
    as Hugo's ``partialCached``: the theme's header and footer, which every page shows."""
    page = _PAGE.get()
    env = environment(page.site.theme, page.lang)
    key = (id(env), id(page.site), str(page.site_lang), name)
    partial = _PARTIALS.get(key)
    if partial is None or partial.env is not env or partial.site is not page.site:
        if len(_PARTIALS) >= 64:  # a long preview session makes a new site each build
            _PARTIALS.clear()
        partial = _PARTIALS[key] = _Partial(env, page.site)
    return Markup(partial.text(name, page))


def _gettext(message: str) -> str:
    """``_(message)``: the theme's word in the site's language (its message catalogue)."""
    return _PAGE.get().lang.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    """``_n("%(num)s article", "%(num)s articles", n)``: a count in the site's language."""
    return _PAGE.get().lang.count(singular, plural, n)


def _long_date(day: dt.date) -> str:
    """``long_date(day)``: with its weekday, in the locale's full form."""
    return _PAGE.get().lang.long_date(day)


def _date_text(article: Article) -> str:
    return date_text(article, _PAGE.get().lang)


def _when_text(when: dt.date) -> str:
    """``when_text(value)``: a date (or a time, with its zone) in the site's language."""
    day = when.date() if isinstance(when, dt.datetime) else when
    text = _PAGE.get().lang.long_date(day)
    if isinstance(when, dt.datetime):
        text += f", {when:%H:%M} {when.tzname()}"
    return text


def when_iso(when: dt.date) -> str:
    """A date or a time with its offset, for ``<time datetime>`` and JSON-LD."""
    return when.isoformat()


def _updated_instant(article: Article) -> str:
    """``updated_instant(article)``: when an article last changed, for Atom's
    ``<updated>`` (its publication where it never changed)."""
    return updated_instant(article, _PAGE.get().timezone)


def updated_instant(article: Article, timezone: str) -> str:
    when = modified(article)
    if when is None:
        return instant(article, timezone)
    if not isinstance(when, dt.datetime):
        return _midnight(when, timezone)
    return when.isoformat()


def _feed_updated(entries: Sequence[Article], timezone: str) -> str:
    """The feed's ``<updated>``: the latest change of any entry."""
    if not entries:
        return "1970-01-01T00:00:00Z"
    return max((updated_instant(a, timezone) for a in entries), key=dt.datetime.fromisoformat)


def _instant(article: Article) -> str:
    """``instant(article)``: an RFC 3339 timestamp in the site's time zone (Atom)."""
    return instant(article, _PAGE.get().timezone)


_JSON = json.JSONEncoder(ensure_ascii=False, indent=None, separators=(",", ":"))


def jsonld(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>``, ``&`` escaped."""
    text = _JSON.encode(value)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        if char in text:
            text = text.replace(char, escape)
    return Markup(text)


def date_text(article: Article, lang: Language) -> str:
    """``Tuesday, January 11, 2022`` or ``..., 09:30 MSK`` in the site's language;
    empty when undated."""
    if article.date is None:
        return ""
    text = lang.long_date(article.date)
    if article.published is not None:
        text += f", {article.published:%H:%M} {article.published.tzname()}"
    return text


def date_iso(article: Article) -> str:
    """For ``<time datetime>``, OpenGraph and JSON-LD: a date, or a time with its offset."""
    if article.published is not None:
        return article.published.isoformat()
    return article.date.isoformat() if article.date else ""


def instant(article: Article, timezone: str) -> str:
    """A full RFC 3339 timestamp (Atom): a calendar date is midnight in the site's zone."""
    if article.published is not None:
        return article.published.isoformat()
    if article.date is None:
        return "1970-01-01T00:00:00Z"
    return _midnight(article.date, timezone)


@functools.lru_cache(maxsize=1 << 12)  # feeds show each date several times (3 a feed entry)
def _midnight(day: dt.date, timezone: str) -> str:
    """Midnight of a calendar date in the site's zone, as RFC 3339."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zoneinfo.ZoneInfo(timezone)).isoformat()


def read_body(ref: BodyRef) -> str:
    """The Markdown body a page shows, checked against the hash taken when it was loaded."""
    try:
        with Path(ref.source).open("rb") as f:
            f.seek(ref.offset)
            data = f.read()
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror}", ref.source) from exc
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        raise ArchiveError("changed while the site was building; build again", ref.source)
    return data.decode("utf-8")


def body_html(markdown_text: str) -> str:
    """The one place bodies go through Python-Markdown."""
    return render_markdown(markdown_text)


class BodyStore(Protocol):
    """Rendered body HTML by the body's sha256."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, html: str) -> None: ...


def cached_body_html(ref: BodyRef, bodies: BodyStore | None) -> str:
    """A body's HTML from ``bodies`` where it is there, else rendered (and stored)."""
    html = bodies.get(ref.sha256) if bodies is not None else None
    if html is None:
        html = body_html(read_body(ref))
        if bodies is not None:
            bodies.put(ref.sha256, html)
    return html


def render(output: Output, bodies: BodyStore | None = None) -> RenderedFile:
    """The bytes of one output file (body HTML through the ``bodies`` cache, if given)."""
    if output.copy_from is not None:
        return RenderedFile(output.path, Path(output.copy_from).read_bytes())
    assert output.template is not None
    page = _Page(output, bodies)
    env = environment(output.site.theme, page.lang)
    context = dict(output.context)
    context.update(_variables(output, page))
    if output.body is not None:
        context["body_html"] = Markup(cached_body_html(output.body, bodies))
    article = context.get("article")
    if output.kind in ("article", "version") and isinstance(article, Article):
        context["jsonld_data"] = _news_article(article, output, context)
    token = _PAGE.set(page)
    try:
        template = env.get_template(output.template)
        if output.kind == "sitemap":  # many pages, several chunks each: joined as it goes
            text = _joined(template.generate(context))
        else:
            text = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ArchiveError(f"template error: {exc.message}", exc.filename, exc.lineno) from exc
    except Exception as exc:
        fault = template_fault(exc, output)
        if fault is None:
            raise
        raise fault from exc
    finally:
        _PAGE.reset(token)
    if not text.endswith("\n"):
        text += "\n"
    return RenderedFile(output.path, text.encode("utf-8"))


class TemplateFault(ArchiveError):
    """A template that failed while rendering a page, at the template's ``path:line``.

    The same fault on many pages is one error (:attr:`key`), reported with the first
    page it failed on."""

    def __init__(self, message: str, path: Path | str | None, line: int | None, page: str):
        super().__init__(f"{message} (first on {page})", path, line)
        self.fault, self.page = message, page

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.fault, self.path, self.line, self.page))

    @property
    def key(self) -> object:
        return (str(self.path), self.line, self.fault)


def template_fault(exc: Exception, output: Output) -> TemplateFault | None:
    """The template error behind ``exc``, located at the innermost template line of its
    traceback; None for an exception that is not the template's doing (a bug)."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    # Jinja rewrites a failed render's traceback so each template line is a frame of
    # that template's file, marked by this global.
    in_template = ["__jinja_exception__" in tb.tb_frame.f_globals for tb in frames]
    is_jinja = isinstance(exc, jinja2.TemplateError)
    if not any(in_template) or not (is_jinja or in_template[-1]):
        if isinstance(exc, jinja2.TemplateNotFound):
            return TemplateFault(f"template not found: {exc.name}", None, None, f"/{output.url}")
        return None
    where = frames[max(i for i, inside in enumerate(in_template) if inside)]
    what = "template error: " + (str(exc) if is_jinja else f"{type(exc).__name__}: {exc}")
    if isinstance(exc, jinja2.TemplateNotFound):
        what = f"template not found: {exc.name}"
    return TemplateFault(what, where.tb_frame.f_code.co_filename, where.tb_lineno, f"/{output.url}")


def _joined(chunks: Iterator[str], every: int = 8192) -> str:
    """The chunks joined a slice at a time (``"".join`` of a generator, as
    ``Template.render`` does, first lists every chunk: many times the text's size)."""
    parts: list[str] = []
    pending: list[str] = []
    for chunk in chunks:
        pending.append(chunk)
        if len(pending) >= every:
            parts.append("".join(pending))
            pending.clear()
    parts.append("".join(pending))
    return "".join(parts)


def _variables(output: Output, page: _Page) -> dict[str, Any]:
    """What every template gets besides its output's context and the globals."""
    site: SiteInfo = output.site
    base = site.base_url
    entries = output.context.get("entries") if output.kind == "feed" else None
    return {
        "site": site,
        "canonical": urls.absolute(base, output.url) if urls.is_absolute_base(base) else None,
        "lang": page.page_lang,
        "site_lang": page.site_lang,
        "page_url": output.url,
        "kind": output.kind,
        "updated": _feed_updated(entries or (), site.timezone),
    }


def _correction(correction: Correction) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CorrectionComment", "text": correction.text}
    if correction.date is not None:
        data["datePublished"] = when_iso(correction.date)
    return data


def _news_article(article: Article, output: Output, context: dict[str, Any]) -> dict[str, Any]:
    """schema.org NewsArticle for an article page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
    }
    if article.date is not None:
        data["datePublished"] = date_iso(article)
    changed = modified(article)
    if changed is not None:
        data["dateModified"] = when_iso(changed)
    if article.corrections:
        data["correction"] = [_correction(c) for c in reversed(article.corrections)]
    if article.summary:
        data["description"] = article.summary
    if article.dateline is not None:
        data["dateline"] = article.dateline.text
        place: dict[str, Any] = {"@type": "Place", "name": article.dateline.place}
        if article.dateline.region:
            place["address"] = {"@type": "PostalAddress", "addressRegion": article.dateline.region}
        data["locationCreated"] = place
    if article.agency:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.agency}
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.source_url:
        data["isBasedOn"] = article.source_url
    data["inLanguage"] = context["lang"]
    if article.tags:
        data["keywords"] = list(article.tags)
    if context["canonical"]:
        data["url"] = context["canonical"]
        data["mainEntityOfPage"] = context["canonical"]
    data["isPartOf"] = {"@type": "WebSite", "name": output.site.title}
    return data


# The helpers compiled templates call directly (plain functions of their arguments).
_PLAIN_HELPERS: frozenset[object] = frozenset(
    {
        _url,
        _absolute_url,
        _instant,
        _updated_instant,
        date_iso,
        when_iso,
        _when_text,
        modified,
        place_name,
        _gettext,
        _ngettext,
        _long_date,
        _partial_cached,
    }
)
