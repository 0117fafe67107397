"""Ready-made simulations: a Kadcast network built by its own bootstrap protocol, and
broadcast runs of Kadcast or gossip over it (spec/network.md §9). Benchmarks and tests use
these; a consumer running its own machines builds a :class:`~duskspec.network.sim.Simulator`
directly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from duskspec.network import sim
from duskspec.network.gossip import GossipNode
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.node import (
    SIM_PORT,
    KadcastNode,
    evolve,
    kadcast_machine,
    new_node,
    sim_index,
)
from duskspec.network.kadcast.params import MAINNET, KadcastParams
from duskspec.network.kadcast.wire import ray_id

#: Number of bootstrap nodes (the first nodes to join).
BOOTSTRAP_NODES = 3


@dataclass(frozen=True)
class BuiltNetwork:
    nodes: tuple[KadcastNode, ...]
    #: Virtual time the bootstrap run ended; later runs continue from here.
    end_us: int
    digest: bytes


def bootstrap_network(
    n: int,
    *,
    seed: int = 0,
    params: KadcastParams = MAINNET,
    join_interval_us: int = 20_000,
    settle_us: int = 2_000_000,
    config: sim.NetworkConfig | None = None,
    port: int = SIM_PORT,
) -> BuiltNetwork:
    """Start ``n`` Kadcast nodes one after another (node ``i`` at ``i·join_interval``), all
    knowing the first :data:`BOOTSTRAP_NODES` as bootstrap nodes, and run the real protocol:
    the bootstrap lookup (rule N6.1) and recursive discovery (N6.2), then exactly one bucket
    refresh per node (N6.3), which fills the buckets no lookup of the node's own id reaches.
    For this run only the bootstrap retry is shortened to ``settle`` and the refresh period
    to ``(n-1)·join_interval + 2·settle``, so node ``i`` refreshes once, at
    ``t_i + (n-1)·join_interval + 3·settle``, after everyone joined; the run ends ``settle``
    after the last refresh, before any second one. ``port`` (the same for all nodes)
    changes every node id, so different ports give different id sets."""
    joined = (n - 1) * join_interval_us
    build = replace(params, bootstrap_retry_us=settle_us, bucket_ttl_us=joined + 2 * settle_us)
    boots = list(range(min(BOOTSTRAP_NODES, n)))
    nodes = [new_node(i, seed=seed, bootstrap=boots, params=build, port=port) for i in range(n)]
    simulator = sim.Simulator(
        config or sim.NetworkConfig(seed=seed),
        overlay=(kadcast_machine, nodes),
        start_times=[i * join_interval_us for i in range(n)],
    )
    end = 2 * joined + 4 * settle_us
    simulator.run(until=end)
    built = tuple(evolve(node, params=params) for node in simulator.states[sim.OVERLAY])
    return BuiltNetwork(built, end, simulator.digest())


@dataclass(frozen=True)
class BroadcastRun:
    messages: tuple[sim.MessageStats, ...]
    n: int
    totals: sim.Totals
    digest: bytes

    def coverage(self) -> float:
        return sum(m.covered() for m in self.messages) / (self.n * len(self.messages))

    def transmissions_per_delivery(self) -> float:
        delivered = sum(len(m.delivered_at) for m in self.messages)
        return sum(m.transmissions for m in self.messages) / max(delivered, 1)

    def duplicates(self) -> int:
        return sum(m.duplicates for m in self.messages)

    def hops(self) -> list[int]:
        return sorted(h for m in self.messages for h in m.hops.values())

    def delays_us(self) -> list[int]:
        return sorted(d for m in self.messages for d in m.delivery_delays())


def percentile(values: Sequence[int], fraction: float) -> int:
    """Nearest-rank percentile of sorted ``values`` (0 for an empty list)."""
    if not values:
        return 0
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


def pick_origins(n: int, count: int, seed: int) -> list[int]:
    return random.Random(seed).sample(range(n), min(count, n))


def frames(count: int, size: int, seed: int) -> list[bytes]:
    """Distinct seeded payloads of ``size`` bytes."""
    rng = random.Random(seed)
    return [rng.randbytes(size) for _ in range(count)]


def run_broadcasts(
    handler: Callable[[Any, Any], tuple[Any, Sequence[Any]]],
    states: Sequence[Any],
    origins: Sequence[int],
    payloads: Sequence[bytes],
    *,
    config: sim.NetworkConfig,
    start_us: int,
    spacing_us: int = 2_000_000,
    framing: int = 31,
) -> BroadcastRun:
    """Originate ``payloads[i]`` at ``origins[i]``, ``spacing_us`` apart, and run to the end."""
    simulator = sim.Simulator(
        config, overlay=(handler, states), start_times=[start_us] * len(states)
    )
    ids = []
    for i, (origin, payload) in enumerate(zip(origins, payloads, strict=True)):
        msg_id = ray_id(payload)
        ids.append(msg_id)
        simulator.originate(
            start_us + (i + 1) * spacing_us, origin, payload, framing + len(payload), msg_id
        )
    simulator.run(until=start_us + (len(payloads) + 5) * spacing_us)
    messages = tuple(simulator.messages[m] for m in ids)
    return BroadcastRun(messages, len(states), simulator.totals, simulator.digest())


def with_beta(nodes: Sequence[KadcastNode], beta: int) -> list[KadcastNode]:
    """``nodes`` with ``beta`` delegates per bucket; nodes with equal parameters share one
    parameters object (equal values; one object stays in cache on the per-packet path)."""
    shared: dict[KadcastParams, KadcastParams] = {}
    for params in {node.params for node in nodes}:
        shared[params] = replace(params, beta=beta)
    return [evolve(node, params=shared[node.params]) for node in nodes]


def gossip_nodes(nodes: Sequence[KadcastNode], fanout: int, seed: int) -> list[GossipNode]:
    """Gossip nodes whose peer lists are the peers of the Kadcast tables: both protocols
    run over the same overlay knowledge."""
    return [
        GossipNode(i, tuple(sim_index(e.peer.ip) for e in rt.entries(node.table)), fanout, seed)
        for i, node in enumerate(nodes)
    ]
