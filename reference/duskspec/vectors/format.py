"""The JSON form of vector parts, derived from the protocol's own dataclasses.

One definition serves the code and the vectors: a part is a frozen dataclass, and its JSON
form and JSON Schema are read off its type hints (spec/vectors.md §2):

- ``bytes`` (and ``NewType``s of it) -> ``"0x"`` + lowercase hex; the fixed-length types in
  :data:`FIXED_LENGTHS` get an exact-length pattern in the schema;
- ``int`` -> a JSON integer when ``|n| <= 2**53``, else a decimal string;
- ``tuple[T, ...]`` -> array; ``T | None`` -> value or ``null``; nested dataclasses -> objects;
  ``enum.Enum`` -> its value; ``str`` and ``bool`` as themselves.

Output is canonical: keys sorted, two-space indent, a final newline, no floats.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from duskspec.errors import VectorError
from duskspec.types import BlsPublicKey, BlsSignature, Hash32
from duskspec.vectors import schema_fields

#: Largest integer written as a JSON number; larger ones are decimal strings (IEEE-754 safe).
JSON_SAFE_INT = 2**53

#: Byte types whose length the schema pins.
FIXED_LENGTHS: dict[object, int] = {Hash32: 32, BlsPublicKey: 96, BlsSignature: 48}

T = TypeVar("T")


def _supertype(tp: Any) -> Any:
    """Strip ``NewType`` wrappers down to the runtime class."""
    while hasattr(tp, "__supertype__"):
        tp = tp.__supertype__
    return tp


def _optional_arg(tp: Any) -> Any | None:
    """``X`` when ``tp`` is ``X | None``, else ``None``."""
    args = typing.get_args(tp)
    is_union = typing.get_origin(tp) in (typing.Union, types.UnionType)
    if is_union and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return None


def to_json(value: Any) -> Any:
    """The JSON-ready form of a part (dataclass, bytes, int, tuple, enum, str, bool, None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= JSON_SAFE_INT else str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in sorted(value.items())}
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _bad(path: str, why: str) -> VectorError:
    return VectorError("vectors.bad_part", f"{path or 'part'}: {why}")


def _from_hex(raw: Any, path: str) -> bytes:
    if not isinstance(raw, str) or not raw.startswith("0x") or raw != raw.lower():
        raise _bad(path, "bytes must be a lowercase 0x-prefixed hex string")
    try:
        return bytes.fromhex(raw[2:])
    except ValueError as exc:
        raise _bad(path, "malformed hex") from exc


#: Longest decimal string accepted for an integer: 2**512 has 155 digits.
MAX_INT_DIGITS = 160
_DECIMAL = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}", re.ASCII)


def _from_int(raw: Any, path: str) -> int:
    """A JSON integer within +-2**53, or a decimal string of ASCII digits (one optional
    minus sign, at most :data:`MAX_INT_DIGITS` digits)."""
    if isinstance(raw, bool):
        raise _bad(path, "expected an integer")
    if isinstance(raw, int):
        if abs(raw) > JSON_SAFE_INT:
            raise _bad(path, "integers beyond 2**53 are written as decimal strings")
        return raw
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw):
        return int(raw)
    raise _bad(path, "expected an integer or a decimal string of at most 160 ASCII digits")


def from_json(tp: Any, raw: Any, path: str = "") -> Any:
    """Rebuild a value of type ``tp`` from its JSON form; raise ``vectors.bad_part`` if it
    does not have that shape."""
    inner = _optional_arg(tp)
    if inner is not None:
        return None if raw is None else from_json(inner, raw, path)
    base = _supertype(tp)
    origin = typing.get_origin(base)
    if origin in (tuple, list):
        if not isinstance(raw, list):
            raise _bad(path, "expected an array")
        (item_tp, *_rest) = typing.get_args(base)
        items = [from_json(item_tp, item, f"{path}[{i}]") for i, item in enumerate(raw)]
        return tuple(items) if origin is tuple else items
    if dataclasses.is_dataclass(base):
        return _dataclass_from_json(base, raw, path)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        try:
            return base(raw)
        except ValueError as exc:
            raise _bad(path, f"{raw!r} is not a {base.__name__}") from exc
    if base is bytes:
        return _from_hex(raw, path)
    if base is bool:
        if not isinstance(raw, bool):
            raise _bad(path, "expected a boolean")
        return raw
    if base is int:
        return _from_int(raw, path)
    if base is str:
        if not isinstance(raw, str):
            raise _bad(path, "expected a string")
        return raw
    raise TypeError(f"no JSON decoding for {tp!r}")


def _dataclass_from_json(cls: Any, raw: Any, path: str) -> Any:
    if not isinstance(raw, dict):
        raise _bad(path, f"expected an object for {cls.__name__}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise _bad(path, f"unknown fields {unknown}")
    missing = [n for n in names if n not in raw]
    if missing:
        raise _bad(path, f"missing fields {missing}")
    return cls(**{n: from_json(hints[n], raw[n], f"{path}.{n}" if path else n) for n in names})


def dumps(obj: Any) -> bytes:
    """Canonical bytes of a JSON document (already in JSON form)."""
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


# --- JSON Schema, read off the same type hints -------------------------------------------

_HEX = "^0x([0-9a-f]{2})*$"
_INT_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": -JSON_SAFE_INT, "maximum": JSON_SAFE_INT},
        {"type": "string", "pattern": "^-?[0-9]+$"},
    ]
}


def json_schema(tp: Any, int_kind: str | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12 subset) of the JSON form of type ``tp``. Integers take the
    exact kind of their field (``duskspec.vectors.schema_fields``); ``int_kind`` carries a
    field's kind down into ``T | None`` and arrays."""
    inner = _optional_arg(tp)
    if inner is not None:
        return {"anyOf": [json_schema(inner, int_kind), {"type": "null"}]}
    if tp in FIXED_LENGTHS:
        return {"type": "string", "pattern": f"^0x[0-9a-f]{{{2 * FIXED_LENGTHS[tp]}}}$"}
    base = _supertype(tp)
    origin = typing.get_origin(base)
    if origin in (tuple, list):
        return {"type": "array", "items": json_schema(typing.get_args(base)[0], int_kind)}
    if dataclasses.is_dataclass(base):
        return _object_schema(base)
    if base is int and int_kind is not None:
        return schema_fields.int_schema(int_kind)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return {"enum": [to_json(m.value) for m in base]}
    simple: dict[Any, Callable[[], dict[str, Any]]] = {
        bytes: lambda: {"type": "string", "pattern": _HEX},
        bool: lambda: {"type": "boolean"},
        int: lambda: dict(_INT_SCHEMA),
        str: lambda: {"type": "string"},
    }
    if base in simple:
        return simple[base]()
    raise TypeError(f"no JSON Schema for {tp!r}")


def _object_schema(cls: Any) -> dict[str, Any]:
    """An object with every field required and described; an integer field gets its exact
    kind, or the general integer form if ``schema_fields`` does not list it
    (``tests/test_vector_schemas.py`` fails on such a field)."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    properties = {}
    for name in names:
        listed = schema_fields.int_kind(cls.__name__, name) if _holds_int(hints[name]) else None
        schema = json_schema(hints[name], listed[0] if listed else None)
        words = f"{listed[1]} ({schema_fields.kind_text(listed[0])})" if listed else None
        properties[name] = {"description": words or _describe(hints[name]), **schema}
    described: dict[str, Any] = {"type": "object"}
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(f"{cls.__name__}("):  # not the dataclass-made signature
        described["description"] = " ".join(doc.split("\n\n")[0].split())
    return {
        **described,
        "properties": properties,
        "required": names,
        "additionalProperties": False,
    }


def _holds_int(tp: Any) -> bool:
    inner = _optional_arg(tp)
    base = _supertype(inner if inner is not None else tp)
    if typing.get_origin(base) in (tuple, list):
        return _holds_int(typing.get_args(base)[0])
    return base is int


def _describe(tp: Any) -> str:
    """A field's description read off its type, for fields ``schema_fields`` does not list."""
    inner = _optional_arg(tp)
    if inner is not None:
        return f"{_describe(inner)}, or null"
    if tp in FIXED_LENGTHS:
        return f"{tp.__name__}: {FIXED_LENGTHS[tp]} bytes, 0x-prefixed lowercase hex"
    base = _supertype(tp)
    if typing.get_origin(base) in (tuple, list):
        return f"array; each item: {_describe(typing.get_args(base)[0])}"
    if isinstance(base, type) and dataclasses.is_dataclass(base):
        return f"a {base.__name__} object"
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return f"a {base.__name__}: " + ", ".join(f"{to_json(m.value)!r} {m.name}" for m in base)
    names = {bytes: "bytes, 0x-prefixed lowercase hex", bool: "boolean", str: "string"}
    return names.get(base, "integer (spec/vectors.md §2: a JSON number up to 2^53, else a string)")
