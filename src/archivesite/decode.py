"""Bytes to text for seed files: encoding detection and line-end normalisation.

Owns: :func:`decode_seed` (raw bytes -> ``str`` with LF line ends) and the
rules for telling apart the encodings seeds come in: UTF-8 (with or without a
BOM), UTF-16/UTF-32 with a BOM, Windows-1251, KOI8-R and Latin-1.

Order of the checks: a byte-order mark; strict UTF-8; then the single-byte
candidates. For those, charset-normalizer (a real detector) gives its guess,
restricted to the three candidates because unrestricted it calls short Russian
texts Shift-JIS or Big5; the guess is then checked against how plausible each
candidate's decoding is as words (letter case inside words, no mixing of Latin
and Cyrillic inside a word, Russian letter frequencies), which is what tells
cp1251 from KOI8-R (the two swap upper and lower case) and from Latin-1 on
texts of a few words. C1 control characters (U+0080-U+009F) are read as their
Windows-1252 characters, the way browsers do, so a stray NEL (U+0085, byte 0x85
in Latin-1) becomes "…" and never a line break.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import ArchiveError

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

SINGLE_BYTE = ("cp1251", "koi8_r", "latin_1")

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LINE_ENDS = re.compile(r"\r\n?")
_C1 = re.compile(r"[\u0080-\u009f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")

# Relative frequency of Russian letters (per cent), for telling a real
# decoding from a scrambled one when the letter case cannot (all-caps text).
_RU_FREQ_TABLE = (
    "о:10.97 е:8.45 а:8.01 и:7.35 н:6.70 т:6.26 с:5.47 р:4.73 в:4.54 л:4.40 к:3.49 "
    "м:3.21 д:2.98 п:2.81 у:2.62 я:2.01 ы:1.90 ь:1.74 г:1.70 з:1.65 б:1.59 ч:1.44 "
    "й:1.21 х:0.97 ж:0.94 ш:0.73 ю:0.64 ц:0.48 щ:0.36 э:0.32 ф:0.26 ъ:0.04 ё:0.04"
)
_RU_FREQ = {
    letter: float(share) for letter, share in (p.split(":") for p in _RU_FREQ_TABLE.split())
}


@dataclass(frozen=True)
class Decoded:
    """A seed's text and the encoding it was read as."""

    text: str
    encoding: str


def _c1_as_cp1252(match: re.Match[str]) -> str:
    raw = bytes([ord(match.group())])
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no character
        return ""


def normalise_text(text: str) -> str:
    """CRLF and CR to LF; C1 controls to their Windows-1252 characters."""
    text = _LINE_ENDS.sub("\n", text)
    return _C1.sub(_c1_as_cp1252, text) if _C1.search(text) else text


def _word_plausible(word: str) -> bool:
    cyr = len(_CYRILLIC.findall(word))
    if cyr and cyr != len(word):
        return False  # Latin and Cyrillic mixed inside one word
    if not cyr and len(word) > 2 and not re.search(r"[A-Za-z]", word):
        return False  # "Ïðåçèäåíò": Russian read as Latin-1
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def plausibility(text: str) -> tuple[float, float]:
    """How much ``text`` looks like real words: (share of plausible non-ASCII
    words, mean Russian letter frequency of its Cyrillic letters)."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return (1.0, 0.0)
    share = sum(_word_plausible(w) for w in words) / len(words)
    letters = [c for c in text.lower() if c in _RU_FREQ]
    freq = sum(_RU_FREQ[c] for c in letters) / len(letters) if letters else 0.0
    return (round(share, 2), freq)


def _decode_single_byte(data: bytes) -> Decoded:
    best = from_bytes(data, cp_isolation=list(SINGLE_BYTE)).best()
    guess = best.encoding if best is not None else None
    scored = []
    for rank, encoding in enumerate(SINGLE_BYTE):
        try:
            text = normalise_text(data.decode(encoding))
        except UnicodeDecodeError:  # cp1251 leaves 0x98 unmapped; latin_1 maps every byte
            continue
        scored.append((plausibility(text), encoding == guess, -rank, encoding, text))
    scored.sort(reverse=True)
    _, _, _, encoding, text = scored[0]
    if guess is not None and encoding != guess:
        log.debug("charset-normalizer guessed %s, words read better as %s", guess, encoding)
    return Decoded(text, encoding)


def decode_bytes(data: bytes, path: Path | str) -> Decoded:
    """Decode a seed's raw bytes; :class:`ArchiveError` for empty or binary data."""
    if not data.strip():
        raise ArchiveError("empty file" if not data else "empty file (only white space)", path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ArchiveError(
                    f"not valid {encoding} after its byte-order mark: {exc}", path
                ) from exc
            text = text.lstrip("\ufeff")
            if "\x00" in text:
                raise ArchiveError("binary file (contains NUL characters)", path)
            if not text.strip():
                raise ArchiveError("empty file (only a byte-order mark)", path)
            return Decoded(normalise_text(text), encoding)
    if b"\x00" in data:
        raise ArchiveError("binary file (contains NUL bytes); not a text file", path)
    try:
        decoded = Decoded(normalise_text(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        decoded = _decode_single_byte(data)
    controls = len(_CONTROLS.findall(decoded.text))
    if controls > max(2, len(decoded.text) // 50):
        raise ArchiveError(f"binary file ({controls} control characters); not a text file", path)
    return decoded


def read_seed(path: Path) -> tuple[bytes, Decoded]:
    """Read and decode one seed file; :class:`ArchiveError` where it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror or exc}", path) from exc
    return data, decode_bytes(data, path)
