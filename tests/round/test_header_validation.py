"""Header validation (spec/consensus.md §9): each rule on a real round-2 candidate."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block, FailedIteration, Header
from duskspec.consensus.header_validation import (
    INVALID_VOTE_CODES,
    Tip,
    check_header,
    expected_generator,
)
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError
from duskspec.types import BlsSignature, Hash32
from support.lockstep import TINY, Lockstep


@dataclasses.dataclass(frozen=True)
class Setup:
    net: Lockstep
    tip: Tip
    candidate: Block
    generator: rnd.NodeKeys
    now: int


@pytest.fixture(scope="module")
def setup(keys6: list[rnd.NodeKeys]) -> Setup:
    net = Lockstep(keys6)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    first = net.decided[0].block
    h = first.header
    tip = Tip(
        first.hash,
        h.height,
        h.timestamp,
        h.seed,
        h.iteration,
        net.tip.hash,
        net.tip.seed,
        first.attestation,
        net.provisioners,
    )
    ctx0 = net.contexts[0]
    state = rnd.RoundState(tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    key = rnd.iteration_generator(state, ctx0, 0)
    index = next(i for i, c in enumerate(net.contexts) if c.keys and c.keys.public_key == key)
    keys = net.contexts[index].keys
    assert keys is not None
    now = (h.timestamp + TINY.minimum_block_time) * 1000
    candidate = rnd.build_candidate(state, net.contexts[index], now)
    return Setup(net, tip, candidate, keys, now)


def resign(setup: Setup, header: Header) -> Block:
    keys = setup.generator
    return Block(header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash))


def failure(setup: Setup, block: Block) -> str:
    with pytest.raises(ConsensusError) as info:
        check_header(
            block, setup.tip, setup.net.provisioners, setup.net.verifier, TINY, setup.now // 1000
        )
    return info.value.code


def changed(setup: Setup, **fields: object) -> Block:
    return resign(setup, dataclasses.replace(setup.candidate.header, **fields))  # type: ignore[arg-type]


def test_the_honest_candidate_passes(setup: Setup) -> None:
    check_header(
        setup.candidate,
        setup.tip,
        setup.net.provisioners,
        setup.net.verifier,
        TINY,
        setup.now // 1000,
    )


@pytest.mark.parametrize(
    ("fields", "expected", "earns_invalid_vote"),
    [
        ({"version": 2}, "consensus.unsupported_version", True),
        ({"height": 7}, "consensus.mismatch_height", False),
        ({"prev_block_hash": Hash32(sha3_256(b"elsewhere"))}, "consensus.prev_block_hash", False),
        ({"timestamp": 1}, "consensus.block_time_less", True),
        ({"timestamp": 10_000}, "consensus.block_time_higher", False),
        ({"txroot": Hash32(sha3_256(b"tx"))}, "consensus.txroot_mismatch", True),
    ],
)
def test_each_field_rule(
    setup: Setup, fields: dict[str, object], expected: str, earns_invalid_vote: bool
) -> None:
    assert failure(setup, changed(setup, **fields)) == expected
    assert (expected in INVALID_VOTE_CODES) == earns_invalid_vote


def test_seed_must_sign_the_previous_seed(setup: Setup) -> None:
    keys = setup.generator
    wrong = bls.sign_multisig(keys.secret_key, keys.public_key, b"another seed")
    assert failure(setup, changed(setup, seed=wrong)) == "consensus.invalid_seed"


def test_prev_block_cert_must_attest_the_tip(setup: Setup) -> None:
    cert = setup.candidate.header.prev_block_cert
    thin = dataclasses.replace(cert, ratification=dataclasses.replace(cert.ratification, bitset=1))
    assert (
        failure(setup, changed(setup, prev_block_cert=thin)) == "consensus.invalid_prev_block_cert"
    )
    assert (
        failure(setup, changed(setup, prev_block_cert=rnd.GENESIS_CERT))
        == "consensus.invalid_prev_block_cert"
    )


def test_failed_iterations_are_bounded_and_checked(setup: Setup) -> None:
    fake = FailedIteration(rnd.GENESIS_CERT, setup.generator.public_key)
    assert (
        failure(setup, changed(setup, failed_iterations=(fake,)))
        == "consensus.invalid_failed_iterations"
    )
    at_one = generated(
        setup, dataclasses.replace(setup.candidate.header, iteration=1, failed_iterations=(fake,))
    )
    assert failure(setup, at_one) == "consensus.invalid_failed_iterations"


def generated(setup: Setup, header: Header) -> Block:
    """``header`` under the expected generator of its iteration, signed by it."""
    key = expected_generator(setup.tip, setup.net.provisioners, header.iteration, TINY)
    keys = next(c.keys for c in setup.net.contexts if c.keys and c.keys.public_key == key)
    seed = bls.sign_multisig(keys.secret_key, keys.public_key, setup.tip.seed)
    header = dataclasses.replace(header, generator=key, seed=seed)
    return Block(header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash))


def test_the_generator_must_be_the_expected_one(setup: Setup) -> None:
    impostor = next(
        c.keys
        for c in setup.net.contexts
        if c.keys and c.keys.public_key != setup.candidate.header.generator
    )
    assert impostor is not None
    header = dataclasses.replace(setup.candidate.header, generator=impostor.public_key)
    block = Block(header, bls.sign_multisig(impostor.secret_key, impostor.public_key, header.hash))
    assert failure(setup, block) == "consensus.invalid_generator"
    assert "consensus.invalid_generator" not in INVALID_VOTE_CODES  # Dusk: no vote


def test_the_block_signature_must_verify(setup: Setup) -> None:
    other = next(
        c.keys
        for c in setup.net.contexts
        if c.keys and c.keys.public_key != setup.candidate.header.generator
    )
    assert other is not None
    forged = dataclasses.replace(
        setup.candidate,
        signature=bls.sign_multisig(other.secret_key, other.public_key, setup.candidate.hash),
    )
    assert failure(setup, forged) == "consensus.invalid_block_signature"
    garbage = dataclasses.replace(setup.candidate, signature=BlsSignature(bytes(48)))
    assert failure(setup, garbage) == "consensus.invalid_block_signature"
    assert "consensus.invalid_block_signature" not in INVALID_VOTE_CODES


def test_iterations_past_the_round_and_emergency_blocks_are_refused(setup: Setup) -> None:
    """Iteration 255 under a provisioner's key: an emergency block must name the emergency
    key (rule 13.2; tests/round/test_emergency.py builds valid ones)."""
    for iteration, code in (
        (TINY.max_iterations, "consensus.iteration_out_of_range"),
        (TINY.emergency_block_iteration, "consensus.invalid_generator"),
    ):
        assert failure(setup, changed(setup, iteration=iteration)) == code


def test_the_generator_rule_comes_first_as_in_dusk(setup: Setup) -> None:
    """A block wrong in every field reports the generator rule."""
    impostor = next(
        c.keys
        for c in setup.net.contexts
        if c.keys and c.keys.public_key != setup.candidate.header.generator
    )
    assert impostor is not None
    header = dataclasses.replace(
        setup.candidate.header, generator=impostor.public_key, version=9, height=99, timestamp=1
    )
    assert failure(setup, Block(header, BlsSignature(bytes(48)))) == "consensus.invalid_generator"


def test_the_empty_hash_rule_is_an_invalid_vote() -> None:
    assert "consensus.empty_hash" in INVALID_VOTE_CODES
