"""Provisioners: the stake set sortition draws from (spec/consensus.md §2).

A provisioner set is a tuple of :class:`Provisioner` sorted by public-key bytes, with no
key twice: the order of Dusk's ``BTreeMap<PublicKey, Stake>``, which compares the 96-byte
compressed G2 encodings. Keys are opaque bytes here; sortition never needs curve math.
Only the stake ``value`` weighs in sortition (locked stake does not).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from duskspec.consensus.constants import ConsensusParams
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey

#: Length of a compressed BLS12-381 G2 public key.
PUBLIC_KEY_LENGTH = 96

#: Largest u64: stake values and heights are u64 in Dusk.
U64_MAX = 2**64 - 1


@dataclass(frozen=True)
class Provisioner:
    """A staker as consensus sees it: its key, stake value (LUX) and first eligible round."""

    public_key: BlsPublicKey
    value: int
    eligible_since: int


def check_public_key(public_key: bytes) -> BlsPublicKey:
    if len(public_key) != PUBLIC_KEY_LENGTH:
        got = len(public_key)
        raise ConsensusError("consensus.public_key_length", f"expected 96 bytes, got {got}")
    return BlsPublicKey(bytes(public_key))


def check_u64(value: int, what: str) -> int:
    if not 0 <= value <= U64_MAX:
        raise ConsensusError("consensus.value_out_of_range", f"{what} {value} is not a u64")
    return value


def provisioner_set(members: Iterable[Provisioner]) -> tuple[Provisioner, ...]:
    """Validate ``members`` and return them in public-key order."""
    ordered = sorted(members, key=lambda p: p.public_key)
    for p in ordered:
        check_public_key(p.public_key)
        check_u64(p.value, "stake value")
        check_u64(p.eligible_since, "eligible_since")
    for before, after in itertools.pairwise(ordered):
        if before.public_key == after.public_key:
            raise ConsensusError("consensus.duplicate_provisioner", before.public_key.hex()[:16])
    return tuple(ordered)


def is_eligible(p: Provisioner, round: int, params: ConsensusParams) -> bool:
    """``Provisioners::eligibles``: matured by ``round`` and at least the minimum stake."""
    return p.eligible_since <= round and p.value >= params.minimum_stake


def eligibles(
    provisioners: tuple[Provisioner, ...], round: int, params: ConsensusParams
) -> tuple[Provisioner, ...]:
    """The provisioners eligible at ``round``, still in public-key order."""
    return tuple(p for p in provisioners if is_eligible(p, round, params))


def next_epoch(height: int, params: ConsensusParams) -> int:
    """First height of the epoch after the one holding ``height`` (``core::stake::next_epoch``);
    a height on an epoch boundary moves a whole epoch ahead."""
    return height + (params.epoch - height % params.epoch)


def eligibility_from_height(height: int, params: ConsensusParams) -> int:
    """First round a stake created at ``height`` may join committees: the next epoch plus
    one full epoch, i.e. between 1 and 2 epochs later (``StakeAmount::eligibility_from_height``)."""
    return next_epoch(height, params) + params.epoch
