"""Kadcast constants (spec/network.md §1; spec/sources.md §2.1).

Presets are data: :data:`MAINNET` holds Dusk's values (``dusk-network/kadcast`` as pinned by
rusk 1.6.0), :data:`TINY` shrinks the bucket size so small tests exercise full buckets.
Times are integer microseconds of virtual time.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Length of a node id in bytes (``K_ID_LEN_BYTES``): 128-bit ids.
ID_LEN = 16
#: Length of the proof-of-work nonce in bytes (``K_NONCE_LEN``).
NONCE_LEN = 4
#: Number of buckets: one per bit of the id (``MAX_BUCKET_HEIGHT``), heights 0..127.
BUCKET_COUNT = 8 * ID_LEN
#: Proof-of-work difficulty a received id must meet (``K_DIFF_MIN_BIT``), in trailing zero bits.
DIFFICULTY_MIN_BITS = 8
#: Largest UDP payload Kadcast sends or accepts (bytes).
MAX_DATAGRAM = 65_507
#: Microseconds per second, for readable constants.
SECOND_US = 1_000_000


@dataclass(frozen=True)
class KadcastParams:
    """One preset of Kadcast's tunables."""

    #: Bucket capacity K (``DEFAULT_K_K``).
    k: int = 20
    #: Lookup parallelism alpha (``K_ALPHA``).
    alpha: int = 3
    #: Delegates per bucket per broadcast, beta (``K_BETA``).
    beta: int = 3
    #: Difficulty a node produces for its own id. Dusk's kadcast 0.8.0-rc.0 (pinned by rusk
    #: 1.6.0) produces 8 bits; kadcast 0.8.0 raised it to 20.
    difficulty_produced_bits: int = 8
    #: A node not seen for this long is no longer alive (``node_ttl``).
    node_ttl_us: int = 30 * SECOND_US
    #: A flagged LRU node is evicted this long after the check ping (``node_evict_after``).
    node_evict_after_us: int = 5 * SECOND_US
    #: A bucket whose LRU node is idle this long is refreshed (``bucket_ttl``).
    bucket_ttl_us: int = 3600 * SECOND_US
    #: Below this many alive peers the node contacts its bootstrap nodes (``min_peers``).
    min_peers: int = 3
    #: Retry period of the bootstrap while below ``min_peers`` (maintainer sleep).
    bootstrap_retry_us: int = 30 * SECOND_US
    #: Whether a received broadcast is forwarded to lower buckets (``auto_propagate``).
    auto_propagate: bool = True

    @property
    def max_nodes_per_reply(self) -> int:
        """A NODES message is processed for at most 2K peers (kadcast 0.8.0, P1.10-4)."""
        return 2 * self.k


MAINNET = KadcastParams()
TINY = KadcastParams(k=4)
