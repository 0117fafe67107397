"""Emergency blocks (spec/consensus.md §13; spec/sources.md §1.10).

When every iteration of a round has failed, the holder of the emergency key (Dusk's
``DUSK_CONSENSUS_KEY``; here ``ConsensusParams.emergency_key``) may produce the block of the
round itself: iteration 255, generated and signed by that key, with no attestation, valid
only ``min_emergency_block_time`` seconds after the tip. :func:`build_emergency_block` builds
one; header validation (:func:`duskspec.consensus.header_validation.check_header`) checks it.
Both presets carry the published test key, whose secret :func:`emergency_test_keys` derives.
"""

from __future__ import annotations

from duskspec.consensus.block import (
    BLOCK_HEADER_VERSION,
    Block,
    FailedIteration,
    Header,
)
from duskspec.consensus.constants import TEST_EMERGENCY_SEED, ConsensusParams
from duskspec.consensus.execution import EMPTY_OUTCOME, Outcome
from duskspec.consensus.header_validation import Tip, payload_root
from duskspec.consensus.round import BLOCK_GAS_LIMIT, GENESIS_CERT, NodeKeys
from duskspec.crypto import bls
from duskspec.crypto.merkle import EMPTY_NODE


def emergency_test_keys() -> NodeKeys:
    """The presets' emergency key pair: ``keygen(TEST_EMERGENCY_SEED)``."""
    secret, public = bls.keygen(TEST_EMERGENCY_SEED)
    return NodeKeys(secret, public)


def earliest_emergency_time(tip: Tip, params: ConsensusParams) -> int:
    """Rule 13.3: the first timestamp (seconds) an emergency block on ``tip`` may carry."""
    return tip.timestamp + params.min_emergency_block_time


def build_emergency_block(
    tip: Tip,
    keys: NodeKeys,
    timestamp: int,
    params: ConsensusParams,
    failed_iterations: tuple[FailedIteration | None, ...] = (),
    payload: tuple[bytes, ...] = (),
    outcome: Outcome = EMPTY_OUTCOME,
) -> Block:
    """Rule 13.1: the emergency block on ``tip``, generated and signed by ``keys``: iteration
    255, seed = the key's signature over the tip's seed, ``prev_block_cert`` = the tip's
    attestation, the given Fail attestations, no attestation of its own; the state root and
    event bloom of ``outcome`` (the node executes the block like any generator, spec/node.md
    rule 11.4; the empty outcome without a runtime)."""
    header = Header(
        version=BLOCK_HEADER_VERSION,
        height=tip.height + 1,
        timestamp=timestamp,
        prev_block_hash=tip.hash,
        seed=bls.sign_multisig(keys.secret_key, keys.public_key, tip.seed),
        state_hash=outcome.state_root,
        event_bloom=outcome.event_bloom,
        generator=keys.public_key,
        txroot=payload_root(payload),
        faultroot=EMPTY_NODE,
        gas_limit=BLOCK_GAS_LIMIT,
        iteration=params.emergency_block_iteration,
        prev_block_cert=tip.attestation or GENESIS_CERT,
        failed_iterations=failed_iterations,
    )
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, header.hash)
    return Block(header, signature, payload)
