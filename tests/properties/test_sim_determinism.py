"""Same inputs, same run: the full event-log digest of a Kadcast simulation with loss,
jitter, a partition and a crash is identical when run twice (spec/network.md §7)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from duskspec.network import scenario, sim
from duskspec.network.kadcast.node import kadcast_machine


def one_run(seed: int, n: int) -> tuple[bytes, int]:
    net = scenario.bootstrap_network(n, seed=seed, settle_us=1_000_000)
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
    return net.digest + simulator.digest(), simulator.totals.events


@settings(max_examples=3)
@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=4, max_value=40))
def test_same_seed_gives_byte_identical_event_logs(seed: int, n: int) -> None:
    first, events = one_run(seed, n)
    assert events > n
    assert one_run(seed, n)[0] == first
    assert one_run(seed + 1, n)[0] != first
