"""One Kadcast peer as a pure machine for :mod:`duskspec.network.sim` (spec/network.md §6).

``kadcast_machine(state, event) -> (state, outputs)`` is the overlay handler. Payloads on the
simulated wire are decoded :mod:`~duskspec.network.kadcast.wire` messages (their byte size is
:func:`~duskspec.network.kadcast.wire.encoded_size`), so the simulator never re-parses
bytes; :func:`~duskspec.network.kadcast.wire.decode_message` is what a real node runs first.

Simulated node ``i`` lives at IPv4 ``10.a.b.c`` (``i = a·2^16 + b·2^8 + c``), UDP port
:data:`SIM_PORT`, so its Kadcast id is derived from its address exactly as Dusk derives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from duskspec.errors import NetworkError
from duskspec.network import sim
from duskspec.network.kadcast import lookup
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.broadcast import forward_targets, originate_targets
from duskspec.network.kadcast.ids import NodeId, Nonce, compute_id, generate_nonce, verify_nonce
from duskspec.network.kadcast.params import MAINNET, SECOND_US, KadcastParams
from duskspec.network.kadcast.wire import (
    PROTOCOL_VERSION,
    Broadcast,
    FindNodes,
    Header,
    Message,
    Nodes,
    PeerInfo,
    Ping,
    Pong,
    Version,
    encoded_size,
    ray_id,
)

#: Default UDP port of the simulated nodes.
SIM_PORT = 9000
#: Timer tags.
BOOTSTRAP, MAINTAIN = "bootstrap", "maintain"

# --- bounds on a node's state (spec/network.md §10.2) ----------------------------------------

#: Rule N10.5: the seen-message cache starts a new generation this often (Dusk prunes its
#: broadcast cache every 30 s and keeps an entry 60 s); two generations are kept.
SEEN_GENERATION_US = 30 * SECOND_US
#: Rule N10.5: a generation also ends when it holds this many message ids.
SEEN_GENERATION_MAX = 1024
#: Rule N10.6: at most this many FIND_NODES requests await their NODES reply.
REQUESTS_MAX = 1024
#: Rule N10.6: a NODES reply counts only this long after the FIND_NODES it answers.
REQUEST_TTL_US = 30 * SECOND_US
#: Rule N10.7: at most this many peers are remembered as asked between bucket refreshes.
ASKED_MAX = 2048

Outputs = tuple[Any, ...]


@lru_cache(maxsize=65536)
def sim_ip(index: int) -> bytes:
    """The IPv4 address of simulated node ``index`` (10.0.0.0/8)."""
    return bytes((10, (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF))


@lru_cache(maxsize=65536)
def sim_index(ip: bytes) -> int:
    """Inverse of :func:`sim_ip` (an address outside 10.0.0.0/8 raises, and is not cached)."""
    if len(ip) != 4 or ip[0] != 10:
        raise NetworkError("network.unknown_address", f"{ip.hex()} is not a simulated node")
    return int.from_bytes(ip[1:], "big")


class KadcastNode(NamedTuple):
    """One peer's state: a tuple, so a new state is one allocation that shares every
    field but the changed ones (spec/network.md N14.2); :func:`evolve` is its
    ``dataclasses.replace``."""

    ip: bytes
    header: Header
    table: rt.RoutingTable
    params: KadcastParams
    #: Seeds the choice of broadcast delegates (rule N5.3).
    seed: int
    #: Addresses (ip, port) of the bootstrap nodes.
    bootstrap: tuple[tuple[bytes, int], ...] = ()
    #: Ids of the broadcasts already delivered (duplicate suppression, rule N5.4): the
    #: current generation of the seen cache (rule N10.5).
    delivered: frozenset[bytes] = frozenset()
    #: Peers sent a discovery FIND_NODES since the last bucket refresh (rule N6.2).
    asked: frozenset[bytes] = frozenset()
    version: Version = PROTOCOL_VERSION
    #: The previous generation of the seen cache and when the current one began (N10.5).
    delivered_before: frozenset[bytes] = frozenset()
    generation_started: int = 0
    #: FIND_NODES sent and not yet answered: address -> (count, time of the last one),
    #: oldest first (rule N10.6). Never mutated: every change builds a new dict (so the
    #: shared empty default is never written either).
    requests: dict[bytes, tuple[int, int]] = {}  # noqa: RUF012

    @property
    def peer(self) -> PeerInfo:
        return PeerInfo(self.ip, self.header.sender_port, self.header.node_id)


def new_node(
    index: int,
    *,
    network_id: int = 1,
    seed: int = 0,
    bootstrap: Sequence[int] = (),
    params: KadcastParams = MAINNET,
    port: int = SIM_PORT,
) -> KadcastNode:
    """Simulated node ``index``: id from its address, nonce by proof of work (rule N1.4).
    Every node of one simulation uses the same ``port``; changing it changes every id."""
    ip = sim_ip(index)
    node_id = compute_id(ip, port)
    nonce = _nonce(node_id, params.difficulty_produced_bits)
    header = Header(node_id, nonce, port, network_id)
    boots = _bootstrap_addresses(tuple(bootstrap), port)
    return KadcastNode(ip, header, rt.RoutingTable(node_id), params, seed, boots)


@lru_cache(maxsize=64)
def _bootstrap_addresses(bootstrap: tuple[int, ...], port: int) -> tuple[tuple[bytes, int], ...]:
    """The bootstrap nodes' addresses: one tuple shared by every node given the same list
    (an immutable value; spec N14.4)."""
    return tuple((sim_ip(b), port) for b in bootstrap)


@lru_cache(maxsize=65536)
def _nonce(node_id: bytes, bits: int) -> Nonce:
    return generate_nonce(node_id, bits)


@lru_cache(maxsize=65536)
def _verified_peer(ip: bytes, port: int, node_id: NodeId, nonce: bytes) -> PeerInfo | None:
    """The peer at ``(ip, port)`` if ``node_id`` is derived from that address and ``nonce``
    is valid for it (rule N3.4), else ``None``. Memoized: every packet of a known sender
    carries the same four values."""
    if compute_id(ip, port) == node_id and verify_nonce(node_id, nonce):
        return PeerInfo(ip, port, node_id)
    return None


def version_matches(version: Version, required: Version = PROTOCOL_VERSION) -> bool:
    """Rule N3.5: semver caret match (``VersionReq "1.0.0"`` is ``^1.0.0``): same major,
    and not older than ``required``."""
    same_major = version.major == required.major
    return same_major and (version.minor, version.patch) >= (required.minor, required.patch)


def evolve(state: KadcastNode, **changes: Any) -> KadcastNode:
    """``dataclasses.replace`` for a node: a new node with ``changes``, every other field
    shared with ``state`` (which is left as it was); an unknown field name raises."""
    return state._replace(**changes)


def _with_table(state: KadcastNode, table: rt.RoutingTable) -> KadcastNode:
    """:func:`evolve` with a new ``table`` only (the per-packet path: field 2 replaced,
    the tuple built with ``tuple.__new__``)."""
    return tuple.__new__(KadcastNode, (state[0], state[1], table, *state[3:]))


def _send(peer_ip: bytes, message: Message, msg_id: bytes | None = None, hops: int = 1) -> sim.Send:
    return sim.Send(sim_index(peer_ip), message, encoded_size(message), msg_id, hops)


#: node id -> (PING, PONG, their size) of the node with that id (rule N6.4; spec N14.2).
_CONTROL: dict[bytes, tuple[Ping, Pong, int]] = {}
#: :data:`_CONTROL` is emptied when it holds this many nodes.
_CONTROL_MAX = 65536


def _control(state: KadcastNode) -> tuple[Ping, Pong, int]:
    """``Ping(state.header, state.version)``, ``Pong(state.header, state.version)`` and
    their encoded size (both the same), built once per node: they carry nothing else, and
    a cached pair is used only if it holds this very header and version."""
    header, version = state.header, state.version
    cached = _CONTROL.get(header.node_id)
    if cached is not None and cached[0].header is header and cached[0].version is version:
        return cached
    ping = Ping(header, version)
    made = (ping, Pong(header, version), encoded_size(ping))
    if len(_CONTROL) >= _CONTROL_MAX:
        _CONTROL.clear()
    _CONTROL[header.node_id] = made
    return made


def _send_control(peer_ip: bytes, message: Ping | Pong, size: int) -> sim.Send:
    """:func:`_send` of a PING or PONG of :func:`_control` (no message id, one hop)."""
    return tuple.__new__(sim.Send, (sim_index(peer_ip), message, size, None, 1))


# --- the machine --------------------------------------------------------------------------


def kadcast_machine(state: KadcastNode, event: Any) -> tuple[KadcastNode, Outputs]:
    """The overlay handler: one function per event kind."""
    kind = type(event)
    if kind is sim.Receive:
        return receive(state, event)
    if kind is sim.Originate:
        return originate(state, event)
    if kind is sim.Timer:
        return on_timer(state, event)
    if kind is sim.Start:
        return maintain_bootstrap(state, event.now)
    raise NetworkError("network.unknown_event", kind.__name__)


def check_header(state: KadcastNode, message: Message, source_ip: bytes) -> PeerInfo:
    """Rule N3.4: the sender is on our network, its id is derived from the packet's source
    address and its header port (``PeerNode::verify_header``) with a valid nonce, and
    non-broadcast messages carry a compatible version."""
    header = message.header
    if header.network_id != state.header.network_id:
        raise NetworkError("network.wrong_network", f"network id {header.network_id}")
    peer = _verified_peer(source_ip, header.sender_port, header.node_id, header.nonce)
    if peer is None:
        raise NetworkError("network.id_mismatch", "id not derived from the source address")
    if isinstance(message, Broadcast):
        return peer
    version = message.version
    if version is not PROTOCOL_VERSION and not version_matches(version):  # ours matches
        raise NetworkError("network.version_mismatch", f"version {version}")
    return peer


def receive(state: KadcastNode, event: sim.Receive) -> tuple[KadcastNode, Outputs]:
    """A message from node ``event.source``: update the table, then answer it."""
    message: Message = event.payload
    peer = check_header(state, message, sim_ip(event.source))
    state, pings = handle_peer(state, message, peer, event.now)
    if type(message) is Broadcast:
        state, outputs = receive_broadcast(state, message, event.hops, event.now)
    else:
        state, outputs = handle_request(state, message, peer, event.now)
    return state, pings + outputs if pings else outputs


def handle_peer(
    state: KadcastNode, message: Message, peer: PeerInfo, now: int
) -> tuple[KadcastNode, Outputs]:
    """Rule N4.9: a non-broadcast message inserts or refreshes its sender; a broadcast
    refreshes a known sender and PINGs an unknown one; a flagged LRU entry is PINGed."""
    params = state.params
    known = rt.refresh_known(state.table, peer, now, params)  # insert of a known peer too
    if known is not None:
        table, result = known
    elif type(message) is not Broadcast:
        table, result = rt.insert(state.table, peer, now, params)
    else:
        ping, _, size = _control(state)
        return state, (_send_control(peer.ip, ping, size),)
    if result.ping is None:
        pings: Outputs = ()
    else:
        ping, _, size = _control(state)
        pings = (_send_control(result.ping.ip, ping, size),)
    if table is state.table:
        return state, pings
    return _with_table(state, table), pings


def handle_request(
    state: KadcastNode, message: Message, peer: PeerInfo, now: int = 0
) -> tuple[KadcastNode, Outputs]:
    """Rule N6.4: PING gets PONG; FIND_NODES gets the K closest known peers to its target;
    NODES answering one of our FIND_NODES starts recursive discovery (rules N6.2, N10.6);
    PONG needs nothing more."""
    if isinstance(message, Ping):
        _, pong, size = _control(state)
        return state, (_send_control(peer.ip, pong, size),)
    if isinstance(message, FindNodes):
        closest = rt.closest_peers(state.table, message.target, state.params.k)
        return state, (_send(peer.ip, Nodes(state.header, state.version, closest)),)
    if isinstance(message, Nodes):
        if not was_requested(state, peer.ip, now):
            return state, ()
        return discover(answered(state, peer.ip), message.peers, now)
    return state, ()


def was_requested(state: KadcastNode, ip: bytes, now: int) -> bool:
    """Rule N10.6: a NODES reply counts only from an address we sent a FIND_NODES to less
    than :data:`REQUEST_TTL_US` ago and have not had all our answers from."""
    pending = state.requests.get(ip)
    return pending is not None and now - pending[1] < REQUEST_TTL_US


def answered(state: KadcastNode, ip: bytes) -> KadcastNode:
    """One FIND_NODES to ``ip`` has had its answer."""
    count, sent_at = state.requests[ip]
    requests = dict(state.requests)
    if count > 1:
        requests[ip] = (count - 1, sent_at)
    else:
        del requests[ip]
    return evolve(state, requests=requests)


def requested(state: KadcastNode, ips: Sequence[bytes], now: int) -> KadcastNode:
    """Rule N10.6: remember FIND_NODES sent to ``ips`` now. Past :data:`REQUESTS_MAX`
    addresses, expired requests go first, then the oldest."""
    if not ips:
        return state
    requests = dict(state.requests)
    for ip in ips:
        count, _ = requests.pop(ip, (0, now))
        requests[ip] = (count + 1, now)
    if len(requests) > REQUESTS_MAX:
        requests = {ip: r for ip, r in requests.items() if now - r[1] < REQUEST_TTL_US}
        while len(requests) > REQUESTS_MAX:
            del requests[next(iter(requests))]
    return evolve(state, requests=requests)


def discover(
    state: KadcastNode, peers: tuple[PeerInfo, ...], now: int = 0
) -> tuple[KadcastNode, Outputs]:
    """Rule N6.2: send FIND_NODES(its id) to every peer worth asking that was not already
    asked since the last bucket refresh, while fewer than :data:`ASKED_MAX` were (N10.7)."""
    targets = lookup.discovery_targets(state.table, peers, state.params)
    room = ASKED_MAX - len(state.asked)
    fresh = [p for p in targets if p.node_id not in state.asked][: max(room, 0)]
    if not fresh:
        return state, ()
    state = evolve(state, asked=state.asked | {p.node_id for p in fresh})
    state = requested(state, [p.ip for p in fresh], now)
    return state, tuple(
        _send(p.ip, FindNodes(state.header, state.version, p.node_id)) for p in fresh
    )


def seen(state: KadcastNode, message_id: bytes) -> bool:
    """Rules N5.4, N10.5: the id is in either generation of the seen cache."""
    return message_id in state.delivered or message_id in state.delivered_before


def remember(state: KadcastNode, message_id: bytes, now: int) -> KadcastNode:
    """Rule N10.5: add ``message_id`` to the current generation; a generation older than
    :data:`SEEN_GENERATION_US` or holding :data:`SEEN_GENERATION_MAX` ids becomes the
    previous one (the one before it is forgotten) and a new generation starts."""
    full = len(state.delivered) >= SEEN_GENERATION_MAX
    if full or now - state.generation_started >= SEEN_GENERATION_US:
        return evolve(
            state,
            delivered=frozenset((message_id,)),
            delivered_before=state.delivered,
            generation_started=now,
        )
    return evolve(state, delivered=state.delivered | {message_id})


def originate(state: KadcastNode, event: sim.Originate) -> tuple[KadcastNode, Outputs]:
    """Rule N5.1 (TLA+ ``Originate``): send a new broadcast to beta delegates of every
    bucket, each with the height of its bucket."""
    frame: bytes = event.payload
    message_id = ray_id(frame)
    state = remember(state, message_id, event.now)
    targets = originate_targets(state.table, state.params.beta, state.seed, message_id)
    return state, _delegate(state, targets, frame, message_id, hops=1)


def receive_broadcast(
    state: KadcastNode, message: Broadcast, hops: int, now: int = 0
) -> tuple[KadcastNode, Outputs]:
    """Rules N5.2 and N5.4 (TLA+ ``ReceiveBroadcast``): deliver a broadcast the first time
    it arrives and forward it to beta delegates of each bucket below its height; a message
    id already delivered is dropped."""
    message_id = ray_id(message.frame)
    if seen(state, message_id):
        return state, ()
    state = remember(state, message_id, now)
    deliver = sim.Deliver(message.frame, message_id, hops)
    if not state.params.auto_propagate:
        return state, (deliver,)
    params = state.params
    targets = forward_targets(state.table, message.height, params.beta, state.seed, message_id)
    return state, (deliver, *_delegate(state, targets, message.frame, message_id, hops + 1))


def _delegate(
    state: KadcastNode, targets: Sequence[Any], frame: bytes, message_id: bytes, hops: int
) -> Outputs:
    """One :class:`~duskspec.network.sim.Send` per delegation, one BROADCAST per height
    (its size is the same at every height); each ``Send`` built with ``tuple.__new__``."""
    header = state.header
    size = encoded_size(Broadcast(header, 0, frame))
    by_height: dict[int, Broadcast] = {}
    sends = []
    new = tuple.__new__
    for peer, height in targets:
        message = by_height.get(height)
        if message is None:
            message = by_height[height] = Broadcast(header, height, frame)
        sends.append(new(sim.Send, (sim_index(peer[0]), message, size, message_id, hops)))
    return tuple(sends)


def on_timer(state: KadcastNode, event: sim.Timer) -> tuple[KadcastNode, Outputs]:
    if event.tag == MAINTAIN:
        return maintain_buckets(state, event.now)
    return maintain_bootstrap(state, event.now)


def maintain_bootstrap(state: KadcastNode, now: int) -> tuple[KadcastNode, Outputs]:
    """Rule N6.1: below ``min_peers``, ask the bootstrap nodes and retry in 30 s; otherwise
    sleep until the next bucket refresh."""
    params = state.params
    if not lookup.needs_bootstrap(state.table, now, params):
        return state, (sim.SetTimer(now + params.bucket_ttl_us, MAINTAIN),)
    ask = FindNodes(state.header, state.version, state.header.node_id)
    boots = [ip for ip, _port in state.bootstrap if ip != state.ip]
    sends = tuple(_send(ip, ask) for ip in boots)
    state = requested(state, boots, now)
    return state, (*sends, sim.SetTimer(now + params.bootstrap_retry_us, BOOTSTRAP))


def maintain_buckets(state: KadcastNode, now: int) -> tuple[KadcastNode, Outputs]:
    """Rule N6.3: look up a key in every empty or idle bucket (alpha closest alive peers
    and the bootstrap nodes), PING the idle peers and drop them, then check the bootstrap."""
    params = state.params
    sends: list[sim.Send] = []
    boot_ips = [ip for ip, _port in state.bootstrap if ip != state.ip]
    contacted: list[bytes] = []
    for target in lookup.refresh_targets(state.table, now, params):
        asked = [p.ip for p in lookup.lookup_peers(state.table, target, now, params)] + boot_ips
        ask = FindNodes(state.header, state.version, NodeId(target))
        sends.extend(_send(ip, ask) for ip in asked)
        contacted.extend(asked)
    state = requested(state, contacted, now)
    ping = Ping(state.header, state.version)
    sends.extend(_send(p.ip, ping) for p in rt.idle_peers(state.table, now, params))
    state = evolve(state, table=rt.remove_idle(state.table, now, params), asked=frozenset())
    state, more = maintain_bootstrap(state, now)
    return state, (*sends, *more)
