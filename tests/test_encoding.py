"""Every decoding and encoding error path of duskspec.encoding, by name."""

from __future__ import annotations

import pytest

from duskspec import encoding
from duskspec.errors import EncodingError


def code_of(fn: object, *args: object) -> str:
    with pytest.raises(EncodingError) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.code


@pytest.mark.parametrize(("width", "value"), [(1, 0xAB), (2, 0xABCD), (4, 7), (8, 2**64 - 1)])
def test_uint_is_little_endian(width: int, value: int) -> None:
    data = encoding.encode_uint(value, width)
    assert data == value.to_bytes(width, "little")
    assert encoding.decode_uint(data, width) == value


def test_u64_bytes_are_least_significant_first() -> None:
    assert encoding.encode_u64(1) == b"\x01" + bytes(7)


@pytest.mark.parametrize(("value", "width"), [(256, 1), (-1, 2), (2**64, 8)])
def test_out_of_range_integers_are_refused(value: int, width: int) -> None:
    assert code_of(encoding.encode_uint, value, width) == "encoding.out_of_range"


def test_truncated_integer() -> None:
    assert code_of(encoding.decode_uint, b"\x01\x02\x03", 4) == "encoding.truncated"


def test_trailing_byte_after_integer() -> None:
    assert code_of(encoding.decode_uint, bytes(9), 8) == "encoding.trailing"


def test_var_bytes_round_trip() -> None:
    assert encoding.decode_var_bytes(encoding.encode_var_bytes(b"dusk")) == b"dusk"


def test_var_bytes_prefix_above_bound_is_overlong_before_reading_body() -> None:
    # The body is absent: the bound must be checked first, or this would say "truncated".
    assert code_of(encoding.decode_var_bytes, encoding.encode_u32(100), 10) == "encoding.overlong"


def test_var_bytes_encoding_above_bound() -> None:
    assert code_of(encoding.encode_var_bytes, bytes(11), 10) == "encoding.overlong"


def test_var_bytes_short_body() -> None:
    data = encoding.encode_u32(5) + b"abc"
    assert code_of(encoding.decode_var_bytes, data) == "encoding.truncated"


def test_var_bytes_trailing() -> None:
    assert (
        code_of(encoding.decode_var_bytes, encoding.encode_var_bytes(b"x") + b"y")
        == "encoding.trailing"
    )


def test_fixed_wrong_length_on_encode() -> None:
    assert code_of(encoding.encode_fixed, b"abc", 4) == "encoding.wrong_length"


def test_fixed_decode_short_and_long() -> None:
    assert encoding.decode_fixed(b"abcd", 4) == b"abcd"
    assert code_of(encoding.decode_fixed, b"abc", 4) == "encoding.truncated"
    assert code_of(encoding.decode_fixed, b"abcde", 4) == "encoding.trailing"


def test_reader_reads_fields_in_order_and_rest() -> None:
    reader = encoding.Reader(encoding.encode_u8(3) + encoding.encode_u16(513) + b"tail")
    assert (reader.u8(), reader.u16()) == (3, 513)
    assert reader.rest() == b"tail"
    reader.finish()


def test_a_failed_read_does_not_advance() -> None:
    reader = encoding.Reader(b"\x01\x02")
    with pytest.raises(EncodingError):
        reader.u32()
    assert reader.u16() == 0x0201
