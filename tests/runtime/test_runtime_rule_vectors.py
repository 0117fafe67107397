"""Every runtime rule has an invalid vector (spec/runtime.md §11): each ``runtime.*`` code the
transaction, stake, block and withdraw rules name (spec/transactions.md §8 and §11,
spec/runtime.md §5, §6, §10, §11) is the ``expected_error`` of at least one committed case of
``tiny/runtime``. The two codes no transaction's bytes can reach are exempt, with the test
that refuses them."""

from __future__ import annotations

import json
import re

from duskspec import paths

EXEMPT = {
    # a contract calling a node-only function: tests/runtime/test_runtime_genesis_vm.py
    "runtime.node_only",
    # transfer.refund outside a transaction: only the node can make that call
    "runtime.no_transaction",
}
CODE = re.compile(r"`(runtime\.[a-z_]+)`")


def _rule_codes() -> set[str]:
    """Codes named by spec/runtime.md and by spec/transactions.md §7-§11 (notes and
    transaction rules; §1-§6 and §12 are the transfer circuit's, with vectors of their own
    in ``tiny/phoenix_circuit``)."""
    transactions = (paths.REPO_ROOT / "spec/transactions.md").read_text()
    runtime = (paths.REPO_ROOT / "spec/runtime.md").read_text()
    text = runtime + transactions[transactions.index("## 7.") : transactions.index("## 12.")]
    return {c for c in CODE.findall(text) if not c.startswith("runtime.vm_")}


def _vector_codes() -> set[str]:
    found = set()
    for meta in (paths.VECTORS_DIR / "tiny" / "runtime").glob("*/*/meta.json"):
        code = json.loads(meta.read_text()).get("expected_error")
        if code:
            found.add(code)
    return found


def test_every_runtime_rule_has_an_invalid_vector() -> None:
    rules = _rule_codes()
    assert len(rules) >= 35  # the sections were read
    assert rules - EXEMPT - _vector_codes() == set()


def test_the_exempt_codes_are_rules() -> None:
    assert _rule_codes() >= EXEMPT
