"""The discrete-event simulator (spec/network.md §7): ordering, latency, loss, partitions,
crashes, timers, layers, rejection and the event-log digest."""

from __future__ import annotations

from typing import Any

import pytest

from duskspec.errors import NetworkError, ProtocolError
from duskspec.network import sim


def flood(state: tuple[int, frozenset[bytes], int], event: Any) -> tuple[Any, tuple[Any, ...]]:
    """A tiny overlay: node i forwards each new message to i+1 and i+2 (mod n)."""
    index, seen, n = state
    if isinstance(event, sim.Start | sim.Timer):
        return state, ()
    if event.msg_id in seen:
        return state, ()
    state = (index, seen | {event.msg_id}, n)
    hops = event.hops + 1 if isinstance(event, sim.Receive) else 1
    sends = tuple(sim.Send((index + k) % n, event.payload, 100, event.msg_id, hops) for k in (1, 2))
    delivered = (
        (sim.Deliver(event.payload, event.msg_id, event.hops),)
        if isinstance(event, sim.Receive)
        else ()
    )
    return state, delivered + sends


def flood_sim(n: int = 20, **config: Any) -> sim.Simulator:
    simulator = sim.Simulator(
        sim.NetworkConfig(**config), overlay=(flood, [(i, frozenset(), n) for i in range(n)])
    )
    simulator.originate(1_000, 0, b"m", 100, b"m1")
    return simulator


def test_same_seed_same_digest_and_different_seed_differs() -> None:
    runs = [flood_sim(seed=s) for s in (5, 5, 6)]
    for run in runs:
        run.run()
    assert runs[0].digest() == runs[1].digest()
    assert runs[0].digest() != runs[2].digest()
    stats = runs[0].messages[b"m1"]
    assert stats.covered() == 20 and stats.transmissions == 40
    assert stats.duplicates == 40 - 19


def test_latency_is_symmetric_and_in_range() -> None:
    simulator = flood_sim(seed=3, min_latency_us=1_000, max_latency_us=2_000, jitter_us=0)
    for a, b in ((0, 1), (3, 17), (19, 2)):
        assert simulator.link_latency(a, b) == simulator.link_latency(b, a)
        assert 1_000 <= simulator.link_latency(a, b) <= 2_000
    simulator.run()
    delays = simulator.messages[b"m1"].delivery_delays()
    assert delays[0] >= 1_000 and delays[-1] <= 20 * 2_000


def test_total_loss_delivers_nothing() -> None:
    simulator = flood_sim(loss=1.0)
    simulator.run()
    stats = simulator.messages[b"m1"]
    assert stats.covered() == 1 and stats.lost == 2 and simulator.totals.lost == 2


def test_partition_blocks_then_heal_restores() -> None:
    simulator = flood_sim(jitter_us=0)
    simulator.split(0, [range(10)])
    simulator.run()
    assert simulator.messages[b"m1"].covered() == 10
    simulator.heal(simulator.now + 1)
    simulator.originate(simulator.now + 2, 5, b"n", 100, b"m2")
    simulator.run()
    assert simulator.messages[b"m2"].covered() == 20
    assert simulator.totals.partitioned > 0


def test_crashed_node_receives_nothing_until_restart() -> None:
    simulator = flood_sim(jitter_us=0)
    simulator.crash(0, 1)
    simulator.crash(0, 2)
    simulator.run()
    assert simulator.messages[b"m1"].covered() == 1
    assert simulator.totals.crashed == 2 and not simulator.is_up(1)
    simulator.restart(simulator.now + 1, 1)
    simulator.originate(simulator.now + 2, 0, b"n", 100, b"m2")
    simulator.run()
    assert simulator.is_up(1)
    assert simulator.messages[b"m2"].covered() == 19


def ticker(state: int, event: Any) -> tuple[int, tuple[Any, ...]]:
    if isinstance(event, sim.Start):
        return state, (sim.SetTimer(event.now + 10, "tick"),)
    if isinstance(event, sim.Timer):
        if state >= 2:
            raise NetworkError("network.test_reject", "third tick")
        return state + 1, (sim.SetTimer(event.now + 10, "tick"),)
    return state, ()


def test_timers_fire_in_order_and_rejection_keeps_state() -> None:
    simulator = sim.Simulator(sim.NetworkConfig(), overlay=(ticker, [0]))
    simulator.run()
    assert simulator.states[sim.OVERLAY][0] == 2
    assert simulator.totals.timers == 3 and simulator.totals.rejected == 1
    assert simulator.now == 30


def test_crash_voids_timers() -> None:
    simulator = sim.Simulator(sim.NetworkConfig(), overlay=(ticker, [0]))
    simulator.crash(15, 0)
    simulator.run()
    assert simulator.states[sim.OVERLAY][0] == 1


def app(state: list[bytes] | tuple[bytes, ...], event: Any) -> tuple[Any, tuple[Any, ...]]:
    """An app that broadcasts once at start (node 0) and records deliveries."""
    if isinstance(event, sim.Start) and not state:
        return ("started",), (sim.Broadcast(b"x", 100, b"a1"),)
    if isinstance(event, sim.Delivered):
        return (*state, event.msg_id), ()
    return state, ()


def test_app_layer_rides_on_the_overlay() -> None:
    n = 5
    simulator = sim.Simulator(
        sim.NetworkConfig(),
        overlay=(flood, [(i, frozenset(), n) for i in range(n)]),
        app=(app, [() if i == 0 else ("waiting",) for i in range(n)]),
    )
    simulator.run()
    assert simulator.states[sim.APP][3] == ("waiting", b"a1")
    assert simulator.messages[b"a1"].origin == 0


def test_config_and_layer_errors() -> None:
    for bad in ({"loss": 1.5}, {"min_latency_us": 5, "max_latency_us": 4}, {"jitter_us": -1}):
        with pytest.raises(ProtocolError) as exc:
            sim.NetworkConfig(**bad)
        assert exc.value.code == "network.bad_config"
    with pytest.raises(ProtocolError) as exc:
        sim.Simulator(sim.NetworkConfig(), overlay=(flood, [1]), app=(app, [1, 2]))
    assert exc.value.code == "network.bad_config"
    with pytest.raises(TypeError):
        sim.Simulator(sim.NetworkConfig(), overlay=(lambda s, e: (s, ("junk",)), [0])).run()
