"""The mutation strategy the readers' fuzz tests share: a fixture cut, salted with
format-specific fragments, sprinkled with bytes or with a part of it repeated."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st


@st.composite
def mutated(draw: st.DrawFn, samples: Sequence[Path], salt: Sequence[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(samples)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "salt", "byte", "repeat"]))
        if kind == "cut":
            del data[at : at + draw(st.integers(1, 400))]
        elif kind == "salt":
            data[at:at] = draw(st.sampled_from(salt))
        elif kind == "byte":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 300))] * draw(st.integers(2, 40))
    return bytes(data)
