"""Kadcast over routing tables built by its own bootstrap protocol in the simulator
(spec/network.md §5-§6): coverage without loss, no duplicates with beta = 1, table bounds.

Bootstrapping a network costs seconds (200 nodes: about 17 s of CPU), a broadcast over it
milliseconds, so the networks are built once per size (``NETWORKS``, ``SMALL_BUCKET_NETWORKS``:
sizes from 2 to 100 nodes, each on its own port and seed) and Hypothesis draws the network, the
broadcast seed (origins, payloads, scheduler) and beta for every example at the active
profile's budget.
"""

from __future__ import annotations

import functools

from hypothesis import event, given
from hypothesis import strategies as st

from duskspec.network import scenario, sim
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.node import kadcast_machine
from duskspec.network.kadcast.params import MAINNET, TINY

#: (nodes, port, bootstrap seed) of the networks built with mainnet buckets (K = 20).
NETWORKS = ((2, 9000, 1), (3, 9101, 2), (9, 9202, 3), (24, 9303, 4), (57, 9404, 5), (100, 9505, 6))
#: The same with the tiny preset's buckets, where tables are far from complete.
SMALL_BUCKET_NETWORKS = ((5, 9606, 7), (23, 9707, 8), (64, 9808, 9))

broadcast_seeds = st.integers(min_value=0, max_value=2**32)


@functools.cache
def built(n: int, port: int, seed: int, k: int = MAINNET.k) -> scenario.BuiltNetwork:
    params = MAINNET if k == MAINNET.k else TINY
    return scenario.bootstrap_network(n, seed=seed, port=port, params=params, settle_us=1_000_000)


def broadcast(net: scenario.BuiltNetwork, beta: int, seed: int) -> scenario.BroadcastRun:
    n = len(net.nodes)
    origins = scenario.pick_origins(n, 3, seed)
    payloads = scenario.frames(len(origins), 64, seed)
    nodes = scenario.with_beta(net.nodes, beta)
    config = sim.NetworkConfig(seed=seed)
    return scenario.run_broadcasts(
        kadcast_machine, nodes, origins, payloads, config=config, start_us=net.end_us
    )


def assert_table_bounds(net: scenario.BuiltNetwork, k: int) -> None:
    for node in net.nodes:
        ids = [e.peer.node_id for e in rt.entries(node.table)]
        assert node.table.root not in ids
        assert len(ids) == len(set(ids))
        assert all(len(b.entries) <= k for b in node.table.buckets)


@given(st.sampled_from(NETWORKS), broadcast_seeds, st.sampled_from([1, 2, 3]))
def test_no_loss_reaches_everyone_and_beta1_has_no_duplicates(
    network: tuple[int, int, int], seed: int, beta: int
) -> None:
    n, port, net_seed = network
    net = built(n, port, net_seed)
    event(f"nodes={n} beta={beta}")
    assert_table_bounds(net, MAINNET.k)
    run = broadcast(net, beta, seed)
    assert run.coverage() == 1.0
    if beta == 1:
        assert run.duplicates() == 0
        assert all(m.transmissions == n - 1 for m in run.messages)


@given(st.sampled_from(SMALL_BUCKET_NETWORKS), broadcast_seeds)
def test_small_buckets_still_cover_and_stay_bounded(
    network: tuple[int, int, int], seed: int
) -> None:
    n, port, net_seed = network
    net = built(n, port, net_seed, k=TINY.k)
    event(f"nodes={n}")
    assert_table_bounds(net, TINY.k)
    run = broadcast(net, 1, seed)
    assert run.coverage() == 1.0
    assert run.duplicates() == 0
    assert all(m.transmissions == n - 1 for m in run.messages)
