"""Exact integer types and descriptions for the fields of vector parts (spec/vectors.md §5).

A part's Python type says ``int``; the protocol says which integer. :data:`INT_FIELDS`
names it for every integer field a vector part carries, by field name (``Class.field``
overrides the name where one name means two things). The JSON form is the big-integer rule
of spec/vectors.md §2: an integer ``n`` with ``|n| <= 2**53`` is a JSON number, any other is
a decimal string. So:

- a kind whose values all fit 2^53 (``u8``, ``u16``, ``u32``, ``i54``) is a JSON integer
  with exact bounds, never a string;
- ``u64``, ``u128``, ``u256`` and ``uint`` are a JSON integer in ``[0, 2**53]`` or a
  decimal string of a value above 2^53 (16 to 20, 39, 78 or 160 ASCII digits, no sign,
  no leading zero).

Where an invalid case carries a value beyond the protocol type on purpose (a step of 256,
a note position of 2^64), the field's kind is the next one that holds it and its
description says so: the schema describes every committed part, valid or not.
"""

from __future__ import annotations

from typing import Any

#: The big-integer bound (``duskspec.vectors.format.JSON_SAFE_INT``).
JSON_SAFE_INT = 2**53

#: kind -> (largest value, longest decimal string, what it is).
KINDS: dict[str, tuple[int, int, str]] = {
    "u8": (2**8 - 1, 0, "unsigned 8-bit integer"),
    "u16": (2**16 - 1, 0, "unsigned 16-bit integer"),
    "u32": (2**32 - 1, 0, "unsigned 32-bit integer"),
    "u64": (2**64 - 1, 20, "unsigned 64-bit integer"),
    "u128": (2**128 - 1, 39, "unsigned 128-bit integer"),
    "u256": (2**256 - 1, 78, "unsigned integer below 2^256 (a field element or scalar)"),
    "uint": (10**160 - 1, 160, "unsigned integer of at most 160 decimal digits"),
}

#: The signed kind: a small signed integer (``-1`` is "never" for a height).
SIGNED_KINDS = {"i54": "signed integer, |n| <= 2^53"}

_FIELD = "u256", "a field element (BLS scalar)"

#: field name (or ``Class.field``) -> (kind, description).
INT_FIELDS: dict[str, tuple[str, str]] = {
    "a": ("u256", "left operand (a scalar)"),
    "b": ("u256", "right operand (a scalar)"),
    "balance": ("u64", "Moonlight balance in LUX"),
    "beta": ("u32", "Kadcast redundancy factor (peers per bucket in a broadcast)"),
    "bitset": ("u64", "StepVotes bitset: bit k set iff the k-th committee member voted"),
    "blinder": ("u256", "a blinding factor (Jubjub scalar)"),
    "blinder_a": ("u256", "first blinding factor"),
    "blinder_b": ("u256", "second blinding factor"),
    "block_fees": ("u64", "fees of the current block, in LUX"),
    "block_gas_limit": ("u64", "the block gas limit a transaction's gas limit must fit"),
    "block_height": ("u64", "block height"),
    "branch": ("u256", "a sibling in a Merkle opening (BLS scalar)"),
    "bucket": ("u8", "Kadcast bucket index (the distance's bit length minus one)"),
    "burnt": ("u64", "burnt amount, in LUX"),
    "chain_id": ("u8", "chain id of a transaction"),
    "coeffs": ("u256", "a polynomial coefficient (BLS scalar)"),
    "count": ("u32", "how many copies of the leaf the tree holds"),
    "counter": ("u64", "a contract's counter value"),
    "credits": ("u32", "committee credits (seats)"),
    "deposit": ("u64", "deposit to a contract, in LUX"),
    "depth": ("u8", "tree depth"),
    "domain": ("u64", "Poseidon domain tag"),
    "eligibility": ("u64", "first block height at which the stake is eligible"),
    "eligible_since": ("u64", "first round in which the provisioner may be drawn"),
    "eligible_from": ("u64", "first round a new stake may be drawn in"),
    "emission": ("u64", "block emission, in LUX"),
    "evict_requested_at": ("u64", "time of the eviction request, microseconds"),
    "failed_attestations": ("u8", "count of failed iterations"),
    "faults": ("u16", "soft-fault count (u8 in the protocol; 256 only in invalid cases)"),
    "fees": ("u64", "transaction fees of the block, in LUX"),
    "finalized": ("u64", "height of the last finalized block"),
    "gate_count": ("u32", "rows of a circuit's gate table (before padding)"),
    "gas_limit": ("u64", "gas limit"),
    "gas_price": ("u64", "gas price, LUX per gas"),
    "gas_spent": ("u64", "gas spent"),
    "hard_faults": ("u8", "hard-fault count"),
    "height": ("u64", "block height"),
    "index": ("u64", "an index (page, leaf or committee position)"),
    "inputs": _FIELD,
    "iteration": ("u8", "consensus iteration within a round"),
    "k": ("uint", "a scalar multiplier (below 2^256; 2^256 only in invalid cases)"),
    "kind": ("u8", "a kind tag"),
    "last_final_height": ("u64", "height of the last final block"),
    "leaf": _FIELD,
    "leaves": _FIELD,
    "local_iteration": ("u8", "the local node's iteration"),
    "locked": ("u64", "locked stake, in LUX"),
    "major": ("u8", "major version"),
    "minor": ("u8", "minor version"),
    "patch": ("u8", "patch version"),
    "max_fee": ("u64", "the transaction's maximum fee, in LUX"),
    "msg": ("u256", "the signed message (a BLS scalar)"),
    "n": ("u32", "a PLONK verifier key's domain size (a power of two, at least 16)"),
    "network_id": ("u8", "Kadcast network id"),
    "node_evict_after_us": ("u64", "eviction delay, microseconds"),
    "node_ttl_us": ("u64", "a node's time to live, microseconds"),
    "next_epoch": ("u64", "first height of the next epoch"),
    "nonce": ("u64", "account nonce"),
    "note_sk": ("u256", "the note secret key (Jubjub scalar)"),
    "note_type": ("u8", "note type: 0 transparent, 1 obfuscated"),
    "now": ("u64", "the current time, microseconds (or seconds for a header)"),
    "nullifier": ("u256", "a note nullifier (BLS scalar)"),
    "nullifiers": ("u256", "a note nullifier (BLS scalar)"),
    "op": ("u8", "stake operation: 0 stake, 1 unstake, 2 withdraw"),
    "open": ("u64", "position of the leaf to open"),
    "output_len": ("u32", "number of sponge outputs"),
    "outputs": ("u256", "an output commitment (BLS scalar)"),
    "pages": ("u32", "number of memory pages"),
    "payload_hash": ("u256", "the transaction payload hash (BLS scalar)"),
    "pni": ("u8", "previous non-attested iterations"),
    "port": ("u16", "UDP port"),
    "pos": ("uint", "note position in the tree (u64; 2^64 only in invalid cases)"),
    "position": ("u64", "a leaf position"),
    "positions": ("u8", "child position at each level of an opening"),
    "powers": ("u32", "number of powers of tau in the SRS"),
    "public_rows": ("u32", "the row of a circuit's public input, in public-input order"),
    "public_inputs": _FIELD,
    "r": ("u256", "randomness (a Jubjub scalar; t itself only in invalid cases)"),
    "ratification_bitset": ("u64", "the Ratification StepVotes bitset over the sorted committee"),
    "received_height": ("i54", "Kadcast height a message arrived with; -1 for the origin"),
    "remote_height": ("u64", "the remote block's height"),
    "remote_iteration": ("u8", "the remote block's iteration"),
    "reward": ("u64", "accumulated reward, in LUX"),
    "reward_value": ("u64", "reward, in LUX"),
    "root": ("u256", "a Merkle root (BLS scalar)"),
    "round": ("u64", "consensus round (block height)"),
    "scalar": ("u256", "a scalar"),
    "score": ("u64", "sortition score"),
    "secret_key": ("u256", "a secret key (Jubjub scalar)"),
    "seed": ("u64", "a seed"),
    "seen_at": ("u64", "time the entry was last seen, microseconds"),
    "sender_blinders": ("u256", "a sender-encryption blinder (Jubjub scalar)"),
    "sender_port": ("u16", "the sender's UDP port"),
    "severity": ("u16", "hard-slash severity (u8 in the protocol; 256 only in invalid cases)"),
    "sk": ("u256", "a secret key (scalar)"),
    "slashed": ("u64", "slashed amount, in LUX"),
    "srs_size": ("u32", "log2 of the SRS size"),
    "state": _FIELD,
    "step": ("u16", "step number (u8 in the protocol; 256 only in invalid cases)"),
    "tag": ("u64", "sponge tag"),
    "tau": ("u256", "the SRS secret tau, in the clear (test vectors only)"),
    "tip_height": ("u64", "height of the local tip"),
    "to_slash": ("u64", "explicit amount to slash, in LUX"),
    "total_credits": ("u32", "total credits of the committee"),
    "touched": ("u32", "number of pages touched"),
    "type": ("u8", "Kadcast message type"),
    "u": ("u256", "twisted Edwards u coordinate (BLS scalar)"),
    "v": ("u256", "twisted Edwards v coordinate (BLS scalar)"),
    "unsatisfied_rows": ("i54", "a failing row of the assignment (-1: variable 0 is not zero)"),
    "unassigned": ("u64", "reward left unassigned, in LUX"),
    "validation_bitset": ("u64", "the Validation StepVotes bitset over the sorted committee"),
    "value": ("u64", "an amount in LUX or an unsigned value"),
    "value_blinder": ("u256", "value-commitment blinder (Jubjub scalar)"),
    "variable_count": ("u32", "a circuit's variables, the zero variable included"),
    "vault_balance": ("u64", "the vault contract's balance in the transfer contract, in LUX"),
    "vote_kind": ("u8", "vote kind"),
    "weight": ("u64", "stake weight, in LUX"),
    "witness": _FIELD,
    "z": ("u256", "evaluation point (BLS scalar)"),
    "Challenges.beta": ("u256", "the permutation challenge β (a BLS scalar)"),
    "Challenges.gamma": ("u256", "the permutation challenge γ (a BLS scalar)"),
    "Challenges.alpha": ("u256", "the challenge α combining the identities (a BLS scalar)"),
    "Challenges.zeta": ("u256", "the evaluation point ζ (a BLS scalar)"),
    "Challenges.v": ("u256", "the challenge v batching the openings at ζ (a BLS scalar)"),
    "Challenges.v_omega": ("u256", "the challenge v_ω batching the openings at ζω"),
    "Challenges.u": ("u128", "the 128-bit challenge u weighing the two opening checks"),
    "BatchScalarPost.weight": ("u128", "the item's batch weight, lowest bit set"),
    "BatchScalarInput.index": ("u32", "the item's index in the batch"),
    "KzgOpenPost.value": _FIELD,
    "KzgVerifyInput.value": _FIELD,
    "OpeningValuePost.value": _FIELD,
    "CommitmentInput.value": ("uint", "committed value (u64; 2^256 only in invalid cases)"),
}


def int_kind(owner: str, field: str) -> tuple[str, str] | None:
    """The (kind, description) of an integer field, or ``None`` if it is not listed."""
    return INT_FIELDS.get(f"{owner}.{field}") or INT_FIELDS.get(field)


def int_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of one integer kind (spec/vectors.md §2, the big-integer rule)."""
    if kind in SIGNED_KINDS:
        return {"type": "integer", "minimum": -JSON_SAFE_INT, "maximum": JSON_SAFE_INT}
    top, digits, _what = KINDS[kind]
    if top <= JSON_SAFE_INT:
        return {"type": "integer", "minimum": 0, "maximum": top}
    return {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": JSON_SAFE_INT},
            {"type": "string", "pattern": f"^[1-9][0-9]{{15,{digits - 1}}}$"},
        ]
    }


def kind_text(kind: str) -> str:
    if kind in SIGNED_KINDS:
        return SIGNED_KINDS[kind]
    top, _digits, what = KINDS[kind]
    if top <= JSON_SAFE_INT:
        return f"{kind}: {what}, a JSON integer"
    return f"{kind}: {what}; a JSON integer up to 2^53, above it a decimal string"
