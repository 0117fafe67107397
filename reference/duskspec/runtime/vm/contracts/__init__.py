"""Example contracts in WAT, compiled by the package at load time (spec/vm.md §7)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import wasmtime

#: The contracts shipped as WAT sources in this folder.
NAMES = ("counter", "ledger", "settlement", "token", "vault")


def source(name: str) -> str:
    """The readable WAT source of contract ``name``."""
    if name not in NAMES:
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.wat").read_text()


@cache
def bytecode(name: str) -> bytes:
    """Contract ``name`` compiled from its WAT source by ``wasmtime.wat2wasm``."""
    return bytes(wasmtime.wat2wasm(source(name)))


def ledger_query(name: str, args: bytes) -> bytes:
    """The ledger's ``query`` argument: the query's arguments, its name, the name's length."""
    raw = name.encode()
    return bytes(args) + raw + bytes([len(raw)])
