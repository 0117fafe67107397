"""Kadcast over routing tables built by its own bootstrap protocol in the simulator
(spec/network.md §5-§6): coverage without loss, no duplicates with beta = 1, table bounds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from duskspec.network import scenario, sim
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.node import kadcast_machine
from duskspec.network.kadcast.params import MAINNET, TINY

networks = st.tuples(
    st.integers(min_value=2, max_value=200),
    st.integers(min_value=1, max_value=65535),
    st.integers(min_value=0, max_value=2**32),
)


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


@settings(max_examples=4)
@given(networks)
def test_no_loss_reaches_everyone_and_beta1_has_no_duplicates(params: tuple[int, int, int]) -> None:
    n, port, seed = params
    net = built(n, port, seed)
    assert_table_bounds(net, MAINNET.k)
    for beta in (1, 3):
        run = broadcast(net, beta, seed)
        assert run.coverage() == 1.0
        if beta == 1:
            assert run.duplicates() == 0
            assert all(m.transmissions == n - 1 for m in run.messages)


@settings(max_examples=3)
@given(networks.filter(lambda p: p[0] <= 100))
def test_small_buckets_still_cover_and_stay_bounded(params: tuple[int, int, int]) -> None:
    n, port, seed = params
    net = built(n, port, seed, k=TINY.k)
    assert_table_bounds(net, TINY.k)
    run = broadcast(net, 1, seed)
    assert run.duplicates() == 0
