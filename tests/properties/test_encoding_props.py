"""Encoding round-trips, and arbitrary bytes either decode or raise EncodingError."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from duskspec import encoding
from duskspec.errors import EncodingError

widths = st.sampled_from(sorted(encoding.UINT_WIDTHS.values()))


@given(widths, st.data())
def test_uint_round_trip(width: int, data: st.DataObject) -> None:
    value = data.draw(st.integers(0, (1 << (8 * width)) - 1))
    assert encoding.decode_uint(encoding.encode_uint(value, width), width) == value


@given(st.binary(max_size=300), st.integers(0, 300))
def test_var_bytes_round_trip(payload: bytes, bound: int) -> None:
    if len(payload) > bound:
        try:
            encoding.encode_var_bytes(payload, bound)
        except EncodingError as exc:
            assert exc.code == "encoding.overlong"
        else:
            raise AssertionError("an over-bound payload was encoded")
    else:
        assert (
            encoding.decode_var_bytes(encoding.encode_var_bytes(payload, bound), bound) == payload
        )


@given(st.binary(max_size=64), widths)
def test_arbitrary_bytes_decode_as_uint_iff_exact_width(raw: bytes, width: int) -> None:
    try:
        value = encoding.decode_uint(raw, width)
    except EncodingError as exc:
        assert len(raw) != width
        assert exc.code == ("encoding.truncated" if len(raw) < width else "encoding.trailing")
    else:
        assert len(raw) == width and encoding.encode_uint(value, width) == raw


@given(st.binary(max_size=80), st.integers(0, 64))
def test_arbitrary_bytes_decode_as_var_bytes_or_raise(raw: bytes, bound: int) -> None:
    try:
        value = encoding.decode_var_bytes(raw, bound)
    except EncodingError as exc:
        assert exc.code in {"encoding.truncated", "encoding.overlong", "encoding.trailing"}
    else:
        # Whatever decodes re-encodes to exactly the input: the encoding is canonical.
        assert encoding.encode_var_bytes(value, bound) == raw
