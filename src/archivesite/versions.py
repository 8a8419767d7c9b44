"""What a wire story says about its own versions and corrections (pure; no I/O).

Wires send a story again as it develops (``UPDATE 1-``, AP's ``2nd Ld-Writethru``)
or is corrected (``CORRECTED-``, a leading ``(In Dec. 25 story, ... corrects ...)``
notice, a ``Correction:`` paragraph, an editor's note). This module owns those
forms: :func:`strip_markers` takes the markers off a headline, :func:`leading_notices`
takes the notices off the start of a body (so the dateline after them is found as
usual), :func:`read_version` sorts the notices into corrections and version notes,
and :func:`story_key` names the story the versions belong to (see
:mod:`archivesite.stories` for how keys join versions).

A rule here must hold for a new agency's copy: markers are matched only as whole,
separated tokens at the start of a headline (or parenthesised at either end), and a
notice only as a whole paragraph (or a parenthesised opening) that names a change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "UNMARKED",
    "Version",
    "is_note_line",
    "leading_notices",
    "read_version",
    "slug_keyword",
    "story_key",
    "strip_markers",
]

# A headline's version marker: "UPDATE 2-", "CORRECTED-", "REFILE-", "RPT-", glued to
# the headline by a hyphen or dash (or a colon), case-insensitively.
_MARKER_WORDS = (
    r"update[ ]?\d{1,2}|updated|corrected|correction|refile|refiled|rpt|repeat"
    r"|wrapup[ ]?\d{0,2}|recasts?|writethru"
)
_LEADING = re.compile(rf"^\s*(?:\((?:{_MARKER_WORDS})\)|(?:{_MARKER_WORDS}))\s*[-–—:]+\s*", re.I)
# The same in brackets at the end: "Oil rises (UPDATE 1)", "... (CORRECTED)".
_TRAILING = re.compile(rf"\s*[\(\[](?:{_MARKER_WORDS})[\)\]]\s*$", re.I)
# AP's version in a slug line: "2nd Ld-Writethru", "1st Ld", "Urgent", "Writethru".
_AP_LEAD = re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)[ ]?Ld\b", re.I)
_AP_WRITETHRU = re.compile(r"\b(?:Ld-)?Writethru\b", re.I)

# A leading notice: a parenthesised paragraph (or opening) naming a change, the way
# Reuters prints them: "(In Dec. 25 story, corrects name ...)", "(Adds quotes)".
_CHANGE_VERBS = (
    r"correct(?:s|ed|ing|ion)?|clarif(?:ies|ied|y|ication)|fix(?:es|ed)?|adds|updates|refiles?"
    r"|removes|changes|recasts|rewrites|inserts|deletes|repeats|withdraws|amends|restores"
    r"|updated|added|removed|changed|refiled|repeated|amended"
)
_PAREN_NOTICE = re.compile(
    rf"^\((?P<words>(?:(?:in|for|this|the)\b[^()]{{0,200}}?\b)?(?:{_CHANGE_VERBS})\b[^()]{{0,400}})\)"
    r"\s*",
    re.I,
)
# A labelled paragraph: "CORRECTION: ...", "Editor's note: ...", AP's "Eds: UPDATES ...".
_LABELLED = re.compile(
    r"^(?P<label>corrections?|clarifications?|correction\s+appended"
    r"|editor[’']?s[’']?\s+notes?|eds|editors|ed\s+note)\s*[:.\-–—]\s*(?P<words>\S.*)$",
    re.I | re.S,
)
_CORRECTING = re.compile(r"\b(?:correct|clarif|fix|erroneous|incorrect|misspel|misstat)", re.I)
_TO_THE_END = re.compile(r"\s+")
# A notice of a version sent again (a typo fixed, a repeat for more clients): no correction.
_RESENT = re.compile(r"^(?:refile|repeat|resend|re-?send|rpt)", re.I)


@dataclass(frozen=True, slots=True)
class Version:
    """What one story's text says about its version.

    ``label``: the markers as printed (``UPDATE 1``, ``CORRECTED``, ``2nd Ld-Writethru``),
    joined by ``; `` (None for no marker); ``number``: the update's number where the
    marker gives one; ``corrections``: the words of its correction notices;
    ``notes``: the words of its other version notices (``Adds quotes``)."""

    label: str | None = None
    number: int | None = None
    corrects: bool = False
    corrections: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return self.label is not None or bool(self.corrections or self.notes)


UNMARKED = Version()  # a story's text that says nothing of a version


def _label(match: re.Match[str]) -> str:
    return " ".join(match.group(0).strip(" -–—:()[]").split()).upper()


def strip_markers(title: str) -> tuple[str, tuple[str, ...]]:
    """The headline without its version markers, and the markers (as ``UPDATE 1``)."""
    found: list[str] = []
    rest = title
    while True:
        m = _LEADING.match(rest)
        if m is None or not rest[m.end() :].strip():
            break
        found.append(_label(m))
        rest = rest[m.end() :]
    m = _TRAILING.search(rest)
    if m is not None and rest[: m.start()].strip():
        found.append(_label(m))
        rest = rest[: m.start()]
    # "(CORRECTED) - <TITLE>": the dash left after a bracketed marker is the separator.
    return rest.strip(), tuple(found)


def _number(labels: Sequence[str]) -> int | None:
    for label in labels:
        m = re.search(r"\d+", label)
        if m and (label.upper().startswith("UPDATE") or "LD" in label.upper()):
            return int(m.group(0))
    return None


def is_note_line(line: str) -> bool:
    """A line holding an editor's note or correction (``Eds: UPDATES with ...``) with a
    colon after its label: head matter, not a headline (``CORRECTED - ...`` is one)."""
    m = _LABELLED.match(line.strip())
    return m is not None and ":" in line.strip()[: m.start("words")]


def leading_notices(paragraphs: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """The notices a body opens with (each as printed) and the paragraphs after them.

    A notice is a labelled paragraph (``Correction: ...``, ``Editor's note: ...``) or a
    parenthesised one naming a change; a parenthesised notice may open the dateline's
    own paragraph, which then keeps the rest."""
    notices: list[str] = []
    body = list(paragraphs)
    while body:
        first = body[0].strip()
        if not first:
            body.pop(0)
            continue
        m = _PAREN_NOTICE.match(first)
        if m is not None:
            notices.append(first[: m.end()].strip())
            rest = first[m.end() :].strip()
            if rest:
                body[0] = rest
            else:
                body.pop(0)
            continue
        if _LABELLED.match(first) is not None and len(body) > 1:
            notices.append(first)
            body.pop(0)
            continue
        break
    return tuple(notices), body


def _words(notice: str) -> str:
    """A notice's words without its brackets or label."""
    text = notice.strip()
    m = _LABELLED.match(text)
    if m is not None:
        text = m.group("words")
    elif text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return _TO_THE_END.sub(" ", text).strip()


def read_version(
    title: str | None, notices: Sequence[str] = (), slug_line: str | None = None
) -> tuple[str | None, Version]:
    """The headline without markers, and what the headline, the notices and the wire's
    slug line say about the version (``title`` None stays None)."""
    labels: list[str] = []
    clean = title
    if title is not None:
        clean, found = strip_markers(title)
        labels.extend(found)
        clean = clean or title
    if slug_line:
        ld = _AP_LEAD.search(slug_line)
        if ld is not None:
            labels.append(ld.group(0))
        if _AP_WRITETHRU.search(slug_line):
            labels.append("Writethru")
    corrections: list[str] = []
    notes: list[str] = []
    for notice in notices:
        words = _words(notice)
        if not words:
            continue
        labelled = _LABELLED.match(notice.strip())
        kind = labelled.group("label").lower() if labelled else ""
        correcting = kind.startswith(("correction", "clarification", "editor", "ed "))
        if correcting or (_CORRECTING.search(words) and not _RESENT.match(words)):
            corrections.append(words)
        else:
            notes.append(words)
    corrects = bool(corrections) or any(
        label.startswith(("CORRECTED", "CORRECTION")) for label in labels
    )
    version = Version(
        label="; ".join(dict.fromkeys(labels)) or None,
        number=_number(labels),
        corrects=corrects,
        corrections=tuple(corrections),
        notes=tuple(notes),
    )
    return clean, version


# A wire slug line: a cycle code, then the keyword up to a comma or the version part.
_SLUG = re.compile(
    r"^(?:[a-z]\d{3,4}[ ]+(?:[a-z][ ]+)?(?:[A-Z]{1,4}[ ]+)?)?(?:BC|AM|PM)-(?P<keyword>[^,\s]+)"
)


def slug_keyword(slug_line: str) -> str | None:
    """The story's keyword in an ANPA slug line (``BC-US-Storm,2nd Ld-Writethru,0512``:
    ``US-Storm``); the same in every version of the story."""
    m = _SLUG.match(slug_line.strip())
    if m is None:
        return None
    keyword = m.group("keyword").strip("-")
    keyword = re.sub(r"-(?:\d{1,2}(?:st|nd|rd|th)[ ]?Ld|Writethru|Urgent|Advisory)$", "", keyword)
    return keyword.lower() or None


def _key_part(text: str | None) -> str:
    words = re.findall(r"\w+", (text or "").casefold())
    return "-".join(words)


def story_key(
    *,
    title: str,
    place: str | None,
    agency: str | None,
    slug_line: str | None = None,
    story_id: str | None = None,
) -> str:
    """The key naming the story a version belongs to: the wire's own id (``id:``), else
    its slug line's keyword (``slug:``), else its headline without markers with its
    dateline's place and agency (``title:``). :mod:`archivesite.stories` joins ``slug:``
    and ``title:`` keys only within a day of each other."""
    if story_id:
        return f"id:{story_id}"
    agency_part = _key_part(agency) or "-"
    keyword = slug_keyword(slug_line) if slug_line else None
    if keyword:
        return f"slug:{agency_part}/{keyword}"
    return f"title:{agency_part}/{_key_part(place) or '-'}/{_key_part(title)}"
