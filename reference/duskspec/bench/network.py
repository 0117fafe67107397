"""Kadcast against flooding gossip on the same simulated network (spec/network.md §9).

For N = 64, 256 and 1024 nodes the routing tables are built by Kadcast's own bootstrap in
the simulator; then 10 broadcasts from seeded origins run with Kadcast beta = 1, beta = 3
and gossip with fanout 8 (gossip peers = the peers of the Kadcast tables), and again with
5, 10 and 20 % packet loss for beta = 3 and gossip. Virtual time only; CPU time
(``time.process_time``) is read solely to report the simulator's speed: every row carries
``deliveries`` (packets handed to a machine) and ``deliveries_per_cpu_s`` for that protocol
alone, and the notes give each protocol's total per size. The floor of a row is the CPU
time of hashing each broadcast packet's frame once (``ray_id``, rule N3.6: every protocol
must do it to recognise a duplicate), timed right after the row's run over as many frames
as the run handled; then, per size, Kadcast (beta = 3) and gossip run lossless three
times, alternately, and the notes give their medians and ratios.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from duskspec.bench import Suite
from duskspec.network import scenario, sim
from duskspec.network.gossip import GossipNode, gossip_machine
from duskspec.network.kadcast.node import kadcast_machine
from duskspec.network.kadcast.wire import ray_id

SIZES = (64, 256, 1024)
LOSSES = (0.0, 0.05, 0.10, 0.20)
BROADCASTS = 10
FRAME_BYTES = 1024
FANOUT = 8
SEED = 2026
#: Alternating repetitions of the lossless Kadcast and gossip runs compared per size.
SPEED_REPEATS = 3
#: The collector's youngest-generation threshold of the second comparison (default 700).
YOUNG_THRESHOLD = 50_000


def _row(
    protocol: str,
    beta: int | None,
    fanout: int | None,
    n: int,
    loss: float,
    run: scenario.BroadcastRun,
    cpu_s: float,
    floor: float,
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
        "cpu_s": round(cpu_s, 3),
        "floor_cpu_s": round(floor, 3),
        "ratio_to_floor": round(cpu_s / floor, 2) if floor else 0,
    }


def _frames_handled(run: scenario.BroadcastRun) -> int:
    """Broadcast packets that reached a machine (each must be hashed to find its id)."""
    return sum(sum(m.arrivals.values()) for m in run.messages)


def _floor_cpu_s(run: scenario.BroadcastRun, payloads: list[bytes]) -> float:
    """CPU time of one ``ray_id`` per broadcast packet the run handled."""
    count = _frames_handled(run)
    began = time.process_time()
    for i in range(count):
        ray_id(payloads[i % len(payloads)])
    return time.process_time() - began


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
                floor = _floor_cpu_s(result, payloads)
                rows.append(_row("kadcast", beta, None, n, loss, result, wall, floor))
                _add(speed, ("kadcast", n), result.totals.arrivals, wall)
        for loss in LOSSES:
            result, wall = _measure(
                gossip_machine, gossip_states, origins, payloads, loss, net.end_us
            )
            floor = _floor_cpu_s(result, payloads)
            rows.append(_row("gossip", None, FANOUT, n, loss, result, wall, floor))
            _add(speed, ("gossip", n), result.totals.arrivals, wall)
            kadcast_row = next(
                r for r in rows if r["nodes"] == n and r["beta"] == 3 and r["loss"] == loss
            )
            notes.append(_compare(n, loss, kadcast_row, rows[-1]))
        kadcast_states = scenario.with_beta(net.nodes, 3)
        notes.append(_speed_note(n, kadcast_states, gossip_states, origins, payloads, net.end_us))
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


def _speed_note(
    n: int,
    kadcast_states: Any,
    gossip_states: Any,
    origins: list[int],
    payloads: list[bytes],
    start_us: int,
) -> str:
    """Lossless Kadcast (beta = 3) and gossip, alternately :data:`SPEED_REPEATS` times in
    this process: median deliveries per CPU second, and CPU over the ray-id floor. Then the
    same with the cyclic collector's youngest-generation threshold at
    :data:`YOUNG_THRESHOLD` (restored after): Kadcast's state versions live about one
    packet per node, so with the default threshold they survive into the oldest generation
    and trigger full collections over every table."""
    default = _interleaved(kadcast_states, gossip_states, origins, payloads, start_us)
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, before[1], before[2])
    try:
        tuned = _interleaved(kadcast_states, gossip_states, origins, payloads, start_us)
    finally:
        gc.set_threshold(*before)
    head = f"N={n}, interleaved x{SPEED_REPEATS}, no loss"
    return f"{head}: {default}; young-generation threshold {YOUNG_THRESHOLD:,}: {tuned}"


def _interleaved(
    kadcast_states: Any,
    gossip_states: Any,
    origins: list[int],
    payloads: list[bytes],
    start_us: int,
) -> str:
    speeds: dict[str, list[float]] = {"kadcast": [], "gossip": []}
    floors: dict[str, list[float]] = {"kadcast": [], "gossip": []}
    for _ in range(SPEED_REPEATS):
        for name, handler, states in (
            ("kadcast", kadcast_machine, kadcast_states),
            ("gossip", gossip_machine, gossip_states),
        ):
            result, cpu = _measure(handler, states, origins, payloads, 0.0, start_us)
            speeds[name].append(result.totals.arrivals / cpu)
            floors[name].append(cpu / _floor_cpu_s(result, payloads))
    kad, gos = _median(speeds["kadcast"]), _median(speeds["gossip"])
    return (
        f"Kadcast {kad:,.0f} deliveries per CPU second, gossip {gos:,.0f}, "
        f"gossip/Kadcast = {gos / kad:.2f}; CPU over the ray-id floor: Kadcast "
        f"{_median(floors['kadcast']):.1f}x, gossip {_median(floors['gossip']):.1f}x"
    )


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


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
