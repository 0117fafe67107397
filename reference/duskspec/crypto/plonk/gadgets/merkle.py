"""An opening of the Poseidon notes tree in the circuit (spec/crypto.md §13.2, rule 13.11),
matching :func:`duskspec.crypto.merkle_poseidon.verify_opening`.

From the leaf up, each level holds the node's four items (private) and a one-hot selector
``e_0..e_3`` (four booleans summing to 1, five rows) that marks the running value's place:
``Σ e_j·item_j = running`` (four product rows). The level's items then hash under the
``Merkle4`` domain into the next running value; the last one is the root. Per level:
9 rows plus one Poseidon permutation.
"""

from __future__ import annotations

from collections.abc import Sequence

from duskspec.crypto import poseidon
from duskspec.crypto.merkle_poseidon import ARITY
from duskspec.crypto.plonk.builder import Builder, Linear, Witness
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.gadgets.boolean import append_boolean
from duskspec.crypto.sparse_merkle import Opening
from duskspec.errors import CryptoError


def _assert_selected(
    builder: Builder, items: Sequence[Witness], index: int, running: Witness
) -> None:
    """``items[index] == running`` with ``index`` hidden behind a one-hot selector."""
    selector = [append_boolean(builder, int(j == index)) for j in range(ARITY)]
    builder.assert_zero(Linear(tuple((e, 1) for e in selector), -1))
    acc: Witness | None = None
    for j, (e, item) in enumerate(zip(selector, items, strict=True)):
        lc = Linear() if acc is None else Linear.of(acc)
        if j == ARITY - 1:
            assert acc is not None
            builder.append_gate(a=e, b=item, c=running, d=acc, q_m=1, q_o=-1, q_4=1)
        else:
            acc = builder.product(e, item, 1, lc)


def opening_root(builder: Builder, leaf: Witness, opening: Opening[int]) -> Witness:
    """The root the opening's path computes from ``leaf`` (private branch and positions).
    The caller binds it to the expected root (a public input)."""
    if not opening.branch or len(opening.branch) != len(opening.positions):
        raise CryptoError("crypto.merkle_opening_shape", "an opening has one index per level")
    tag = poseidon.tag(ARITY, 1, poseidon.Domain.MERKLE4)
    running = leaf
    for level, index in zip(reversed(opening.branch), reversed(opening.positions), strict=True):
        if len(level) != ARITY or not 0 <= index < ARITY:
            raise CryptoError("crypto.merkle_opening_shape", f"a level has {ARITY} items")
        items = [builder.append_witness(item) for item in level]
        _assert_selected(builder, items, index, running)
        running = poseidon_gadget.sponge(builder, tag, items)[0]
    return running
