"""Seed bytes to text: every supported encoding, line ends, and bad files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from archivesite.decode import decode_bytes, read_seed
from archivesite.errors import ArchiveError

RUSSIAN = (
    "Президент заявил во вторник, что переговоры в Женеве прошли «конструктивно» — "
    "стороны договорились встретиться снова…"
)
RUSSIAN_SHORT = ["Зима", "ЗИМА", "Ёж", "Путин заявил", "Новости дня", "ПУТИН ЗАЯВИЛ"]
ENGLISH = "The minister said on Tuesday the talks were “constructive” — and AT&T agreed."
LATIN1 = "Café au lait, naïve façade, Straße über alles; crème brûlée à Genève."


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
@pytest.mark.parametrize("text", [RUSSIAN, *RUSSIAN_SHORT])
def test_cyrillic_single_byte(text: str, encoding: str) -> None:
    if encoding == "koi8_r":  # KOI8-R has no guillemets, dashes or ellipsis
        text = text.replace("«", '"').replace("»", '"').replace("—", "-").replace("…", "...")
    decoded = decode_bytes(text.encode(encoding), "x.txt")
    assert decoded.text == text
    assert decoded.encoding == encoding


@pytest.mark.parametrize("text", [LATIN1, "Crème brûlée", "Zürich"])
def test_latin1(text: str) -> None:
    decoded = decode_bytes(text.encode("latin_1"), "x.txt")
    assert decoded.text == text
    assert decoded.encoding == "latin_1"


def test_a_byte_one_code_page_leaves_unmapped_is_read_by_another() -> None:
    # 0x98 has no character in cp1251; the file is still text, not a crash.
    decoded = decode_bytes(b"word \x98 word", "x.txt")
    assert decoded.text.startswith("word ") and decoded.text.rstrip().endswith(" word")
    assert decoded.encoding in {"koi8_r", "latin_1"}


@pytest.mark.parametrize("text", [ENGLISH, RUSSIAN, LATIN1, "plain ascii"])
def test_utf8_with_and_without_bom(text: str) -> None:
    assert decode_bytes(text.encode("utf-8"), "x").text == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "x").text == text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    text = RUSSIAN + "\n" + ENGLISH
    data = text.encode(codec)
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert decode_bytes(data, "x").text == text


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "utf-16"])
def test_crlf_and_cr_become_lf(encoding: str) -> None:
    text = RUSSIAN + "\r\n\r\nВторой абзац.\rТретий.\r\n"
    assert decode_bytes(text.encode(encoding), "x").text == (
        RUSSIAN + "\n\nВторой абзац.\nТретий.\n"
    )


def test_cp1251_ellipsis_is_not_a_line_break() -> None:
    text = "Он сказал: «Ну что ж…» и ушёл.\nВторая строка."
    decoded = decode_bytes(text.encode("cp1251"), "x")
    assert decoded.text == text
    assert "\x85" not in decoded.text
    assert len(decoded.text.split("\n")) == 2


def test_nel_in_utf8_reads_as_windows_1252() -> None:
    assert decode_bytes("wait\u0085 what".encode(), "x").text == "wait… what"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\r\n", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (b"GIF89a\x00\x01\x02\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 4, "binary"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid"),
    ],
)
def test_bad_files(data: bytes, reason: str) -> None:
    with pytest.raises(ArchiveError) as info:
        decode_bytes(data, "seeds/bad.txt")
    assert reason in str(info.value)
    assert str(info.value).startswith("seeds/bad.txt: ")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as info:
        read_seed(tmp_path / "missing.txt")
    assert "cannot read" in str(info.value)
    assert "missing.txt" in str(info.value)


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ru_cp1251"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_shared_cp1251_corpus_reads_as_cp1251() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        decoded = decode_bytes(path.read_bytes(), path)
        assert decoded.encoding == "cp1251", path
        assert "\x85" not in decoded.text
