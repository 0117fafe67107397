"""The genesis block as consensus sees it (spec/sources.md §1.4: every header field at its
default but the timestamp and state hash, which are 0 and empty here)."""

from __future__ import annotations

from duskspec.consensus.block import BLOCK_HEADER_VERSION, EVENT_BLOOM_LENGTH, Header
from duskspec.consensus.header_validation import Tip
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.round import GENESIS_CERT
from duskspec.types import BlsPublicKey, BlsSignature, Hash32


def genesis_header() -> Header:
    """Every field at its default, as in ``node/src/chain/genesis.rs`` (timestamp 0 here)."""
    return Header(
        version=BLOCK_HEADER_VERSION,
        height=0,
        timestamp=0,
        prev_block_hash=Hash32(bytes(32)),
        seed=BlsSignature(bytes(48)),
        state_hash=Hash32(bytes(32)),
        event_bloom=bytes(EVENT_BLOOM_LENGTH),
        generator=BlsPublicKey(bytes(96)),
        txroot=Hash32(bytes(32)),
        faultroot=Hash32(bytes(32)),
        gas_limit=0,
        iteration=0,
        prev_block_cert=GENESIS_CERT,
        failed_iterations=(),
    )


def genesis_tip(provisioners: tuple[Provisioner, ...]) -> Tip:
    header = genesis_header()
    return Tip(
        header.hash, 0, 0, header.seed, 0, header.prev_block_hash, header.seed, None, provisioners
    )
