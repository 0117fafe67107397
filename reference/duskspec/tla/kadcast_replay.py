"""TLC -> Python for Kadcast's broadcast (spec/network.md §13): behaviours of ``KadcastLossy``
replayed on :mod:`duskspec.network.kadcast` node states.

Abstraction (rule N13.1). Model node ``x`` (an ``IdBits``-bit id) is a Python node whose
128-bit id is ``x`` (little-endian, so XOR heights agree) at address ``sim_ip(x)``, with
``KadcastParams(k=K, beta=Beta)`` and a routing table holding, in each bucket, the ``K``
lowest ids of that bucket (the model's ``Table``). Then ``delivered[x]`` is "node ``x``'s seen
cache holds the broadcast's id" (:func:`duskspec.network.kadcast.node.seen`), ``originated``
is "the origin ran :func:`~duskspec.network.kadcast.node.originate`", and ``msgs`` is the set
of (destination, height) of the BROADCAST packets in flight.

Replay (rule N13.2). ``Originate`` runs ``originate`` on the origin; a ``ReceiveBroadcast``
step (TLC names it ``Next``: its packet is the one that left ``msgs``) runs
``receive_broadcast`` on the packet's destination. The packets Python sends that the model's
next state does not hold are the ones the network lost: the replay checks that the model
sent nothing Python did not, and that each fan-out (one sender, one height) lost at most
``MaxLoss`` packets and, with ``KeepOne``, not all of them. Then the abstraction of the
Python nodes must equal the model's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duskspec.network import sim
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.ids import NodeId, Nonce
from duskspec.network.kadcast.params import ID_LEN, KadcastParams
from duskspec.network.kadcast.wire import Broadcast, Header, PeerInfo, ray_id

#: The payload every replayed broadcast carries.
FRAME = b"duskspec kadcast trace replay"


class KadcastReplayMismatch(AssertionError):
    """A replayed step left the Python nodes in another state than the model's."""


@dataclass(frozen=True)
class KadcastModel:
    """The model's constants (``MCKadcastLossy.cfg`` or a variant)."""

    id_bits: int
    origin: int
    beta: int
    k: int
    max_loss: int
    keep_one: bool

    @property
    def nodes(self) -> range:
        return range(2**self.id_bits)

    def bucket(self, n: int, h: int) -> list[int]:
        return sorted(m for m in self.nodes if m != n and (n ^ m).bit_length() - 1 == h)

    def table(self, n: int, h: int) -> list[int]:
        """``Table(n, h)``: the ``K`` lowest ids of bucket ``h``."""
        return self.bucket(n, h)[: self.k]


def node_id(x: int) -> NodeId:
    return NodeId(x.to_bytes(ID_LEN, "little"))


def build_nodes(model: KadcastModel) -> list[kn.KadcastNode]:
    """Rule N13.1: one Python node per model id, tables as the model's ``Table``."""
    params = KadcastParams(k=model.k, beta=model.beta)
    nodes = []
    for x in model.nodes:
        header = Header(node_id(x), Nonce(bytes(4)), kn.SIM_PORT, 1)
        table = rt.RoutingTable(node_id(x))
        for h in range(model.id_bits):
            for m in model.table(x, h):
                peer = PeerInfo(kn.sim_ip(m), kn.SIM_PORT, node_id(m))
                table, _ = rt.insert(table, peer, 0, params)
        nodes.append(kn.KadcastNode(kn.sim_ip(x), header, table, params, seed=0))
    return nodes


@dataclass
class KadcastReplay:
    model: KadcastModel
    nodes: list[kn.KadcastNode] = field(init=False)
    originated: bool = False
    #: (destination, height) -> the packet in flight.
    inflight: dict[tuple[int, int], Broadcast] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.nodes = build_nodes(self.model)

    def abstract_state(self) -> dict[str, Any]:
        """Rule N13.1, in TLC's JSON shape."""
        message_id = ray_id(FRAME)
        return {
            "delivered": {str(x): kn.seen(n, message_id) for x, n in enumerate(self.nodes)},
            "originated": self.originated,
            "msgs": sorted(({"h": h, "to": to} for to, h in self.inflight), key=_order),
        }


def _order(packet: dict[str, int]) -> tuple[int, int]:
    return packet["to"], packet["h"]


def _packets(state: dict[str, Any]) -> set[tuple[int, int]]:
    return {(m["to"], m["h"]) for m in state["msgs"]}


def _sends(outputs: tuple[Any, ...]) -> dict[tuple[int, int], Broadcast]:
    return {(o.dest, o.payload.height): o.payload for o in outputs if isinstance(o, sim.Send)}


def _check_losses(
    model: KadcastModel, sent: set[tuple[int, int]], kept: set[tuple[int, int]]
) -> str:
    """Rule N13.2: each fan-out of one step lost at most MaxLoss packets, and not all with
    KeepOne. Returns what is wrong, or ``""``."""
    for height in sorted({h for _, h in sent}):
        fan_out = {p for p in sent if p[1] == height}
        lost = fan_out - kept
        if len(lost) > model.max_loss:
            return f"its fan-out at height {height} would lose {len(lost)} > MaxLoss packets"
        if model.keep_one and lost == fan_out:
            return f"every packet of its fan-out at height {height} would be lost"
    return ""


def replay_kadcast(model: KadcastModel, behaviour: list[dict[str, Any]]) -> dict[str, int]:
    """Replay one ``KadcastLossy`` behaviour; raise :class:`KadcastReplayMismatch` naming the
    first step (index and action) after which the Python nodes differ. Returns how many
    Originate, first and duplicate receipts were replayed and how many packets were lost."""
    replay = KadcastReplay(model)
    counts = {"Originate": 0, "ReceiveBroadcast": 0, "duplicate": 0, "lost": 0}
    _compare(replay, behaviour[0]["state"], "step 0 Init")
    for index, step in enumerate(behaviour[1:], start=1):
        before, after = behaviour[index - 1]["state"], step["state"]
        label, sent, received = _replay_step(replay, before, after, counts)
        new = _packets(after) - (_packets(before) - received)
        if not new <= set(sent):
            extra = sorted(new - set(sent))
            raise KadcastReplayMismatch(
                f"step {index} {label}: the model sends {extra}, Python does not"
            )
        wrong = _check_losses(model, set(sent), _packets(after))
        if wrong:
            raise KadcastReplayMismatch(
                f"step {index} {label}: Python sent {sorted(sent)}; {wrong}"
            )
        counts["lost"] += len(set(sent) - _packets(after))
        for packet in received:
            replay.inflight.pop(packet)
        replay.inflight.update({p: m for p, m in sent.items() if p in _packets(after)})
        _compare(replay, after, f"step {index} {label}")
    return counts


def _replay_step(
    replay: KadcastReplay, before: dict[str, Any], after: dict[str, Any], counts: dict[str, int]
) -> tuple[str, dict[tuple[int, int], Broadcast], set[tuple[int, int]]]:
    if after["originated"] and not before["originated"]:
        origin = replay.model.origin
        event = sim.Originate(0, FRAME, len(FRAME), None)
        replay.nodes[origin], outputs = kn.originate(replay.nodes[origin], event)
        replay.originated = True
        counts["Originate"] += 1
        return "Originate", _sends(outputs), set()
    received = _packets(before) - _packets(after)
    if len(received) != 1:
        raise KadcastReplayMismatch(f"a step that receives {sorted(received)}, not one packet")
    (to, height) = next(iter(received))
    packet = replay.inflight.get((to, height))
    if packet is None:
        raise KadcastReplayMismatch(f"the model receives ({to}, {height}), which Python never sent")
    duplicate = kn.seen(replay.nodes[to], ray_id(FRAME))
    replay.nodes[to], outputs = kn.receive_broadcast(replay.nodes[to], packet, 1)
    counts["duplicate" if duplicate else "ReceiveBroadcast"] += 1
    return f"ReceiveBroadcast(to={to}, h={height})", _sends(outputs), received


def _compare(replay: KadcastReplay, model_state: dict[str, Any], label: str) -> None:
    python = replay.abstract_state()
    expected = {**model_state, "msgs": sorted(model_state["msgs"], key=_order)}
    if python != expected:
        diffs = [
            f"{k}: model {expected[k]}, python {python[k]}"
            for k in python
            if python[k] != expected[k]
        ]
        raise KadcastReplayMismatch(f"{label}: " + "; ".join(diffs))
