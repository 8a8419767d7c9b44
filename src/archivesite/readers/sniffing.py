"""Whether a file's first bytes are text (every text format's sniff starts here)."""

from __future__ import annotations

import codecs

SNIFF_BYTES = 4096
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
# Bytes that text never holds: NUL and the C0 controls other than tab, line ends,
# form feed and escape.
_BINARY = bytes(c for c in range(32) if c not in b"\t\n\r\f\x1b")
_BINARY_TABLE = bytes.maketrans(b"", b"")


def looks_like_text(head: bytes) -> bool:
    """Whether a file's first bytes are text: a byte-order mark, or no NUL and almost
    no other control bytes (wire copy may carry a stray one)."""
    if head.startswith(_BOMS):
        return True
    if b"\x00" in head:
        return False
    controls = len(head) - len(head.translate(_BINARY_TABLE, _BINARY))
    return controls <= max(2, len(head) // 100)
