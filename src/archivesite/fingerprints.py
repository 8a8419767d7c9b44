"""Fingerprints: digests of everything an output's bytes depend on.

An output's fingerprint covers the code and Markdown versions, the site-wide values
(:class:`SiteInfo`, which holds the configuration that reaches templates), the output's
own context data (which embeds what it shows of other articles: neighbours, listings,
feed entries), its body's hash, the source of a static copy, and its template closure:
every template it extends, includes or imports, with the hash of each one's source and
which search-path entry it resolved from, so that a new override in the site's
``templates/`` changes the fingerprint. Two outputs with equal fingerprints render to
the same bytes. Nothing here reads content or writes files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from pathlib import Path

import babel
import jinja2

from . import __version__
from .errors import ArchiveError
from .model import Article, Dateline, NavLink, Output, SiteInfo, Theme
from .render import referenced_templates


def digest_of(*parts: str) -> str:
    """sha256 of the parts, each followed by a NUL (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


@functools.cache
def code_version() -> str:
    """The package version plus a hash of every Python source and message catalogue in the
    package, subpackages included (a changed renderer must not be trusted to produce what
    the old one did), and the versions of the libraries that shape pages (Babel's locale
    data included)."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.po")]):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    h.update(f"jinja2 {jinja2.__version__}; markdown {library_version('markdown')}".encode())
    h.update(f"; babel {babel.__version__}".encode())
    return h.hexdigest()


def markup_version() -> str:
    """What rendered body HTML depends on besides the body: Python-Markdown and its settings."""
    from . import markup

    return _markup_versions(markup.raw_html())


@functools.cache
def _markup_versions(raw_html: str) -> str:
    from . import markup

    return digest_of(
        library_version("markdown"), Path(markup.__file__).read_text(encoding="utf-8"), raw_html
    )


_METADATA = ("dist-info", "egg-info")


@functools.cache
def library_version(package: str) -> str:
    """An installed library's version (``package`` names its distribution too), read from
    the name of the distribution's metadata folder beside it (``markdown-3.11.4.dist-info``)
    where there is one, so that a build that finds nothing changed need not import the
    library; else its ``__version__``. A stale folder left by an old install is named too
    (joined by commas), so that the real one changing still changes the answer."""
    spec = importlib.util.find_spec(package)
    found: list[str] = []
    if spec is not None and spec.origin is not None:
        prefix = package.lower() + "-"
        with contextlib.suppress(OSError):
            for entry in Path(spec.origin).parent.parent.iterdir():
                stem, _, kind = entry.name.lower().rpartition(".")
                version = stem.removeprefix(prefix).split("-")[0]
                if stem.startswith(prefix) and kind in _METADATA and version[:1].isdigit():
                    found.append(version)
    if found:
        return ",".join(sorted(found))
    return str(importlib.import_module(package).__version__)


class Fingerprinter:
    """Digests of values, memoised per object for the frozen dataclasses that many
    outputs share (articles, periods), so that each is encoded once per build.

    Use one per build: the memo is by object identity, and it keeps the objects alive.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, str]] = {}

    def digest(self, value: object) -> str:
        return hashlib.sha256(self.encode(value).encode("utf-8", "surrogatepass")).hexdigest()

    def encode(self, value: object) -> str:
        t = type(value)
        if t is str or t is int or t is bool or t is float or value is None:
            return repr(value)
        if t is tuple or t is list:
            return "(" + ",".join([self.encode(v) for v in value]) + ")"  # type: ignore[attr-defined]
        if t is dict:
            items = value.items()  # type: ignore[attr-defined]
            return "{" + ",".join([f"{k!r}:{self.encode(v)}" for k, v in items]) + "}"
        if t in _SMALL:  # a few short fields: inline, no digest
            return f"{t.__qualname__}{tuple(getattr(value, n) for n in _FIELDS[t])!r}"
        names = _FIELDS.get(t)
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            key = id(value)
            hit = self._memo.get(key)
            if hit is not None and hit[0] is value:
                return hit[1]
            if t in _FLAT:  # only small values inside: its repr is exact and fast
                fields = repr(value)
            else:
                fields = ",".join([self.encode(getattr(value, n)) for n in names])
            digest = hashlib.sha256(fields.encode("utf-8", "surrogatepass")).hexdigest()
            text = f"{t.__qualname__}<{digest[:32]}>"
            self._memo[key] = (value, text)
            return text
        if isinstance(value, dt.date | dt.datetime | dt.time):
            return repr(value)  # includes the zone's key
        if isinstance(value, Mapping):
            return self.encode(dict(value))
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            return self.encode(tuple(value))
        return f"{t.__qualname__}:{value!r}"


_FIELDS: dict[type, tuple[str, ...]] = {}
# Dataclasses holding only scalars, dates, tuples of text and other such classes, whose
# generated repr shows every field exactly.
_FLAT: frozenset[type] = frozenset({Article, Dateline, NavLink, SiteInfo, Theme})
_SMALL: frozenset[type] = frozenset({Dateline, NavLink})  # fields: text or None only
for _t in _SMALL:
    _FIELDS[_t] = tuple(f.name for f in dataclasses.fields(_t))


# The templates each template source (by its hash) extends, includes or imports; None:
# a reference that is not a literal name.
TemplateRefs = dict[str, set[str] | None]


def render_key(info: SiteInfo) -> str:
    """What every output depends on: code, Markdown settings and the site-wide values."""
    return digest_of(code_version(), markup_version(), repr(info))


def _references(env: jinja2.Environment, source: str) -> set[str] | None:
    """The templates a source extends, includes, imports or renders as a partial; None
    when one of them is not a literal name (it could be any template)."""
    try:
        found = list(referenced_templates(env.parse(source)))
    except jinja2.TemplateSyntaxError:
        return set()  # rendering reports the error; the source hash is recorded
    refs: set[str] = set()
    for ref in found:
        if ref is None:
            return None
        refs.add(ref)
    return refs


def template_closures(
    env: jinja2.Environment,
    names: Iterable[str],
    memo: TemplateRefs | None = None,
    found: set[str] | None = None,
) -> dict[str, str]:
    """For each template name, a digest of its closure: every template it loads
    (extends, includes, imports), each with the search-path entry it resolved from
    and the hash of its source; a name found nowhere is recorded as missing, so
    that it appearing later is noticed. A non-literal include makes the closure
    every template on the search path. ``memo``: the references found in each source
    (by its hash), kept by a long-lived caller so that an unchanged template is not
    parsed again. ``found``, where given, receives the name of every template of the
    closures that exists (what rendering them will compile)."""
    loader = env.loader
    entries: list[jinja2.BaseLoader] = (
        list(loader.loaders)
        if isinstance(loader, jinja2.ChoiceLoader)
        else [loader]
        if loader
        else []
    )
    resolved: dict[str, tuple[str, set[str] | None]] = {}

    def resolve(name: str) -> tuple[str, set[str] | None]:
        if name in resolved:
            return resolved[name]
        record = f"{name}: missing"
        refs: set[str] | None = set()
        for i, entry in enumerate(entries):
            try:
                source, _, _ = entry.get_source(env, name)
            except jinja2.TemplateNotFound:
                continue
            except OSError as exc:  # unreadable: an error naming it, never a theme fallback
                raise ArchiveError(
                    f"cannot read the template: {exc.strerror}", exc.filename
                ) from None
            source_hash = digest_of(source)
            record = f"{name}: entry {i}: {source_hash}"
            if memo is not None and source_hash in memo:
                refs = memo[source_hash]
                break
            refs = _references(env, source)
            if memo is not None:
                memo[source_hash] = refs
            break
        resolved[name] = (record, refs)
        return resolved[name]

    everything: list[str] | None = None
    out: dict[str, str] = {}
    for root in sorted(set(names)):
        seen: set[str] = set()
        todo = [root]
        dynamic = False
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            _, refs = resolve(name)
            if refs is None:
                dynamic = True
            else:
                todo.extend(refs)
        if dynamic:
            if everything is None:
                everything = sorted(set(env.list_templates()))
            seen.update(everything)
            for name in everything:
                resolve(name)
        out[root] = digest_of(*(resolved[n][0] for n in sorted(seen)))
        if found is not None:
            found.update(n for n in seen if not resolved[n][0].endswith(": missing"))
    return out


def file_digest(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def output_data(output: Output, key: str, fp: Fingerprinter, copies: Mapping[str, str]) -> str:
    """The digest of everything ``render(output)`` depends on but the templates' sources:
    the same for every output of an unchanged plan (same code, configuration, theme,
    content and static files), so a build after a template edit reuses the recorded one."""
    return digest_of(
        key,
        output.url,
        output.path,
        output.kind,
        output.template or "",
        fp.encode(output.context),
        output.body.sha256 if output.body else "",
        copies.get(output.copy_from, "") if output.copy_from else "",
    )


def output_fingerprint(data: str, output: Output, templates: Mapping[str, str]) -> str:
    """The digest of everything ``render(output)`` depends on: its :func:`output_data` and
    the sources of the templates it renders through."""
    return digest_of(data, templates.get(output.template, "") if output.template else "")
