"""Same inputs, same run: the full event-log digest of a Kadcast simulation with loss,
jitter, a partition and a crash is identical when run twice (spec/network.md §7).

The bootstrap is built once per size (it costs seconds) and checked for determinism by
building it again in :func:`test_same_seed_gives_byte_identical_bootstrap`; Hypothesis draws
the network and the seed of the lossy run for every example at the active profile's budget.
"""

from __future__ import annotations

import functools

from hypothesis import given
from hypothesis import strategies as st

from duskspec.network import scenario, sim
from duskspec.network.kadcast.node import kadcast_machine

#: (nodes, bootstrap seed) of the networks the lossy runs use.
NETWORKS = ((4, 11), (13, 12), (40, 13))


@functools.cache
def network(n: int, seed: int) -> scenario.BuiltNetwork:
    return scenario.bootstrap_network(n, seed=seed, settle_us=1_000_000)


def one_run(net: scenario.BuiltNetwork, seed: int) -> tuple[bytes, int]:
    n = len(net.nodes)
    config = sim.NetworkConfig(seed=seed, loss=0.1, jitter_us=20_000)
    simulator = sim.Simulator(
        config, overlay=(kadcast_machine, net.nodes), start_times=[net.end_us] * n
    )
    simulator.split(net.end_us + 500_000, [range(n // 2)])
    simulator.crash(net.end_us + 700_000, n - 1)
    simulator.heal(net.end_us + 2_000_000)
    simulator.restart(net.end_us + 2_500_000, n - 1)
    for i, payload in enumerate(scenario.frames(3, 100, seed)):
        simulator.originate(net.end_us + (i + 1) * 1_000_000, i % n, payload, 131, None)
    simulator.run(until=net.end_us + 6_000_000)
    return simulator.digest(), simulator.totals.events


def test_same_seed_gives_byte_identical_bootstrap() -> None:
    first = scenario.bootstrap_network(13, seed=12, settle_us=1_000_000)
    assert first.digest == network(13, 12).digest
    assert scenario.bootstrap_network(13, seed=14, settle_us=1_000_000).digest != first.digest


@given(st.sampled_from(NETWORKS), st.integers(min_value=0, max_value=2**63))
def test_same_seed_gives_byte_identical_event_logs(built: tuple[int, int], seed: int) -> None:
    net = network(*built)
    first, events = one_run(net, seed)
    assert events > len(net.nodes)
    assert one_run(net, seed)[0] == first
    assert one_run(net, seed + 1)[0] != first
