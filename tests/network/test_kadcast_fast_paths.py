"""The written-out per-broadcast paths of spec/network.md N14.4 give what the rules they
inline give: ``extract`` against ``pick_delegates`` bucket by bucket (N5.1, N5.3), and
``needs_bootstrap`` against a plain count of alive peers (N6.1)."""

from __future__ import annotations

import random
from dataclasses import replace

from duskspec.network.kadcast import broadcast as bc
from duskspec.network.kadcast import lookup
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.broadcast import Delegation
from duskspec.network.kadcast.params import MAINNET, SECOND_US, TINY, KadcastParams


def reference_extract(
    table: rt.RoutingTable, max_height: int, beta: int, seed: int, message_id: bytes
) -> tuple[Delegation, ...]:
    """Rule N5.1 as written: every bucket from ``max_height`` down, its delegates by N5.3."""
    delegations = []
    for height in range(min(max_height, 127), -1, -1):
        bucket = rt.bucket_at(table, height)
        if bucket.entries:
            peers = bc.pick_delegates(bucket, beta, seed, table.root, message_id, height)
            delegations.extend(Delegation(peer, height) for peer in peers)
    return tuple(delegations)


def filled(index: int, count: int, params: KadcastParams, rng: random.Random) -> rt.RoutingTable:
    table = kn.new_node(index).table
    for other in rng.sample(range(1, 3000), count):
        if other != index:
            table, _ = rt.insert(table, kn.new_node(other).peer, rng.randrange(60), params)
    return table


def test_extract_gives_the_delegates_of_pick_delegates() -> None:
    rng = random.Random(7)
    ranked = 0
    for trial in range(12):
        params = MAINNET if trial % 2 else TINY
        table = filled(trial, rng.choice([0, 3, 40, 300]), params, rng)
        for beta in (1, 3, 5):
            for top in (0, 5, 110, 120, 126, 127, 200):
                message_id = rng.randbytes(32)
                fast = bc.extract(table, top, beta, trial, message_id)
                assert fast == reference_extract(table, top, beta, trial, message_id)
                ranked += any(len(b.entries) > beta for b in table.buckets)
    assert ranked > 50  # buckets larger than beta (the ranked branch) were reached


def test_needs_bootstrap_counts_alive_peers() -> None:
    rng = random.Random(8)
    seen = set()
    for trial in range(40):
        table = filled(trial, rng.randrange(6), TINY, rng)
        now = rng.randrange(40 * SECOND_US)
        alive = len(rt.alive_peers(table, now, TINY))
        for min_peers in (0, 1, 2, 3, 5):
            params = replace(TINY, min_peers=min_peers)
            expected = alive < min_peers
            assert lookup.needs_bootstrap(table, now, params) is expected
            seen.add(expected)
    assert seen == {True, False}
