"""Kadcast against flooding gossip on the same simulated network (spec/network.md §9).

For N = 64, 256 and 1024 nodes the routing tables are built by Kadcast's own bootstrap in
the simulator; then 10 broadcasts from seeded origins run with Kadcast beta = 1, beta = 3
and gossip with fanout 8 (gossip peers = the peers of the Kadcast tables), and again with
5, 10 and 20 % packet loss for beta = 3 and gossip. Virtual time only; CPU time
(``time.process_time``) is read solely to report the simulator's speed: every row carries
``deliveries`` (packets handed to a machine) and ``deliveries_per_cpu_s`` for that protocol
alone, and the notes give each protocol's total per size.
"""

from __future__ import annotations

import time
from typing import Any

from duskspec.bench import Suite
from duskspec.network import scenario, sim
from duskspec.network.gossip import GossipNode, gossip_machine
from duskspec.network.kadcast.node import kadcast_machine

SIZES = (64, 256, 1024)
LOSSES = (0.0, 0.05, 0.10, 0.20)
BROADCASTS = 10
FRAME_BYTES = 1024
FANOUT = 8
SEED = 2026


def _row(
    protocol: str,
    beta: int | None,
    fanout: int | None,
    n: int,
    loss: float,
    run: scenario.BroadcastRun,
    cpu_s: float,
) -> dict[str, Any]:
    hops, delays = run.hops(), run.delays_us()
    return {
        "protocol": protocol,
        "beta": beta,
        "fanout": fanout,
        "nodes": n,
        "loss": loss,
        "coverage": round(run.coverage(), 4),
        "transmissions_per_delivery": round(run.transmissions_per_delivery(), 3),
        "duplicates": run.duplicates(),
        "max_hops": max(hops, default=0),
        "p95_hops": scenario.percentile(hops, 0.95),
        "max_delay_ms": round(max(delays, default=0) / 1000, 1),
        "p95_delay_ms": round(scenario.percentile(delays, 0.95) / 1000, 1),
        "deliveries": run.totals.arrivals,
        "deliveries_per_cpu_s": round(run.totals.arrivals / cpu_s) if cpu_s else 0,
    }


def _measure(
    handler: Any, states: Any, origins: list[int], payloads: list[bytes], loss: float, start_us: int
) -> tuple[scenario.BroadcastRun, float]:
    config = sim.NetworkConfig(seed=SEED, loss=loss)
    began = time.process_time()
    run = scenario.run_broadcasts(
        handler, states, origins, payloads, config=config, start_us=start_us
    )
    return run, time.process_time() - began


def _compare(n: int, loss: float, kadcast: dict[str, Any], gossip: dict[str, Any]) -> str:
    def word(a: float, b: float, more: str, less: str) -> str:
        return "the same" if a == b else (more if a > b else less)

    coverage = word(kadcast["coverage"], gossip["coverage"], "more", "less")
    ratio = gossip["transmissions_per_delivery"] / max(kadcast["transmissions_per_delivery"], 1e-9)
    return (
        f"N={n}, loss {loss:.0%}: Kadcast beta=3 covered {kadcast['coverage']:.2%} at "
        f"{kadcast['transmissions_per_delivery']} transmissions per delivery; gossip f={FANOUT} "
        f"covered {gossip['coverage']:.2%} at {gossip['transmissions_per_delivery']}. Kadcast "
        f"reached {coverage} coverage with {ratio:.1f}x fewer transmissions; "
        f"p95 delay {kadcast['p95_delay_ms']} ms vs {gossip['p95_delay_ms']} ms."
    )


def run() -> Suite:
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    speed: dict[tuple[str, int], list[float]] = {}
    for n in SIZES:
        began = time.perf_counter()
        net = scenario.bootstrap_network(n, seed=SEED)
        build_s = time.perf_counter() - began
        origins = scenario.pick_origins(n, BROADCASTS, SEED)
        payloads = scenario.frames(len(origins), FRAME_BYTES, SEED)
        gossip_states = scenario.gossip_nodes(net.nodes, FANOUT, SEED)
        notes.append(f"N={n}: tables built by the bootstrap protocol in {build_s:.1f} s wall time")
        for beta in (1, 3):
            for loss in LOSSES if beta == 3 else (0.0,):
                result, wall = _measure(
                    kadcast_machine,
                    scenario.with_beta(net.nodes, beta),
                    origins,
                    payloads,
                    loss,
                    net.end_us,
                )
                rows.append(_row("kadcast", beta, None, n, loss, result, wall))
                _add(speed, ("kadcast", n), result.totals.arrivals, wall)
        for loss in LOSSES:
            result, wall = _measure(
                gossip_machine, gossip_states, origins, payloads, loss, net.end_us
            )
            rows.append(_row("gossip", None, FANOUT, n, loss, result, wall))
            _add(speed, ("gossip", n), result.totals.arrivals, wall)
            kadcast_row = next(
                r for r in rows if r["nodes"] == n and r["beta"] == 3 and r["loss"] == loss
            )
            notes.append(_compare(n, loss, kadcast_row, rows[-1]))
    for n in SIZES:
        kad, gos = speed[("kadcast", n)], speed[("gossip", n)]
        notes.append(
            f"N={n}: Kadcast {kad[0] / kad[1]:,.0f} deliveries per CPU second "
            f"({kad[0]:.0f} in {kad[1]:.2f} s), gossip {gos[0] / gos[1]:,.0f} "
            f"({gos[0]:.0f} in {gos[1]:.2f} s): gossip/Kadcast = "
            f"{(gos[0] / gos[1]) / (kad[0] / kad[1]):.2f}"
        )
    notes.append(
        f"Raw simulator speed (gossip machine only): {_raw_speed():,.0f} deliveries per CPU second."
    )
    return Suite(
        "network",
        f"Kadcast vs gossip, {BROADCASTS} broadcasts of {FRAME_BYTES} B per row "
        "(coverage = mean fraction of nodes reached; physical floor of transmissions per "
        "delivery is 1.0)",
        rows,
        notes,
    )


def _add(speed: dict[tuple[str, int], list[float]], key: tuple[str, int], n: int, s: float) -> None:
    total = speed.setdefault(key, [0.0, 0.0])
    total[0] += n
    total[1] += s


def _raw_speed() -> float:
    """Deliveries per second with the lightest machine: flooding over a full peer list."""
    n = 2000
    states = [GossipNode(i, tuple((i + k) % n for k in range(1, 9)), 8, SEED) for i in range(n)]
    payloads = scenario.frames(5, 64, SEED)
    run, wall = _measure(gossip_machine, states, list(range(5)), payloads, 0.0, 0)
    return run.totals.arrivals / wall
