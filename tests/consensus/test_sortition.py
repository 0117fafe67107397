"""Sortition, committees and bitsets (spec/consensus.md §2) against Dusk's own tests."""

from __future__ import annotations

import hashlib

import py_arkworks_bls12381 as ark
import pytest

from duskspec.consensus import sortition
from duskspec.consensus.constants import DUSK, MAINNET, TINY
from duskspec.consensus.provisioners import (
    Provisioner,
    eligibility_from_height,
    eligibles,
    is_eligible,
    next_epoch,
    provisioner_set,
)
from duskspec.consensus.sortition import Committee, CommitteeMember, StepName
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey
from duskspec.vectors.handlers.consensus import (
    DUSK_TEST_KEYS,
    DUSK_TEST_SECRET_KEYS,
    dusk_test_provisioners,
)


def key(n: int) -> BlsPublicKey:
    return BlsPublicKey(bytes([n]) * 96)


def occurrences(committee: Committee) -> list[int]:
    return [m.credits for m in committee.members]


def test_dusk_test_keys_are_g2_public_keys_of_the_secret_keys() -> None:
    for sk_hex, pk in zip(DUSK_TEST_SECRET_KEYS, DUSK_TEST_KEYS, strict=True):
        point = ark.G2Point() * ark.Scalar.from_le_bytes(bytes.fromhex(sk_hex))
        assert bytes(point.to_compressed_bytes()) == pk


def test_score_hash_published_value() -> None:
    expected = bytes([74, 64, 238, 174, 226, 52, 11, 105, 93, 251, 204, 6, 137, 176, 14, 96])
    expected += bytes([77, 139, 92, 76, 7, 178, 38, 16, 132, 233, 13, 180, 78, 206, 204, 31])
    assert sortition.score_hash(bytes([3] * 48), 3, 1) == expected
    assert expected == hashlib.sha3_256(bytes([3] * 48) + b"\x03\x01\x00\x00\x00").digest()


@pytest.mark.parametrize(
    ("seed", "weight", "score"), [(3, 123_342_342, 80_689_917), (4, 44_443_333, 20_330_495)]
)
def test_scores_published_values(seed: int, weight: int, score: int) -> None:
    digest = sortition.score_hash(bytes([seed] * 48), 3, 1)
    assert sortition.score(digest, weight) == score


def test_deterministic_sortition_1() -> None:
    provs = provisioner_set(dusk_test_provisioners())
    committee = sortition.create_committee(provs, bytes(48), 1, 1, 64, (), MAINNET)
    assert occurrences(committee) == [4, 29, 9, 22]
    assert committee.total_credits == 64


def test_deterministic_sortition_2_and_exclusion() -> None:
    provs = provisioner_set(dusk_test_provisioners())
    seed = bytes([3] * 48)
    committee = sortition.create_committee(provs, seed, 7777, 8, 45, (), MAINNET)
    assert occurrences(committee) == [6, 13, 11, 15]
    gen = sortition.generator(provs, seed, 7777, 2, MAINNET)
    assert committee.is_member(gen)
    without = sortition.create_committee(provs, seed, 7777, 8, 45, (gen,), MAINNET)
    assert occurrences(without) == [8, 13, 24]
    assert not without.is_member(gen)


def test_the_round_is_not_hashed() -> None:
    provs = provisioner_set(dusk_test_provisioners())
    one = sortition.create_committee(provs, bytes(48), 1, 5, 64, (), MAINNET)
    other = sortition.create_committee(provs, bytes(48), 999, 5, 64, (), MAINNET)
    assert one == other


def test_step_numbers() -> None:
    assert sortition.step_number(0, StepName.PROPOSAL) == 0
    assert sortition.step_number(49, StepName.RATIFICATION) == 149
    with pytest.raises(ConsensusError, match=r"consensus\.step_out_of_range"):
        sortition.step_number(86, StepName.PROPOSAL)
    with pytest.raises(ConsensusError, match=r"consensus\.step_out_of_range"):
        sortition.score_hash(bytes(48), 256, 0)


def test_seed_length() -> None:
    with pytest.raises(ConsensusError, match=r"consensus\.seed_length"):
        sortition.score_hash(bytes(47), 0, 0)
    with pytest.raises(ConsensusError, match=r"consensus\.seed_length"):
        sortition.create_committee((), bytes(49), 1, 1, 1, (), MAINNET)


def test_no_eligible_stake() -> None:
    with pytest.raises(ConsensusError, match=r"consensus\.no_eligible_stake"):
        sortition.score(b"\x01" * 32, 0)
    late = provisioner_set([Provisioner(key(1), 2000 * DUSK, 10)])
    with pytest.raises(ConsensusError, match=r"consensus\.no_eligible_stake"):
        sortition.generator(late, bytes(48), 9, 0, MAINNET)
    assert sortition.generator(late, bytes(48), 10, 0, MAINNET) == key(1)


def test_eligibility() -> None:
    p = Provisioner(key(1), 1000 * DUSK, 5)
    assert is_eligible(p, 5, MAINNET) and not is_eligible(p, 4, MAINNET)
    poor = Provisioner(key(2), 1000 * DUSK - 1, 0)
    assert not is_eligible(poor, 100, MAINNET) and is_eligible(poor, 100, TINY)
    assert eligibles(provisioner_set([poor, p]), 5, MAINNET) == (p,)


def test_epochs() -> None:
    assert next_epoch(0, MAINNET) == 2160
    assert next_epoch(2159, MAINNET) == 2160
    assert next_epoch(2160, MAINNET) == 4320
    assert eligibility_from_height(0, MAINNET) == 4320
    assert eligibility_from_height(2159, MAINNET) == 4320
    for h in (0, 1, 2159, 2160, 10**6):
        assert 2160 < eligibility_from_height(h, MAINNET) - h <= 4320


def test_provisioner_set_validation() -> None:
    ordered = provisioner_set([Provisioner(key(2), 1, 0), Provisioner(key(1), 1, 0)])
    assert [p.public_key for p in ordered] == [key(1), key(2)]
    with pytest.raises(ConsensusError, match=r"consensus\.duplicate_provisioner"):
        provisioner_set([Provisioner(key(1), 1, 0), Provisioner(key(1), 2, 0)])
    with pytest.raises(ConsensusError, match=r"consensus\.public_key_length"):
        provisioner_set([Provisioner(BlsPublicKey(bytes(95)), 1, 0)])
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        provisioner_set([Provisioner(key(1), 2**64, 0)])


def test_lone_provisioner_is_never_excluded() -> None:
    provs = provisioner_set([Provisioner(key(1), 20 * DUSK, 0)])
    committee = sortition.voting_committee(provs, bytes(48), 1, 0, StepName.VALIDATION, TINY)
    assert committee.members == (CommitteeMember(key(1), 8),)


def test_voting_committees_exclude_both_generators() -> None:
    provs = provisioner_set([Provisioner(key(n), 20 * DUSK, 0) for n in range(1, 8)])
    seed = bytes([9] * 48)
    for iteration in range(TINY.max_iterations):
        excluded = sortition.exclusion_list(provs, seed, 1, iteration, TINY)
        assert excluded[0] == sortition.generator(provs, seed, 1, iteration, TINY)
        assert len(excluded) == (1 if iteration == TINY.max_iterations - 1 else 2)
        for step in (StepName.VALIDATION, StepName.RATIFICATION):
            committee = sortition.voting_committee(provs, seed, 1, iteration, step, TINY)
            assert committee.total_credits == 8
            assert not any(committee.is_member(k) for k in excluded)
        proposal = sortition.voting_committee(provs, seed, 1, iteration, StepName.PROPOSAL, TINY)
        assert proposal.members == (CommitteeMember(excluded[0], 1),)


def test_committee_ends_short_when_weight_runs_out() -> None:
    provs = provisioner_set([Provisioner(key(1), 10 * DUSK + DUSK // 2, 0)])
    extracted = sortition.extract_committee(provs, bytes(48), 1, 4, 100, (), TINY)
    assert len(extracted) == 11  # ten whole DUSK, then the last half DUSK


def test_zero_weight_member_can_be_landed_on() -> None:
    # Dusk compares weight >= score: a drained member (weight 0) takes a score of 0.
    assert sortition._land([0, 5], 0) == 0
    assert sortition._land([0, 5], 1) == 1
    assert sortition._land([3, 5], 3) == 0
    assert sortition._land([3, 5], 4) == 1


def test_bitset_round_trip() -> None:
    provs = provisioner_set([Provisioner(key(n), 1000 * DUSK * n, 0) for n in range(1, 11)])
    committee = sortition.create_committee(provs, bytes(48), 1, 3, 200, (), MAINNET)
    size = len(committee.members)
    for bitset in range(1 << size):
        members = sortition.intersect(committee, bitset)
        assert sortition.bits(committee, [m.public_key for m in members]) == bitset
    full = (1 << size) - 1
    assert sortition.bitset_credits(committee, full) == committee.total_credits == 200


def test_bitset_checks() -> None:
    committee = Committee((CommitteeMember(key(1), 3), CommitteeMember(key(2), 5)))
    assert sortition.bitset_credits(committee, 0b10) == 5
    assert sortition.intersect(committee, 0b110) == (CommitteeMember(key(2), 5),)
    assert sortition.check_bitset(committee, 0b11) == 0b11
    with pytest.raises(ConsensusError, match=r"consensus\.bitset_beyond_committee"):
        sortition.check_bitset(committee, 0b100)
    with pytest.raises(ConsensusError, match=r"consensus\.bitset_out_of_range"):
        sortition.intersect(committee, 1 << 64)
    with pytest.raises(ConsensusError, match=r"consensus\.bitset_out_of_range"):
        sortition.check_bitset(committee, -1)
    big = Committee(tuple(CommitteeMember(key(n), 1) for n in range(65)))
    with pytest.raises(ConsensusError, match=r"consensus\.committee_too_large"):
        sortition.bits(big, [])
    assert committee.credits_of(key(9)) == 0
