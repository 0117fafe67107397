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
    #: The tip's attestation; ``None`` only for genesis.
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
) -> None:
    """Rule 3.16 of spec/consensus.md for a block built on ``tip``, in Dusk's order
    (``verify_block_header``): generator and block signature; version, hash, height;
    timestamps; parent; seed; ``prev_block_cert``; failed iterations; then the payload root."""
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
    if header.timestamp > now + MARGIN_TIMESTAMP:
        raise ConsensusError("consensus.block_time_higher", f"{header.timestamp} > now {now}")
    if header.prev_block_hash != tip.hash:
        raise ConsensusError("consensus.prev_block_hash", header.prev_block_hash.hex()[:16])
    check_seed(header, tip, verifier)
    check_prev_block_cert(header, tip, verifier, params)
    check_failed_iterations(header, tip, provisioners, verifier, params)
    if header.txroot != payload_root(block.payload):
        raise ConsensusError("consensus.txroot_mismatch")


def check_generator(
    block: Block,
    tip: Tip,
    provisioners: tuple[Provisioner, ...],
    verifier: SignatureVerifier,
    params: ConsensusParams,
) -> None:
    """Dusk's first header rule: the generator is the one sortition expects for the block's
    round and iteration, and its signature over the block hash verifies. Emergency blocks
    (iteration 255, signed by Dusk's key) are not supported (spec/consensus.md §8)."""
    header = block.header
    if header.iteration == params.emergency_block_iteration:
        raise ConsensusError("consensus.emergency_block_unsupported")
    if header.iteration >= params.max_iterations:
        raise ConsensusError("consensus.iteration_out_of_range", str(header.iteration))
    if header.generator != expected_generator(tip, provisioners, header.iteration, params):
        raise ConsensusError("consensus.invalid_generator", f"iteration {header.iteration}")
    apk = verifier.aggregate_key((header.generator,))
    if not verifier.verify(apk, block.hash, block.signature):
        raise ConsensusError("consensus.invalid_block_signature", block.hash.hex()[:16])


def check_seed(header: Header, tip: Tip, verifier: SignatureVerifier) -> None:
    """The seed is the generator's multisig-form signature over the previous seed."""
    apk = verifier.aggregate_key((header.generator,))
    if not verifier.verify(apk, tip.seed, header.seed):
        raise ConsensusError("consensus.invalid_seed")


def check_prev_block_cert(
    header: Header, tip: Tip, verifier: SignatureVerifier, params: ConsensusParams
) -> None:
    """``prev_block_cert`` attests the tip as ``Success(Valid(tip.hash))``; genesis has none."""
    if tip.height == 0:
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
