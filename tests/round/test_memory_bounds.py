"""The bounds that keep a long `duskspec simulate` run's memory flat (spec/consensus.md
rules 3.32, 11.2 and 11.3; spec/crypto.md C17.1): each bound holds, the state just beyond
it is dropped, and dropping changes no result."""

from __future__ import annotations

from duskspec.consensus import verification
from duskspec.consensus.constants import PRESETS
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import StepName, generator, voting_committee
from duskspec.consensus.verification import SignatureVerifier, cached_committee, cached_generator
from duskspec.crypto import bls
from duskspec.crypto.floor import FloorMeter, metering

TINY = PRESETS["tiny"]


def test_verifier_generations_drop_what_went_unused_and_keep_verdicts() -> None:
    verifier = SignatureVerifier()
    secret, public = bls.keygen(b"duskspec-memory/verifier")
    apk = verifier.aggregate_key((public,))
    used = bls.sign_multisig(secret, public, b"used")
    unused = bls.sign_multisig(secret, public, b"unused")
    assert verifier.verify(apk, b"used", used) and verifier.verify(apk, b"unused", unused)
    assert verifier.memo_entries == 3 and verifier.verifications == 2
    verifier.advance()
    assert verifier.verify(verifier.aggregate_key((public,)), b"used", used)  # carried on
    assert verifier.verifications == 2  # answered from the previous generation
    verifier.advance()
    # Two generations without a use: "unused" is gone, "used" and the key are kept.
    assert verifier.memo_entries == 2
    assert verifier.verify(apk, b"unused", unused)  # the same verdict, computed again
    assert not verifier.verify(apk, b"unused", used)
    assert verifier.verifications == 4


def test_committee_memo_keeps_only_the_last_rounds() -> None:
    members = provisioner_set(
        [Provisioner(bls.keygen(bytes([i]))[1], TINY.minimum_stake * (i + 1), 0) for i in range(4)]
    )
    seed = bytes(48)
    for round in range(1, 8):
        committee = cached_committee(members, seed, round, 0, StepName.VALIDATION, TINY)
        assert committee == voting_committee(members, seed, round, 0, StepName.VALIDATION, TINY)
        assert cached_generator(members, seed, round, 0, TINY) == generator(
            members, seed, round, 0, TINY
        )
        rounds = {key[1] for key in verification._committees}
        assert min(rounds) >= round - verification.COMMITTEE_ROUNDS_KEPT
    # Round 1 (more than COMMITTEE_ROUNDS_KEPT below 7) was dropped; asking again recomputes
    # the same committee.
    assert all(key[1] != 1 for key in verification._committees)
    again = cached_committee(members, seed, 1, 0, StepName.VALIDATION, TINY)
    assert again == voting_committee(members, seed, 1, 0, StepName.VALIDATION, TINY)
    assert len(verification._committees) <= verification.COMMITTEE_MEMO_CAPACITY


def test_floor_meter_holds_two_generations_and_counts_older_repeats_again() -> None:
    secret, public = bls.keygen(b"duskspec-memory/meter")
    meter = FloorMeter()
    with metering(meter):
        bls.sign_multisig(secret, public, b"a")
        meter.advance()
        bls.sign_multisig(secret, public, b"a")  # seen one generation ago: a repeat
        meter.advance()
        meter.advance()
        bls.sign_multisig(secret, public, b"a")  # two generations without it: distinct
    count = meter.operations["sign_multisig"]
    assert (count.distinct, count.repeats) == (2, 1)
    assert meter.seen_entries == 1


def test_point_memos_are_bounded() -> None:
    bls.forget_weighted_keys()
    capacity = bls.POINT_MEMO_CAPACITY
    for memo in (bls._h0_point, bls._key_point, bls._signature_point):
        assert memo.cache_info().maxsize == capacity
    name = bls.backend_name()
    for i in range(capacity + 1):
        bls._h0_point(name, i.to_bytes(4, "little"))
    info = bls._h0_point.cache_info()
    assert info.currsize == capacity and info.misses == capacity + 1  # one beyond: evicted
    bls.forget_weighted_keys()
    assert bls._h0_point.cache_info().currsize == 0
