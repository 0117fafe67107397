"""The allow-list circuit: the sender's key is a leaf of the issuer's tree (spec/vm.md §10).

The token contract (``runtime/vm/contracts/token.wat``) moves funds out of an account only on
a PLONK proof of this circuit. The issuer's allow-list is a Poseidon Merkle tree of arity 4
(:mod:`duskspec.crypto.merkle_poseidon`) whose leaves are ``leaf(sk) = Poseidon(Other, [sk])``
for the members' secret keys ``sk``; an account is owned by the tag
``tag(sk) = Poseidon(Other, [sk, 1])``. With the private witness ``sk`` and the Merkle
opening (the sibling items and the position at each level), the circuit proves

    A1  root      = the root the opening computes from leaf(sk)     (public input 0)
    A2  from_tag  = tag(sk)                                          (public input 1)
    A3  to_tag    = the recipient account's tag                      (public input 2)
    A4  message   = from ‖ to ‖ amount ‖ nonce packed in one scalar  (public input 3)

A3 and A4 are carried by the public-input polynomial (rows ``PI - a = 0``): the verifier
rebuilds that polynomial from the values the contract supplies, so a proof made for one
recipient, amount or nonce fails for any other (:func:`message` says the packing). The
opening's positions enter only through one-hot selectors, so the leaf's position stays
hidden; the verifier learns the four public inputs and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from duskspec.crypto import merkle_poseidon, poseidon
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.gadgets.merkle import opening_root
from duskspec.crypto.sparse_merkle import Opening
from duskspec.runtime.circuits.proof_cache import prove_cached

#: The example allow-list's depth (16 leaves): tests, vectors and benchmarks.
EXAMPLE_DEPTH = 2

#: SRS and prover seeds of the example proofs (INSECURE test SRS: the seed reveals τ).
SRS_SEED = b"allowlist example"
PROVER_SEED = b"allowlist example proof"


def leaf(secret_key: int) -> int:
    """``Poseidon(Other, [sk])``: what the issuer puts in its tree."""
    return poseidon.hash(poseidon.Domain.OTHER, [secret_key])


def tag(secret_key: int) -> int:
    """``Poseidon(Other, [sk, 1])``: the tag of the accounts ``sk`` owns."""
    return poseidon.hash(poseidon.Domain.OTHER, [secret_key, 1])


def message(sender: int, recipient: int, amount: int, nonce: int) -> int:
    """The transfer as one scalar: bytes ``from u8 ‖ to u8 ‖ amount u64 ‖ nonce u64`` read as
    a little-endian integer (18 bytes, below r): what token.wat writes as public input 3."""
    raw = bytes([sender, recipient]) + amount.to_bytes(8, "little") + nonce.to_bytes(8, "little")
    return int.from_bytes(raw, "little")


def allowlist_circuit(
    secret_key: int, opening: Opening[int], root: int, to_tag: int, transfer: int
) -> Builder:
    """The circuit with this witness. ``root`` is the public root the opening must reach: a
    key outside the tree leaves the circuit unsatisfied (the prover refuses it)."""
    builder = Builder()
    public_root = builder.append_public(root)
    from_tag = builder.append_public(tag(secret_key))
    builder.append_public(to_tag)
    builder.append_public(transfer)
    sk = builder.append_witness(secret_key)
    domain = poseidon.Domain.OTHER
    member = poseidon_gadget.hash(builder, domain, [sk])
    builder.assert_equal(opening_root(builder, member, opening), public_root)
    one = builder.append_constant(1)
    builder.assert_equal(poseidon_gadget.hash(builder, domain, [sk, one]), from_tag)
    return builder


def allowlist_tree(secret_keys: Sequence[int], depth: int) -> merkle_poseidon.PoseidonTree:
    """The issuer's tree with ``leaf(sk)`` of each key in order."""
    tree = merkle_poseidon.empty_tree(depth)
    for key in secret_keys:
        tree = tree.append(leaf(key))
    return tree


@dataclass(frozen=True)
class AllowlistProof:
    """A proof and the public inputs the token's ``transfer`` rebuilds."""

    verifier_key: bytes
    proof: bytes
    public_inputs: tuple[int, ...]


def prove_transfer(
    secret_key: int,
    opening: Opening[int],
    root: int,
    to_tag: int,
    transfer: int,
) -> AllowlistProof:
    """A proof (memoized on disk by content hash: tests, vectors, benchmarks only)."""
    cs, witness, public = allowlist_circuit(secret_key, opening, root, to_tag, transfer).compile()
    vk, proof = prove_cached(cs, witness, public, srs_seed=SRS_SEED, prover_seed=PROVER_SEED)
    return AllowlistProof(vk, proof, public)


# --- the example world (tests, vectors, benchmarks) -----------------------------------------

#: Members' secret keys (index = leaf position) and an outsider's.
EXAMPLE_KEYS = (0x1111, 0x2222, 0x3333, 0x4444, 0x5555)
OUTSIDER_KEY = 0x9999

#: The example transfer: member 2 (the sender, tag(0x3333)) owns account 0 and sends
#: ``EXAMPLE_AMOUNT`` to account 1, owned by member 4, at nonce 0.
EXAMPLE_SENDER = 2
EXAMPLE_RECIPIENT_KEY = 4
EXAMPLE_AMOUNT = 250


@cache
def example_tree() -> merkle_poseidon.PoseidonTree:
    return allowlist_tree(EXAMPLE_KEYS, EXAMPLE_DEPTH)


@cache
def example_proof() -> AllowlistProof:
    """Member 2's proof for the example transfer (account 0 -> 1, nonce 0)."""
    tree = example_tree()
    key = EXAMPLE_KEYS[EXAMPLE_SENDER]
    to_tag = tag(EXAMPLE_KEYS[EXAMPLE_RECIPIENT_KEY])
    transfer = message(0, 1, EXAMPLE_AMOUNT, 0)
    return prove_transfer(key, tree.opening(EXAMPLE_SENDER), tree.root(), to_tag, transfer)
