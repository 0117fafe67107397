"""A deterministic discrete-event network simulator for pure machines (spec/network.md §7).

Every node runs up to two layers, each a pure machine ``handler(state, event) -> (state,
outputs)``: an **overlay** (Kadcast, gossip) and an **app** above it (e.g. consensus).
Nodes are numbered ``0..n-1``. Messages are opaque payloads; the machine says how many bytes
each one occupies on the wire and, optionally, which broadcast it belongs to (``msg_id``),
which is what duplicate and coverage accounting is keyed on.

Time is an integer number of microseconds. One priority queue ordered by ``(time,
sequence)`` holds every pending event; the sequence number is the order of scheduling, so
ties are broken the same way on every run. Randomness (latency jitter, loss) comes from one
``random.Random`` seeded by the configuration and drawn in event order. Every processed
event is folded into a BLAKE2b digest (:meth:`Simulator.digest`): two runs with the same
inputs have the same digest.

Events a machine receives: :class:`Start`, :class:`Receive`, :class:`Timer`,
:class:`Originate` (overlay: broadcast this), :class:`Delivered` (app: the overlay delivered
this). Outputs it returns: :class:`Send`, :class:`SetTimer`, :class:`Deliver`,
:class:`Broadcast` (app: hand this to the overlay). A handler that raises
:class:`~duskspec.errors.ProtocolError` rejects the event: its state stays as it was.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import struct
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from duskspec.errors import NetworkError, ProtocolError

# --- events a machine receives --------------------------------------------------------------


class Start(NamedTuple):
    """The node (re)starts: its timers are gone and it may act on its own."""

    now: int


class Receive(NamedTuple):
    """A packet from ``source`` arrived; ``hops`` is what the sender put on it."""

    now: int
    source: int
    payload: Any
    msg_id: bytes | None
    hops: int


class Timer(NamedTuple):
    now: int
    tag: Hashable


class Originate(NamedTuple):
    """Overlay layer: start a broadcast of ``payload`` from this node."""

    now: int
    payload: Any
    size: int
    msg_id: bytes | None


class Delivered(NamedTuple):
    """App layer: the overlay delivered ``payload`` (first time at this node)."""

    now: int
    payload: Any
    msg_id: bytes | None
    hops: int


Event = Start | Receive | Timer | Originate | Delivered

# --- outputs a machine returns ------------------------------------------------------------


class Send(NamedTuple):
    """Send ``payload`` (``size`` bytes on the wire) to node ``dest``."""

    dest: int
    payload: Any
    size: int
    msg_id: bytes | None = None
    hops: int = 1


class SetTimer(NamedTuple):
    """Fire ``Timer(tag)`` at virtual time ``at`` (now, if ``at`` is in the past)."""

    at: int
    tag: Hashable


class Deliver(NamedTuple):
    """This node delivers broadcast ``msg_id`` (recorded; an overlay's goes up to the app)."""

    payload: Any
    msg_id: bytes | None
    hops: int


class Broadcast(NamedTuple):
    """App layer: broadcast ``payload`` through the overlay."""

    payload: Any
    size: int
    msg_id: bytes | None


Output = Send | SetTimer | Deliver | Broadcast
Handler = Callable[[Any, Any], tuple[Any, Sequence[Any]]]


class TreePlanner(Protocol):
    """An overlay computed per broadcast instead of run packet by packet (spec/network.md
    §10.1): ``plan`` calls :meth:`Simulator.tree_send` for the packets each node sends
    and :meth:`Simulator.tree_delivery` for every node's first arrival."""

    def plan(
        self, simulator: Simulator, origin: int, payload: Any, size: int, msg_id: bytes
    ) -> None: ...


#: Layers of a node.
OVERLAY, APP = 0, 1

# Kinds of queued events (also the first byte of each event-log record).
_ARRIVAL, _TIMER, _START, _ORIGINATE, _CRASH, _RESTART, _SPLIT, _HEAL = range(8)
# Log-only record kinds.
_SEND_LOG, _REJECT_LOG, _DELIVER_LOG = 8, 9, 10
# A delivery planned by a tree overlay (:class:`TreePlanner`), queued like an arrival.
_TREE_ARRIVAL = 11
# Fates of a packet, as logged.
DELIVERED, LOST, PARTITIONED, CRASHED, IN_FLIGHT = range(5)

_MASK64 = (1 << 64) - 1


def _mix64(x: int) -> int:
    """SplitMix64 finaliser: a cheap, well-spread function of a 64-bit integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


@dataclass(frozen=True)
class NetworkConfig:
    """The physical network (spec/network.md §7.2)."""

    #: Seeds the per-link base latencies and the RNG for jitter and loss.
    seed: int = 0
    #: Each unordered pair of nodes gets a base latency uniform in [min, max] µs.
    min_latency_us: int = 10_000
    max_latency_us: int = 100_000
    #: Each packet adds a jitter uniform in [0, jitter] µs.
    jitter_us: int = 5_000
    #: Probability that a packet is lost, drawn independently per packet.
    loss: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.min_latency_us <= self.max_latency_us:
            raise NetworkError("network.bad_config", "need 0 <= min_latency <= max_latency")
        if self.jitter_us < 0:
            raise NetworkError("network.bad_config", "jitter must be >= 0")
        if not 0.0 <= self.loss <= 1.0:
            raise NetworkError("network.bad_config", "loss is a probability in [0, 1]")


class MessageStats:
    """Accounting of one broadcast (``msg_id``)."""

    __slots__ = (
        "arrivals",
        "bytes",
        "delivered_at",
        "hops",
        "lost",
        "msg_id",
        "origin",
        "origin_time",
        "transmissions",
    )

    def __init__(self, msg_id: bytes) -> None:
        self.msg_id = msg_id
        self.origin: int | None = None
        self.origin_time = 0
        self.transmissions = 0
        self.bytes = 0
        #: Packets of this message that never arrived (loss, partition, crashed receiver).
        self.lost = 0
        #: Packets that reached each node.
        self.arrivals: dict[int, int] = {}
        #: First delivery time and hop count per node (the origin excluded).
        self.delivered_at: dict[int, int] = {}
        self.hops: dict[int, int] = {}

    @property
    def duplicates(self) -> int:
        """Packets that reached a node that had already received this message (or sent it)."""
        total = sum(self.arrivals.values())
        first_arrivals = len(self.arrivals) - (1 if self.origin in self.arrivals else 0)
        return total - first_arrivals

    def covered(self) -> int:
        """Nodes holding the message: the origin plus every node that delivered it."""
        return len(self.delivered_at) + (1 if self.origin is not None else 0)

    def delivery_delays(self) -> list[int]:
        """Per delivering node, microseconds from origination to its first delivery."""
        return sorted(t - self.origin_time for t in self.delivered_at.values())


class Totals:
    __slots__ = (
        "arrivals",
        "bytes_sent",
        "crashed",
        "events",
        "lost",
        "packets_sent",
        "partitioned",
        "rejected",
        "timers",
    )

    def __init__(self) -> None:
        self.events = 0
        self.packets_sent = 0
        self.bytes_sent = 0
        #: Packets handed to a machine (the "deliveries" the simulator's speed is quoted in).
        self.arrivals = 0
        self.lost = 0
        self.partitioned = 0
        self.crashed = 0
        self.rejected = 0
        self.timers = 0


class Simulator:
    """Runs ``n`` nodes; see the module docstring. ``overlay`` and ``app`` are
    ``(handler, initial_states)`` pairs; at least one is given."""

    def __init__(
        self,
        config: NetworkConfig,
        overlay: tuple[Handler, Sequence[Any]] | None = None,
        app: tuple[Handler, Sequence[Any]] | None = None,
        *,
        start_times: Sequence[int] | None = None,
        tree: TreePlanner | None = None,
        max_message_stats: int | None = None,
    ) -> None:
        layers = [overlay, app]
        sizes = {len(layer[1]) for layer in layers if layer is not None}
        if len(sizes) != 1:
            raise NetworkError("network.bad_config", "give one or two layers of equal size")
        self.config = config
        self.n = sizes.pop()
        self.handlers: list[Handler | None] = [layer[0] if layer else None for layer in layers]
        self.states: list[list[Any]] = [list(layer[1]) if layer else [] for layer in layers]
        self.now = 0
        self.totals = Totals()
        self.messages: dict[bytes, MessageStats] = {}
        self.sent_by = [0] * self.n
        self.bytes_by = [0] * self.n
        #: Packets and bytes sent per traffic tag: the caller maps a broadcast's ``msg_id`` to
        #: its tag in :attr:`tags`; packets of other messages count under the tag ``None``.
        self.tags: dict[bytes, Hashable] = {}
        self.traffic: dict[Hashable, list[int]] = {}
        self._rng = random.Random(config.seed)
        self._link_seed = _mix64(config.seed & _MASK64)
        self._latency_cache: dict[int, int] = {}
        #: Per source node that sent a planned packet: the latency to every node (tree
        #: overlay only; n entries a row, built on the row's first use).
        self._latency_rows: dict[int, list[int]] = {}
        #: (msg_id, its stats, its traffic row) of the broadcast being planned: a plan's
        #: many :meth:`tree_send` calls look them up once.
        self._tree_account: tuple[bytes, MessageStats, list[int]] | None = None
        self._queue: list[tuple[Any, ...]] = []
        self._seq = 0
        self._up = [False] * self.n
        self._incarnation = [0] * self.n
        self._group: list[int] | None = None
        self._log = hashlib.blake2b(digest_size=32, person=b"duskspec-sim")
        #: With a tree overlay, app broadcasts are planned by it (no overlay machine runs).
        self.tree = tree
        #: Keep the per-broadcast accounting of at most this many messages, oldest dropped
        #: first (long runs that read only :attr:`totals`); ``None`` keeps every message.
        self.max_message_stats = max_message_stats
        for node, at in enumerate(start_times if start_times is not None else [0] * self.n):
            self._push(at, _START, node)

    # --- scheduling (before or during a run) ---------------------------------------------

    def _push(self, at: int, kind: int, *data: Any) -> None:
        heapq.heappush(self._queue, (at, self._seq, kind, *data))
        self._seq += 1

    def originate(self, at: int, node: int, payload: Any, size: int, msg_id: bytes | None) -> None:
        """Schedule a broadcast of ``payload`` from ``node``'s overlay at time ``at``."""
        self._push(at, _ORIGINATE, node, payload, size, msg_id)

    def crash(self, at: int, node: int) -> None:
        """From ``at`` the node receives nothing and its timers are void."""
        self._push(at, _CRASH, node)

    def restart(self, at: int, node: int) -> None:
        """The node comes back with the state it crashed with and gets :class:`Start`."""
        self._push(at, _RESTART, node)

    def split(self, at: int, groups: Iterable[Iterable[int]]) -> None:
        """From ``at`` packets only pass between nodes of the same group; nodes in no group
        form one more group together."""
        group = [-1] * self.n
        for index, members in enumerate(groups):
            for node in members:
                group[node] = index
        self._push(at, _SPLIT, tuple(group))

    def heal(self, at: int) -> None:
        self._push(at, _HEAL)

    # --- running -------------------------------------------------------------------------

    def run(self, until: int | None = None) -> None:
        """Process events in (time, sequence) order until the queue is empty or the next
        event is later than ``until``."""
        queue = self._queue
        while queue and (until is None or queue[0][0] <= until):
            entry = heapq.heappop(queue)
            self.now = entry[0]
            self.totals.events += 1
            kind = entry[2]
            if kind == _ARRIVAL:
                self._arrive(entry)
            elif kind == _TIMER:
                self._fire(entry)
            elif kind == _TREE_ARRIVAL:
                self._tree_arrive(entry)
            else:
                self._control(entry)
        if until is not None:
            self.now = max(self.now, until)

    def _control(self, entry: tuple[Any, ...]) -> None:
        kind = entry[2]
        self._log.update(struct.pack("<BQ", kind, entry[0]))
        if kind in (_START, _RESTART):
            node = entry[3]
            self._log.update(struct.pack("<I", node))
            self._up[node] = True
            for layer in (OVERLAY, APP):
                if self.handlers[layer] is not None:
                    self._dispatch(node, layer, Start(self.now))
        elif kind == _ORIGINATE:
            _, _, _, node, payload, size, msg_id = entry
            self._log.update(struct.pack("<II", node, size) + (msg_id or b""))
            if self._up[node]:
                self._originate(node, payload, size, msg_id)
        elif kind == _CRASH:
            node = entry[3]
            self._log.update(struct.pack("<I", node))
            self._up[node] = False
            self._incarnation[node] += 1
        elif kind == _SPLIT:
            self._group = list(entry[3])
            self._log.update(bytes(str(entry[3]), "ascii"))
        else:
            self._group = None

    def _originate(self, node: int, payload: Any, size: int, msg_id: bytes | None) -> None:
        if msg_id is not None:
            stats = self._stats(msg_id)
            if stats.origin is None:
                stats.origin, stats.origin_time = node, self.now
            if self.tree is not None:
                self._tree_account = None
                self.tree.plan(self, node, payload, size, msg_id)
                # Every packet of a planned broadcast is counted now: its tag is not
                # needed again (memory stays flat however many broadcasts run).
                self.tags.pop(msg_id, None)
                return
        self._dispatch(node, OVERLAY, Originate(self.now, payload, size, msg_id))

    # --- tree overlay ----------------------------------------------------------------------

    def tree_send(
        self, src: int, at: int, targets: Sequence[tuple[int, int]], size: int, msg_id: bytes
    ) -> list[tuple[int, int, int]]:
        """The packets ``src`` sends at ``at`` for a planned broadcast, one per ``(dest,
        height)`` target: each counted like a :class:`Send`, lost with the link's loss
        probability or by the partition in force now, else delayed like a :class:`Send`.
        Returns ``(arrival time, dest, height)`` of the packets that arrive, in order."""
        count = len(targets)
        totals = self.totals
        totals.packets_sent += count
        totals.bytes_sent += count * size
        self.sent_by[src] += count
        self.bytes_by[src] += count * size
        account = self._tree_account
        if account is None or account[0] is not msg_id:
            account = self._tree_account = (msg_id, self._stats(msg_id), self._traffic_row(msg_id))
        _, stats, row = account
        row[0] += count
        row[1] += count * size
        stats.transmissions += count
        stats.bytes += count * size
        loss = self.config.loss
        jitter = self.config.jitter_us
        draw = self._rng.random
        group = self._group
        arrivals = stats.arrivals
        latency = self.link_latency
        arriving = []
        if group is None and not loss:
            return self._tree_send_clear(src, at, targets, arrivals)
        for dest, height in targets:
            if group is not None and group[src] != group[dest]:
                totals.partitioned += 1
                stats.lost += 1
                continue
            if loss and draw() < loss:
                totals.lost += 1
                stats.lost += 1
                continue
            delay = latency(src, dest)
            if jitter:
                delay += int(draw() * (jitter + 1))
            arrivals[dest] = arrivals.get(dest, 0) + 1
            arriving.append((at + delay, dest, height))
        return arriving

    def _tree_send_clear(
        self, src: int, at: int, targets: Sequence[tuple[int, int]], arrivals: dict[int, int]
    ) -> list[tuple[int, int, int]]:
        """:meth:`tree_send` with no partition and no loss: every packet arrives, after the
        link latency plus jitter (the same draws, in the same order)."""
        spread = self.config.jitter_us + 1
        draw = self._rng.random
        row = self._latency_rows.get(src)
        if row is None:
            row = self._latency_rows[src] = [self.link_latency(src, d) for d in range(self.n)]
        arriving = []
        if spread == 1:
            for dest, height in targets:
                arrivals[dest] = arrivals.get(dest, 0) + 1
                arriving.append((at + row[dest], dest, height))
            return arriving
        for dest, height in targets:
            arrivals[dest] = arrivals.get(dest, 0) + 1
            arriving.append((at + row[dest] + int(draw() * spread), dest, height))
        return arriving

    def tree_delivery(self, at: int, node: int, payload: Any, msg_id: bytes, hops: int) -> None:
        """Queue ``node``'s first arrival of a planned broadcast."""
        self._push(at, _TREE_ARRIVAL, node, payload, msg_id, hops)

    def _tree_arrive(self, entry: tuple[Any, ...]) -> None:
        now, _, _, node, payload, msg_id, hops = entry
        up = self._up[node]
        arrival = struct.pack("<BQIIB", _TREE_ARRIVAL, now, node, hops, up) + msg_id
        if not up:
            self._log.update(arrival)
            self.totals.crashed += 1
            self._stats(msg_id).lost += 1
            return
        self.totals.arrivals += 1
        # :meth:`_deliver` for the overlay layer, its record hashed with the arrival's in one
        # update (the same bytes in the same order: the digest is unchanged).
        self._log.update(
            arrival + struct.pack("<BQIBI", _DELIVER_LOG, now, node, OVERLAY, hops) + msg_id
        )
        stats = self._stats(msg_id)
        if node != stats.origin and node not in stats.delivered_at:
            stats.delivered_at[node] = now
            stats.hops[node] = hops
        if self.handlers[APP] is not None:
            self._dispatch(node, APP, Delivered(now, payload, msg_id, hops))

    def _stats(self, msg_id: bytes) -> MessageStats:
        stats = self.messages.get(msg_id)
        if stats is None:
            if self.max_message_stats is not None and len(self.messages) >= self.max_message_stats:
                del self.messages[next(iter(self.messages))]
            stats = self.messages[msg_id] = MessageStats(msg_id)
        return stats

    def _tally(self, msg_id: bytes | None, count: int, size: int) -> None:
        row = self._traffic_row(msg_id)
        row[0] += count
        row[1] += count * size

    def _traffic_row(self, msg_id: bytes | None) -> list[int]:
        """[packets, bytes] of the traffic tag of ``msg_id`` (``None``: untagged)."""
        tag = self.tags.get(msg_id) if msg_id is not None else None
        row = self.traffic.get(tag)
        if row is None:
            row = self.traffic[tag] = [0, 0]
        return row

    def _separated(self, a: int, b: int) -> bool:
        group = self._group
        return group is not None and group[a] != group[b]

    def _arrive(self, entry: tuple[Any, ...]) -> None:
        now, _, _, dst, src, layer, payload, size, msg_id, hops = entry
        if not self._up[dst]:
            fate = CRASHED
            self.totals.crashed += 1
        elif self._group is not None and self._group[src] != self._group[dst]:
            fate = PARTITIONED
            self.totals.partitioned += 1
        else:
            fate = DELIVERED
        self._log.update(struct.pack("<BQIIBIIB", _ARRIVAL, now, src, dst, layer, size, hops, fate))
        if msg_id is not None:
            self._log.update(msg_id)
            stats = self._stats(msg_id)
            if fate != DELIVERED:
                stats.lost += 1
                return
            stats.arrivals[dst] = stats.arrivals.get(dst, 0) + 1
        elif fate != DELIVERED:
            return
        self.totals.arrivals += 1
        self._dispatch(dst, layer, Receive(now, src, payload, msg_id, hops))

    def _fire(self, entry: tuple[Any, ...]) -> None:
        now, _, _, node, layer, tag, incarnation = entry
        alive = self._up[node] and incarnation == self._incarnation[node]
        self._log.update(struct.pack("<BQIBB", _TIMER, now, node, layer, alive))
        self._log.update(repr(tag).encode())
        if alive:
            self.totals.timers += 1
            self._dispatch(node, layer, Timer(now, tag))

    def _dispatch(self, node: int, layer: int, event: Any) -> None:
        handler = self.handlers[layer]
        if handler is None:
            return
        states = self.states[layer]
        try:
            state, outputs = handler(states[node], event)
            self._check_destinations(outputs)
        except ProtocolError as exc:
            self.totals.rejected += 1
            self._log.update(struct.pack("<BQIB", _REJECT_LOG, self.now, node, layer))
            self._log.update(exc.code.encode())
            return
        states[node] = state
        for output in outputs:
            kind = type(output)
            if kind is Send:
                self._send(node, layer, output)
            elif kind is SetTimer:
                at = output.at if output.at > self.now else self.now
                self._push(at, _TIMER, node, layer, output.tag, self._incarnation[node])
            elif kind is Deliver:
                self._deliver(node, layer, output)
            elif kind is Broadcast:
                self._originate(node, output.payload, output.size, output.msg_id)
            else:
                raise TypeError(f"unknown output {kind.__name__}")

    def _check_destinations(self, outputs: Sequence[Any]) -> None:
        """A handler that sends to a node the simulator does not have is rejected like one
        that raised: ``network.unknown_address``, its state unchanged."""
        n = self.n
        for output in outputs:
            if type(output) is Send and not 0 <= output.dest < n:
                raise NetworkError("network.unknown_address", f"no simulated node {output.dest}")

    def _deliver(self, node: int, layer: int, output: Deliver) -> None:
        msg_id = output.msg_id
        self._log.update(struct.pack("<BQIBI", _DELIVER_LOG, self.now, node, layer, output.hops))
        if msg_id is not None:
            self._log.update(msg_id)
            stats = self._stats(msg_id)
            if node != stats.origin and node not in stats.delivered_at:
                stats.delivered_at[node] = self.now
                stats.hops[node] = output.hops
        if layer == OVERLAY and self.handlers[APP] is not None:
            self._dispatch(node, APP, Delivered(self.now, output.payload, msg_id, output.hops))

    def link_latency(self, a: int, b: int) -> int:
        """Base latency of the link {a, b}: symmetric, fixed for the whole run."""
        lo, hi = (a, b) if a <= b else (b, a)
        key = lo * self.n + hi
        latency = self._latency_cache.get(key)
        if latency is None:
            config = self.config
            spread = config.max_latency_us - config.min_latency_us + 1
            latency = config.min_latency_us + _mix64(self._link_seed ^ key) % spread
            self._latency_cache[key] = latency
        return latency

    def _send(self, src: int, layer: int, output: Send) -> None:
        dest, payload, size, msg_id, hops = output
        totals = self.totals
        totals.packets_sent += 1
        totals.bytes_sent += size
        self.sent_by[src] += 1
        self.bytes_by[src] += size
        self._tally(msg_id, 1, size)
        if msg_id is not None:
            stats = self._stats(msg_id)
            stats.transmissions += 1
            stats.bytes += size
        config = self.config
        fate = IN_FLIGHT
        if self._group is not None and self._group[src] != self._group[dest]:
            fate = PARTITIONED
            totals.partitioned += 1
        elif config.loss and self._rng.random() < config.loss:
            fate = LOST
            totals.lost += 1
        self._log.update(
            struct.pack("<BQIIBIIB", _SEND_LOG, self.now, src, dest, layer, size, hops, fate)
        )
        if fate != IN_FLIGHT:
            if msg_id is not None:
                self._log.update(msg_id)
                self._stats(msg_id).lost += 1
            return
        delay = self.link_latency(src, dest)
        if config.jitter_us:
            delay += int(self._rng.random() * (config.jitter_us + 1))
        self._push(self.now + delay, _ARRIVAL, dest, src, layer, payload, size, msg_id, hops)

    # --- results -------------------------------------------------------------------------

    def digest(self) -> bytes:
        """BLAKE2b-256 over the canonical record of every event processed so far."""
        return self._log.copy().digest()

    def is_up(self, node: int) -> bool:
        return self._up[node]
