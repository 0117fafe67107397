"""Canonical byte encoding (spec/vectors.md §Encoding, spec/sources.md §0: little-endian).

Integers are fixed-width little-endian. Byte strings are either fixed-length or prefixed by
their length as a ``u32``. Decoding is strict: a :class:`Reader` raises
:class:`~duskspec.errors.EncodingError` on truncated input (``encoding.truncated``), a length
prefix above the caller's bound (``encoding.overlong``) and, at :meth:`Reader.finish`, on
bytes left over (``encoding.trailing``). Encoding a value outside its range raises
``encoding.out_of_range``.
"""

from __future__ import annotations

from duskspec.errors import EncodingError

#: Width in bytes of each unsigned integer type.
UINT_WIDTHS = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}

#: Default upper bound on a length-prefixed byte string (bytes).
DEFAULT_MAX_VAR_LEN = 1 << 24


def encode_uint(value: int, width: int) -> bytes:
    """Little-endian unsigned integer of ``width`` bytes."""
    if not 0 <= value < 1 << (8 * width):
        raise EncodingError("encoding.out_of_range", f"{value} does not fit in {width} bytes")
    return value.to_bytes(width, "little")


def encode_u8(value: int) -> bytes:
    return encode_uint(value, 1)


def encode_u16(value: int) -> bytes:
    return encode_uint(value, 2)


def encode_u32(value: int) -> bytes:
    return encode_uint(value, 4)


def encode_u64(value: int) -> bytes:
    return encode_uint(value, 8)


def encode_fixed(data: bytes, length: int) -> bytes:
    """A byte string whose length the format fixes; no prefix is written."""
    if len(data) != length:
        raise EncodingError("encoding.wrong_length", f"expected {length} bytes, got {len(data)}")
    return bytes(data)


def encode_var_bytes(data: bytes, max_len: int = DEFAULT_MAX_VAR_LEN) -> bytes:
    """``u32`` length prefix followed by the bytes."""
    if len(data) > max_len:
        raise EncodingError("encoding.overlong", f"{len(data)} bytes exceeds the bound {max_len}")
    return encode_u32(len(data)) + bytes(data)


class Reader:
    """A strict cursor over ``data``. Each read either returns exactly what it asks for or
    raises; callers finish with :meth:`finish` so trailing bytes are rejected."""

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)
        self._pos = 0

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def fixed(self, length: int) -> bytes:
        if self.remaining < length:
            raise EncodingError(
                "encoding.truncated",
                f"need {length} bytes at offset {self._pos}, have {self.remaining}",
            )
        chunk = self._data[self._pos : self._pos + length]
        self._pos += length
        return chunk

    def uint(self, width: int) -> int:
        return int.from_bytes(self.fixed(width), "little")

    def u8(self) -> int:
        return self.uint(1)

    def u16(self) -> int:
        return self.uint(2)

    def u32(self) -> int:
        return self.uint(4)

    def u64(self) -> int:
        return self.uint(8)

    def var_bytes(self, max_len: int = DEFAULT_MAX_VAR_LEN) -> bytes:
        length = self.u32()
        # The bound is checked before the body so a hostile prefix cannot make us wait for 4 GiB.
        if length > max_len:
            raise EncodingError(
                "encoding.overlong", f"length prefix {length} exceeds the bound {max_len}"
            )
        return self.fixed(length)

    def rest(self) -> bytes:
        """Everything not yet read (used by formats whose last field runs to the end)."""
        return self.fixed(self.remaining)

    def finish(self) -> None:
        if self.remaining:
            raise EncodingError("encoding.trailing", f"{self.remaining} bytes left after decoding")


def decode_uint(data: bytes, width: int) -> int:
    """Decode exactly one ``width``-byte little-endian integer, nothing more."""
    reader = Reader(data)
    value = reader.uint(width)
    reader.finish()
    return value


def decode_var_bytes(data: bytes, max_len: int = DEFAULT_MAX_VAR_LEN) -> bytes:
    """Decode exactly one length-prefixed byte string, nothing more."""
    reader = Reader(data)
    value = reader.var_bytes(max_len)
    reader.finish()
    return value


def decode_fixed(data: bytes, length: int) -> bytes:
    reader = Reader(data)
    value = reader.fixed(length)
    reader.finish()
    return value
