"""The consensus part of block header validation (spec/consensus.md §9; spec/sources.md §1.11).

:func:`check_header` applies the rules in Dusk's order and raises the first failure as a
:class:`ConsensusError`. Whether a Validation committee member then votes ``Invalid`` or
does not vote at all depends on the failure (``consensus/src/errors.rs::must_vote``):
:data:`INVALID_VOTE_CODES` lists the failures that earn an ``Invalid`` vote.
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.consensus.block import BLOCK_HEADER_VERSION, Block, Header
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.messages import Attestation, ConsensusHeader, Vote, VoteKind
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import generator
from duskspec.consensus.verification import CommitteeSource, SignatureVerifier, check_attestation
from duskspec.crypto.hashes import sha3_256
from duskspec.crypto.merkle import merkle_root
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, BlsSignature, Hash32

#: Seconds a header's timestamp may be ahead of the local clock (``MARGIN_TIMESTAMP``).
MARGIN_TIMESTAMP = 3

#: Failures for which a committee member votes Invalid; any other failure means no vote.
INVALID_VOTE_CODES = frozenset(
    {
        "consensus.block_time_less",
        # Dusk reports the emergency time rule as BlockTimeLess too (rule 13.3); unreachable
        # for a candidate, which is never an emergency block (rule 13.5).
        "consensus.emergency_block_too_early",
        "consensus.unsupported_version",
        "consensus.empty_hash",
        "consensus.invalid_seed",
        "consensus.invalid_prev_block_cert",
        "consensus.invalid_failed_iterations",
        "consensus.txroot_mismatch",
    }
)


@dataclass(frozen=True)
class Tip:
    """The accepted block a round builds on, with what checking its successor needs."""

    hash: Hash32
    height: int
    timestamp: int
    seed: BlsSignature
    iteration: int
    parent_hash: Hash32
    #: Seed of the tip's parent: the tip's own committees were drawn from it.
    parent_seed: BlsSignature
    #: The tip's attestation; ``None`` for genesis and for an emergency block (rule 13.4).
    attestation: Attestation | None
    #: Provisioners the tip's committees were drawn from (``ContextProvisioners.prev``).
    provisioners: tuple[Provisioner, ...]

    @property
    def consensus_header(self) -> ConsensusHeader:
        """The header the tip's own votes signed."""
        return ConsensusHeader(self.parent_hash, self.height, self.iteration)


def payload_root(payload: tuple[bytes, ...]) -> Hash32:
    """``txroot``: Merkle root of the SHA3-256 digests of the transactions."""
    return merkle_root([sha3_256(tx) for tx in payload])


def expected_generator(
    tip: Tip, provisioners: tuple[Provisioner, ...], iteration: int, params: ConsensusParams
) -> BlsPublicKey:
    return generator(provisioners, tip.seed, tip.height + 1, iteration, params)


def check_header(
    block: Block,
    tip: Tip,
    provisioners: tuple[Provisioner, ...],
    verifier: SignatureVerifier,
    params: ConsensusParams,
    now: int,
    *,
    attested: bool = False,
) -> None:
    """Rule 3.16 of spec/consensus.md for a block built on ``tip``, in Dusk's order
    (``verify_block_header``): generator and block signature; version, hash, height;
    timestamps and the emergency time rule; parent; seed; ``prev_block_cert``; with
    ``attested`` (an announced block, not a candidate) the block's own attestation; failed
    iterations; then the payload root."""
    header = block.header
    check_generator(block, tip, provisioners, verifier, params)
    if header.version != BLOCK_HEADER_VERSION:
        raise ConsensusError("consensus.unsupported_version", str(header.version))
    if block.hash == bytes(32):
        raise ConsensusError("consensus.empty_hash")
    if header.height != tip.height + 1:
        raise ConsensusError("consensus.mismatch_height", f"{header.height} after {tip.height}")
    if header.timestamp < tip.timestamp + params.minimum_block_time:
        raise ConsensusError(
            "consensus.block_time_less", f"{header.timestamp} < {tip.timestamp} + slot"
        )
    check_emergency_time(header, tip, params)
    if header.timestamp > now + MARGIN_TIMESTAMP:
        raise ConsensusError("consensus.block_time_higher", f"{header.timestamp} > now {now}")
    if header.prev_block_hash != tip.hash:
        raise ConsensusError("consensus.prev_block_hash", header.prev_block_hash.hex()[:16])
    check_seed(header, tip, verifier)
    check_prev_block_cert(header, tip, verifier, params)
    if attested:
        check_block_attestation(block, tip, provisioners, verifier, params)
    check_failed_iterations(header, tip, provisioners, verifier, params)
    if header.txroot != payload_root(block.payload):
        raise ConsensusError("consensus.txroot_mismatch")


def block_generator(
    tip: Tip, provisioners: tuple[Provisioner, ...], iteration: int, params: ConsensusParams
) -> BlsPublicKey:
    """The key a block of ``iteration`` must name as generator: the emergency key for an
    emergency block (rule 13.2), else the iteration's generator by sortition."""
    if params.is_emergency_block(iteration):
        return params.emergency_key
    if iteration >= params.max_iterations:
        raise ConsensusError("consensus.iteration_out_of_range", str(iteration))
    return expected_generator(tip, provisioners, iteration, params)


def check_generator(
    block: Block,
    tip: Tip,
    provisioners: tuple[Provisioner, ...],
    verifier: SignatureVerifier,
    params: ConsensusParams,
) -> None:
    """Dusk's first header rule: the generator is the expected one (:func:`block_generator`)
    and its signature over the block hash verifies."""
    header = block.header
    if header.generator != block_generator(tip, provisioners, header.iteration, params):
        raise ConsensusError("consensus.invalid_generator", f"iteration {header.iteration}")
    apk = verifier.aggregate_key((header.generator,))
    if not verifier.verify(apk, block.hash, block.signature):
        raise ConsensusError("consensus.invalid_block_signature", block.hash.hex()[:16])


def check_emergency_time(header: Header, tip: Tip, params: ConsensusParams) -> None:
    """Rule 13.3: an emergency block is valid only ``min_emergency_block_time`` after the tip."""
    if not params.is_emergency_block(header.iteration):
        return
    earliest = tip.timestamp + params.min_emergency_block_time
    if header.timestamp < earliest:
        raise ConsensusError(
            "consensus.emergency_block_too_early", f"{header.timestamp} < {earliest}"
        )


def check_block_attestation(
    block: Block,
    tip: Tip,
    provisioners: tuple[Provisioner, ...],
    verifier: SignatureVerifier,
    params: ConsensusParams,
) -> None:
    """An announced block carries a Success attestation of exactly this block, verified with
    this round's committees; an emergency block needs none (rule 13.4)."""
    header = block.header
    if params.is_emergency_block(header.iteration):
        return
    attestation = block.attestation
    if attestation is None:
        raise ConsensusError("consensus.block_not_attested", block.hash.hex()[:16])
    if not attestation.success or attestation.vote != Vote(VoteKind.VALID, block.hash):
        raise ConsensusError("consensus.block_not_attested", block.hash.hex()[:16])
    source = CommitteeSource(provisioners, tip.seed, header.height, params)
    check_attestation(
        verifier, source, ConsensusHeader(tip.hash, header.height, header.iteration), attestation
    )


def check_seed(header: Header, tip: Tip, verifier: SignatureVerifier) -> None:
    """The seed is the generator's multisig-form signature over the previous seed."""
    apk = verifier.aggregate_key((header.generator,))
    if not verifier.verify(apk, tip.seed, header.seed):
        raise ConsensusError("consensus.invalid_seed")


def check_prev_block_cert(
    header: Header, tip: Tip, verifier: SignatureVerifier, params: ConsensusParams
) -> None:
    """``prev_block_cert`` attests the tip as ``Success(Valid(tip.hash))``; not checked after
    genesis or after an emergency block, which have no attestation (rule 13.4)."""
    if tip.height == 0:
        return
    if params.is_emergency_block(tip.iteration):
        return
    cert = header.prev_block_cert
    if not cert.success or cert.vote != Vote(VoteKind.VALID, tip.hash):
        raise ConsensusError("consensus.invalid_prev_block_cert", "not Success(Valid(tip))")
    source = CommitteeSource(tip.provisioners, tip.parent_seed, tip.height, params)
    try:
        check_attestation(verifier, source, tip.consensus_header, cert)
    except ConsensusError as exc:
        raise ConsensusError("consensus.invalid_prev_block_cert", exc.code) from exc


def check_failed_iterations(
    header: Header,
    tip: Tip,
    provisioners: tuple[Provisioner, ...],
    verifier: SignatureVerifier,
    params: ConsensusParams,
) -> None:
    """Each entry ``i`` names iteration ``i``'s generator and is a valid Fail attestation of it."""
    if len(header.failed_iterations) > min(header.iteration, params.relax_iteration_threshold):
        raise ConsensusError("consensus.invalid_failed_iterations", "too many entries")
    source = CommitteeSource(provisioners, tip.seed, header.height, params)
    for iteration, entry in enumerate(header.failed_iterations):
        if entry is None:
            continue
        if entry.generator != expected_generator(tip, provisioners, iteration, params):
            raise ConsensusError("consensus.invalid_failed_iterations", f"generator of {iteration}")
        if entry.attestation.success:
            raise ConsensusError(
                "consensus.invalid_failed_iterations", f"{iteration} is not a Fail"
            )
        iteration_header = ConsensusHeader(tip.hash, header.height, iteration)
        try:
            check_attestation(verifier, source, iteration_header, entry.attestation)
        except ConsensusError as exc:
            raise ConsensusError("consensus.invalid_failed_iterations", exc.code) from exc
