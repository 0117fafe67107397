"""The Ledger abstraction the tests use is the package's
(:mod:`duskspec.runtime.abstraction`, spec/runtime.md §7 and §14): one function for the
tests, the node-path replay and ``duskspec simulate --trace-ledger``."""

from duskspec.runtime.abstraction import (
    MAX_INPUTS,
    LedgerNote,
    LedgerState,
    abstract,
    is_ledger_step,
    value_conserved,
)

__all__ = [
    "MAX_INPUTS",
    "LedgerNote",
    "LedgerState",
    "abstract",
    "is_ledger_step",
    "value_conserved",
]
