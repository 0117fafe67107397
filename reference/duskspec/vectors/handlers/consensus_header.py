"""Header validation vectors: ``consensus/header`` for ``tiny`` and ``mainnet``
(spec/consensus.md rule 3.16).

``pre`` lists six provisioners (keys from ``duskspec.consensus.lockstep.make_keys(6, 11)``)
and the wire frame (topic Block) of the block they decided in round 1, with its Success
attestation, or (``after_emergency_*``) an emergency block of round 1: that block is the tip.
``input`` is a frame for round 2 and the local clock in seconds: a Candidate frame is checked
as a candidate (no attestation of its own), a Block frame as an announced block (its Success
attestation too, except for an emergency block, spec/consensus.md §13). ``post`` is the
block's hash when every rule holds; otherwise the case names the code of the first rule that
fails, in Dusk's order. Each rule has a valid case (the honest candidate, and boundary values
where a rule has a bound) and an invalid one. Emergency blocks are signed with the presets'
test key (``duskspec.consensus.emergency.emergency_test_keys``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block, FailedIteration, Header
from duskspec.consensus.constants import PRESETS, ConsensusParams
from duskspec.consensus.emergency import (
    build_emergency_block,
    earliest_emergency_time,
    emergency_test_keys,
)
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.header_validation import Tip, check_header, expected_generator
from duskspec.consensus.lockstep import Lockstep
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import StepName
from duskspec.consensus.verification import SignatureVerifier
from duskspec.consensus.wire import AcceptedBlock, decode_message, encode_message
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError
from duskspec.types import BlsSignature, Hash32
from duskspec.vectors.handlers.consensus_round import StakePart, honest_round
from duskspec.vectors.registry import Case, Handler


@dataclass(frozen=True)
class HeaderPre:
    provisioners: tuple[StakePart, ...]
    #: The round-1 block, attested (topic Block frame): the tip the candidate builds on.
    tip_block: bytes


@dataclass(frozen=True)
class HeaderInput:
    #: A Candidate frame for round 2.
    candidate: bytes
    #: The local clock, seconds.
    now: int


@dataclass(frozen=True)
class HeaderPost:
    block_hash: bytes


def tip_of(pre: HeaderPre, params: ConsensusParams) -> Tip:
    provisioners = provisioner_set(
        Provisioner(p.public_key, p.value, p.eligible_since) for p in pre.provisioners
    )
    genesis = genesis_tip(provisioners)
    announced = decode_message(pre.tip_block, params)
    if not isinstance(announced, AcceptedBlock):
        raise ConsensusError("consensus.not_a_block", type(announced).__name__)
    block = announced.block
    h = block.header
    return Tip(
        block.hash,
        h.height,
        h.timestamp,
        h.seed,
        h.iteration,
        genesis.hash,
        genesis.seed,
        block.attestation,
        provisioners,
    )


def run_header(params: ConsensusParams, pre: HeaderPre, inp: HeaderInput) -> HeaderPost:
    tip = tip_of(pre, params)
    message = decode_message(inp.candidate, params)
    attested = isinstance(message, AcceptedBlock)
    block = message.block if isinstance(message, AcceptedBlock) else message
    if not isinstance(block, Block):
        raise ConsensusError("consensus.not_a_candidate", type(block).__name__)
    verifier = SignatureVerifier()
    check_header(block, tip, tip.provisioners, verifier, params, inp.now, attested=attested)
    return HeaderPost(block.hash)


@dataclass(frozen=True)
class Round2:
    net: Lockstep
    pre: HeaderPre
    tip: Tip
    candidate: Block
    now: int

    def keys_of(self, iteration: int) -> rnd.NodeKeys:
        key = expected_generator(self.tip, self.net.provisioners, iteration, self.net.params)
        keys = next(c.keys for c in self.net.contexts if c.keys and c.keys.public_key == key)
        assert keys is not None
        return keys

    def other_keys(self) -> rnd.NodeKeys:
        keys = next(
            c.keys
            for c in self.net.contexts
            if c.keys and c.keys.public_key != self.candidate.header.generator
        )
        assert keys is not None
        return keys


def round2(params: ConsensusParams) -> Round2:
    net = honest_round(params)
    first = net.decided[0].block
    pre = HeaderPre(
        tuple(StakePart(p.public_key, p.value, p.eligible_since) for p in net.provisioners),
        encode_message(AcceptedBlock(first)),
    )
    tip = tip_of(pre, params)
    state = rnd.RoundState(tip, 0, StepName.PROPOSAL, 0, (0, 0, 0))
    key = expected_generator(tip, net.provisioners, 0, params)
    ctx = next(c for c in net.contexts if c.keys and c.keys.public_key == key)
    now = (first.header.timestamp + params.minimum_block_time) * 1000
    return Round2(net, pre, tip, rnd.build_candidate(state, ctx, now), now // 1000)


def signed(keys: rnd.NodeKeys, header: Header) -> Block:
    return Block(header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash))


def header_cases(params: ConsensusParams) -> Iterator[Case]:
    r = round2(params)
    honest = r.candidate.header
    gen = r.keys_of(0)

    def case(
        name: str,
        description: str,
        block: Block | AcceptedBlock,
        code: str | None,
        now: int = r.now,
    ) -> Case:
        return Case(
            name,
            description,
            HeaderInput(encode_message(block), now),
            pre=r.pre,
            expected_error=code,
        )

    def changed(**fields: object) -> Block:
        return signed(gen, dataclasses.replace(honest, **fields))  # type: ignore[arg-type]

    yield case("valid_honest", "the generator's candidate for round 2", r.candidate, None)
    # rule 1: generator and block signature
    other = r.other_keys()
    usurped = dataclasses.replace(honest, generator=other.public_key)
    yield case(
        "invalid_generator",
        "signed by a provisioner that is not the generator",
        signed(other, usurped),
        "consensus.invalid_generator",
    )
    forged = dataclasses.replace(
        r.candidate,
        signature=bls.sign_multisig(other.secret_key, other.public_key, r.candidate.hash),
    )
    yield case(
        "invalid_block_signature",
        "the right generator, the block signed by another key",
        forged,
        "consensus.invalid_block_signature",
    )
    yield case(
        "zero_block_signature",
        "the right generator, 48 zero bytes as signature",
        dataclasses.replace(r.candidate, signature=BlsSignature(bytes(48))),
        "consensus.invalid_block_signature",
    )
    yield case(
        "iteration_out_of_range",
        "iteration max_iterations: past the round",
        changed(iteration=params.max_iterations),
        "consensus.iteration_out_of_range",
    )
    yield case(
        "emergency_iteration_by_generator",
        "iteration 255 generated and signed by the round's generator, not the emergency key",
        changed(iteration=params.emergency_block_iteration),
        "consensus.invalid_generator",
    )
    # iteration 1 under its own generator, with iteration 0's slot empty: valid
    gen1 = r.keys_of(1)
    seed1 = bls.sign_multisig(gen1.secret_key, gen1.public_key, r.tip.seed)
    at_one = dataclasses.replace(
        honest, iteration=1, generator=gen1.public_key, seed=seed1, failed_iterations=(None,)
    )
    yield case(
        "valid_iteration_1",
        "iteration 1 by its generator, no Fail attestation",
        signed(gen1, at_one),
        None,
    )
    # rule 2: version, hash, height
    yield case(
        "unsupported_version", "version 2", changed(version=2), "consensus.unsupported_version"
    )
    yield case(
        "mismatch_height", "height 7 after height 1", changed(height=7), "consensus.mismatch_height"
    )
    # rule 3: timestamps
    slot = r.tip.timestamp + params.minimum_block_time
    yield case(
        "valid_timestamp_at_slot",
        "timestamp = tip + minimum block time",
        changed(timestamp=slot),
        None,
    )
    yield case(
        "block_time_less",
        "one second before the slot",
        changed(timestamp=slot - 1),
        "consensus.block_time_less",
    )
    yield case(
        "valid_timestamp_at_margin", "timestamp = now + 3", changed(timestamp=r.now + 3), None
    )
    yield case(
        "block_time_higher",
        "timestamp = now + 4",
        changed(timestamp=r.now + 4),
        "consensus.block_time_higher",
    )
    # rule 5: parent
    yield case(
        "prev_block_hash",
        "another parent",
        changed(prev_block_hash=Hash32(sha3_256(b"elsewhere"))),
        "consensus.prev_block_hash",
    )
    # rule 6: seed
    yield case(
        "invalid_seed",
        "the seed signs another message",
        changed(seed=bls.sign_multisig(gen.secret_key, gen.public_key, b"other")),
        "consensus.invalid_seed",
    )
    # rule 7: prev_block_cert
    cert = honest.prev_block_cert
    thin = dataclasses.replace(cert, ratification=dataclasses.replace(cert.ratification, bitset=1))
    yield case(
        "invalid_prev_block_cert",
        "the tip's attestation with one Ratification voter",
        changed(prev_block_cert=thin),
        "consensus.invalid_prev_block_cert",
    )
    yield case(
        "prev_block_cert_empty",
        "an empty prev_block_cert on an attested tip (only an emergency tip allows it)",
        changed(prev_block_cert=rnd.GENESIS_CERT),
        "consensus.invalid_prev_block_cert",
    )
    # rule 9: failed iterations
    fake = FailedIteration(rnd.GENESIS_CERT, gen1.public_key)
    yield case(
        "invalid_failed_iterations",
        "iteration 1 with an empty Fail attestation of 0",
        signed(gen1, dataclasses.replace(at_one, failed_iterations=(fake,))),
        "consensus.invalid_failed_iterations",
    )
    yield case(
        "too_many_failed_iterations",
        "iteration 0 with one failed-iteration entry",
        changed(failed_iterations=(None,)),
        "consensus.invalid_failed_iterations",
    )
    # payload root (a Candidate-message rule, checked last)
    yield case(
        "txroot_mismatch",
        "a txroot over a transaction the block does not carry",
        changed(txroot=Hash32(sha3_256(b"tx"))),
        "consensus.txroot_mismatch",
    )
    # rule 8: an announced block carries its Success attestation
    yield case(
        "block_not_attested",
        "the honest candidate announced as a Block without an attestation",
        AcceptedBlock(r.candidate),
        "consensus.block_not_attested",
    )
    yield from emergency_cases(params, r)


def emergency_cases(params: ConsensusParams, r: Round2) -> Iterator[Case]:
    """Rules 13.1-13.4: an emergency block on the round-1 tip, each rule valid and broken,
    announced as a Block (no attestation needed); then a round-2 block on an emergency tip."""
    keys = emergency_test_keys()
    earliest = earliest_emergency_time(r.tip, params)
    block = build_emergency_block(r.tip, keys, earliest, params)

    def case(name: str, description: str, message: Block, code: str | None) -> Case:
        return Case(
            name,
            description,
            HeaderInput(encode_message(AcceptedBlock(message)), message.header.timestamp),
            pre=r.pre,
            expected_error=code,
        )

    def changed(**fields: object) -> Block:
        return signed(keys, dataclasses.replace(block.header, **fields))  # type: ignore[arg-type]

    yield case(
        "emergency_valid_at_earliest",
        f"signed by the emergency key at tip + {params.min_emergency_block_time} s, no attestation",
        block,
        None,
    )
    # rule 13.2: the emergency key generates and signs it
    forger = r.other_keys()
    yield case(
        "emergency_wrong_key",
        "an emergency block generated and signed by a provisioner's key",
        build_emergency_block(r.tip, forger, earliest, params),
        "consensus.invalid_generator",
    )
    yield case(
        "emergency_forged_signature",
        "the emergency key as generator, the block signed by another key",
        dataclasses.replace(
            block, signature=bls.sign_multisig(forger.secret_key, forger.public_key, block.hash)
        ),
        "consensus.invalid_block_signature",
    )
    # rule 13.3: the time rule
    yield case(
        "emergency_too_early",
        "one second before tip + min_emergency_block_time",
        changed(timestamp=earliest - 1),
        "consensus.emergency_block_too_early",
    )
    yield case(
        "emergency_valid_later",
        "an hour after the earliest time",
        changed(timestamp=earliest + 3600),
        None,
    )
    # the other header rules still hold for it
    yield case(
        "emergency_invalid_seed",
        "the emergency key's seed over another message",
        changed(seed=bls.sign_multisig(keys.secret_key, keys.public_key, b"other")),
        "consensus.invalid_seed",
    )
    yield case(
        "emergency_invalid_prev_block_cert",
        "an emergency block on an attested tip with an empty prev_block_cert",
        changed(prev_block_cert=rnd.GENESIS_CERT),
        "consensus.invalid_prev_block_cert",
    )
    relax = params.relax_iteration_threshold
    yield case(
        "emergency_failed_iterations_at_cap",
        f"{relax} empty failed-iteration entries (the cap)",
        changed(failed_iterations=(None,) * relax),
        None,
    )
    fake = FailedIteration(rnd.GENESIS_CERT, keys.public_key)
    yield case(
        "emergency_invalid_failed_iterations",
        "an empty Fail attestation as iteration 0's entry",
        changed(failed_iterations=(fake,)),
        "consensus.invalid_failed_iterations",
    )
    yield from after_emergency_cases(params, r)


def after_emergency_cases(params: ConsensusParams, r: Round2) -> Iterator[Case]:
    """Rule 13.4: on an emergency tip (height 1, on genesis) the round-2 candidate's
    ``prev_block_cert`` is not checked; the same empty cert on an attested tip is refused
    (``emergency_invalid_prev_block_cert``)."""
    genesis = genesis_tip(r.tip.provisioners)
    emergency = build_emergency_block(
        genesis, emergency_test_keys(), earliest_emergency_time(genesis, params), params
    )
    pre = dataclasses.replace(r.pre, tip_block=encode_message(AcceptedBlock(emergency)))
    tip = tip_of(pre, params)
    state = rnd.RoundState(tip, 0, StepName.PROPOSAL, 0, (0, 0, 0))
    key = expected_generator(tip, r.net.provisioners, 0, params)
    ctx = next(c for c in r.net.contexts if c.keys and c.keys.public_key == key)
    now = tip.timestamp + params.minimum_block_time
    candidate = rnd.build_candidate(state, ctx, now * 1000)
    yield Case(
        "after_emergency_valid",
        "round 2 on an emergency block: Dusk's empty prev_block_cert is not checked",
        HeaderInput(encode_message(candidate), now),
        pre=pre,
    )
    assert ctx.keys is not None
    seed = bls.sign_multisig(ctx.keys.secret_key, ctx.keys.public_key, r.tip.seed)
    stale = signed(ctx.keys, dataclasses.replace(candidate.header, seed=seed))
    yield Case(
        "after_emergency_invalid_seed",
        "round 2 on an emergency block, the seed signed over another block's seed",
        HeaderInput(encode_message(stale), now),
        pre=pre,
        expected_error="consensus.invalid_seed",
    )


def _handlers(params: ConsensusParams) -> tuple[Handler, ...]:
    def header(pre: HeaderPre, inp: HeaderInput) -> HeaderPost:
        return run_header(params, pre, inp)

    header.__qualname__ = "run_header"
    return (
        Handler(
            params.name,
            "consensus",
            "header",
            "header validation of a round-2 candidate, rules in Dusk's order",
            HeaderInput,
            HeaderPost,
            header,
            lambda: header_cases(params),
            pre_type=HeaderPre,
        ),
    )


HANDLERS: tuple[Handler, ...] = tuple(h for p in PRESETS.values() for h in _handlers(p))
