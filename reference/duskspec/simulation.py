"""``duskspec simulate``: provisioners running consensus over Kadcast in virtual time
(spec/consensus.md §3.6).

:func:`run` builds a Kadcast network with its own bootstrap protocol, puts one
:func:`duskspec.node.provisioner_machine` on every node, and runs the network simulator
until every honest node holds ``blocks`` Final blocks or a virtual-time limit passes. (A block
decided after a failed iteration is only ``Accepted`` and needs later attested blocks before
it is Final, so the run goes on past height ``blocks`` when it must.) Keys come from
``keygen`` on seeded byte strings, stakes and the Byzantine set from a seeded RNG: the same
configuration gives the same run. Only the wall-clock figure differs between machines.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from duskspec import attack, workload
from duskspec.chain import Chain, ExecutionMeter, genesis_chain
from duskspec.chain import metering as metering_execution
from duskspec.consensus import wire
from duskspec.consensus.block import Block
from duskspec.consensus.constants import DUSK, PRESETS, ConsensusParams
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.round import NodeKeys
from duskspec.consensus.verification import SignatureVerifier
from duskspec.crypto import bls
from duskspec.crypto.floor import FloorMeter, metering
from duskspec.errors import NetworkError, ProtocolError
from duskspec.network import sim
from duskspec.network.gossip import GossipNode, gossip_machine
from duskspec.network.kadcast.node import kadcast_machine
from duskspec.network.kadcast.wire import ray_id
from duskspec.network.scenario import bootstrap_network
from duskspec.network.tree import TreeOverlay
from duskspec.node import Behaviour, NodeContext, ProvisionerNode, provisioner_machine
from duskspec.types import BlsPublicKey, BlsSignature

#: Virtual time between checks of the stop condition (µs).
CHECK_EVERY_US = 1_000_000

#: ``packet``: every Kadcast packet runs through the node machines (the fidelity reference);
#: ``tree``: each broadcast's delegation tree is computed at once (spec/network.md §10.1);
#: ``flood``: every node forwards to every node (adversarial sweeps, spec/consensus.md §3.9).
OVERLAYS = ("tree", "packet", "flood")
#: Per-broadcast accounting kept by the simulator (the report reads only totals), so that
#: memory stays flat however many blocks run.
MESSAGE_STATS_KEPT = 256
#: Traffic tags kept, oldest dropped first (the packet overlay's broadcasts still in flight;
#: the tree overlay drops a tag once its broadcast is planned).
TAGS_KEPT = 8192


@dataclass(frozen=True)
class SimulationConfig:
    provisioners: int = 32
    blocks: int = 20
    seed: int = 0
    preset: str = "mainnet"
    byzantine: float = 0.0
    behaviour: str = "equivocate"
    loss: float = 0.0
    #: Virtual seconds [start, end) during which the network is split in two halves.
    partition: tuple[int, int] | None = None
    #: Give up after this many virtual seconds per block.
    max_seconds_per_block: int = 900
    #: ``tree`` (each broadcast's Kadcast delegation tree computed at once), ``packet``
    #: (every Kadcast packet through its machine) or ``flood`` (every node forwards a new
    #: message to every other node: delivery within a partition side is certain).
    overlay: str = "tree"
    #: Raw frames an outsider broadcasts once: (virtual second, entry node, frame hex).
    frames: tuple[tuple[float, int, str], ...] = ()
    #: Transactions per virtual second (spec/node.md §5); 0: consensus alone, empty blocks.
    tx_rate: float = 0.0
    #: With ``tx_rate``: Phoenix transfers from the proof pool too (spec/node.md rule 9.3).
    phoenix: bool = False


def config_from(values: Any, **overrides: Any) -> SimulationConfig:
    """A :class:`SimulationConfig` from the attributes of ``values`` (parsed command-line
    arguments) that name one of its fields and are not ``None``, then ``overrides``."""
    names = {f.name for f in dataclasses.fields(SimulationConfig)}
    given = {k: v for k, v in vars(values).items() if k in names and v is not None}
    return SimulationConfig(**(given | overrides))


@dataclass
class SimulationReport:
    config: SimulationConfig
    blocks_finalized: int
    blocks_accepted: int
    agreement_ok: bool
    agreement_detail: str
    max_iteration: int
    iterations_per_block: float
    time_to_attestation_s: float
    time_to_finality_s: float
    messages_per_block: float
    bytes_per_block: float
    signature_verifications: int
    signature_checks: int
    virtual_seconds: float
    wall_seconds: float
    honest: int
    byzantine_nodes: int
    byzantine_stake: float
    digest: str
    #: Blocks honest nodes reverted by fork choice (a lower-iteration block won, §1.13).
    fallbacks: int = 0
    #: CPU seconds (``time.process_time``) of the consensus run, bootstrap excluded.
    cpu_seconds: float = 0.0
    #: CPU seconds of building the Kadcast tables by the bootstrap protocol.
    bootstrap_cpu_seconds: float = 0.0
    #: CPU seconds of the distinct BLS operations of the run (spec/consensus.md §11).
    floor_cpu_seconds: float = 0.0
    #: Per metered operation: distinct calls, repeats, CPU seconds of the distinct ones.
    floor_operations: dict[str, dict[str, float | int]] = field(default_factory=dict)
    #: Messages the nodes' handlers rejected with a ProtocolError (dropped, state unchanged).
    rejected_messages: int = 0
    #: Blocks honest nodes hold whose block signature does not verify under their generator.
    forged_blocks_accepted: int = 0
    #: ``safe``, ``agreement_violated`` or ``not_live`` (duskspec.attack.verdict).
    verdict: str = "safe"
    #: For ``agreement_violated``: the height and the two conflicting Final blocks.
    evidence: dict[str, Any] | None = None
    #: The Byzantine coalition's [Validation, Ratification] credits per iteration of round 1.
    coalition_credits: list[list[int]] = field(default_factory=list)
    per_block: list[dict[str, Any]] = field(default_factory=list)
    #: With ``tx_rate``: the transactions' fates, throughput, fees, rewards (spec/node.md §5).
    transactions: dict[str, Any] = field(default_factory=dict)
    #: With ``tx_rate``: ``ok``, ``state_diverged`` or ``supply_not_conserved`` (rule N5.2).
    ledger_verdict: str = "ok"
    ledger_evidence: dict[str, Any] | None = None
    #: With ``tx_rate``: CPU seconds of the distinct block executions (spec/node.md 3.3).
    execution_floor_cpu_seconds: float = 0.0
    #: Packets and bytes sent per (message kind, round), sorted (:func:`traffic_rows`).
    traffic: list[dict[str, Any]] = field(default_factory=list)
    #: Bytes each node sent over the run, by node index.
    node_bytes: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        fields = dict(vars(self))
        fields.pop("per_block")
        fields.pop("traffic")
        fields.pop("node_bytes")
        fields["config"] = vars(self.config)
        return fields


def flood_nodes(count: int, seed: int) -> list[GossipNode]:
    """The ``flood`` overlay: each node forwards a new message to every other node."""
    return [
        GossipNode(i, tuple(j for j in range(count) if j != i), count - 1, seed)
        for i in range(count)
    ]


flood_machine = gossip_machine


def make_provisioners(
    count: int, seed: int, minimum_stake: int
) -> tuple[list[NodeKeys], tuple[Provisioner, ...]]:
    """Keys from ``keygen(b"duskspec-sim/<seed>/<i>")``; stakes of 1 to 4 times the minimum,
    seeded; everyone eligible from genesis."""
    rng = random.Random(seed)
    keys = []
    members = []
    for i in range(count):
        secret, public = bls.keygen(f"duskspec-sim/{seed}/{i}".encode())
        keys.append(NodeKeys(secret, public))
        members.append(
            Provisioner(public, minimum_stake * rng.randint(1, 4) + rng.randrange(DUSK), 0)
        )
    return keys, provisioner_set(members)


def choose_byzantine(stakes: list[int], fraction: float, seed: int) -> set[int]:
    """A seeded choice of nodes whose stake is as close to ``fraction`` of the total as the
    stakes allow without exceeding it (:func:`duskspec.attack.closest_coalition`)."""
    return attack.closest_coalition(stakes, fraction, seed)


def run(
    config: SimulationConfig,
    on_progress: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    on_finish: Callable[[list[ProvisionerNode], Chain | None], None] | None = None,
) -> SimulationReport:
    """``on_phase`` hears "keys", "network bootstrap" and "consensus" as each phase starts;
    ``on_progress`` the number of blocks final at every honest node, once a virtual second;
    ``on_finish`` the honest nodes at the end and the genesis chain (``simulate
    --trace-ledger``, spec/runtime.md §14)."""
    phase = on_phase or (lambda name: None)
    params = PRESETS[config.preset]
    phase("keys")
    keys, provisioners = make_provisioners(config.provisioners, config.seed, params.minimum_stake)
    stake_of = {p.public_key: p.value for p in provisioners}
    stakes = [stake_of[k.public_key] for k in keys]
    byzantine = choose_byzantine(stakes, config.byzantine, config.seed)
    behaviour = Behaviour(config.behaviour)
    tip = genesis_tip(provisioners)
    chain = None
    if config.tx_rate > 0:
        state = workload.genesis_state(
            provisioners, config.seed, params.epoch, config.phoenix, bytes(params.emergency_key)
        )
        chain = genesis_chain(tip.hash, state, workload.hidden(config.phoenix))
    nodes = [
        ProvisionerNode(
            keys[i], behaviour if i in byzantine else Behaviour.HONEST, tip, chain=chain
        )
        for i in range(config.provisioners)
    ]
    # ``split``: every Byzantine key also runs a twin, placed on the other side of the
    # partition (spec/consensus.md §3.9); the twins are nodes n, n+1, ...
    twins = sorted(byzantine) if behaviour == Behaviour.SPLIT else []
    nodes += [ProvisionerNode(keys[b], behaviour, tip, chain=chain) for b in twins]
    total = config.provisioners + len(twins)
    stream = (
        workload.Workload(config.seed, config.tx_rate, total, config.phoenix) if chain else None
    )
    verifier = SignatureVerifier()
    context = NodeContext(params, provisioners, verifier)
    if config.overlay not in OVERLAYS:
        raise NetworkError("network.unknown_overlay", f"{config.overlay!r}; known: {OVERLAYS}")
    phase("network bootstrap")
    bootstrap_start = time.process_time()
    overlay: tuple[Any, Any] | None = (flood_machine, flood_nodes(total, config.seed))
    tree = None
    origin = 0
    if config.overlay != "flood":
        network = bootstrap_network(total, seed=config.seed)
        overlay = (kadcast_machine, network.nodes)
        origin = network.end_us
        if config.overlay == "tree":
            tree, overlay = TreeOverlay(network.nodes), None
    bootstrap_cpu = time.process_time() - bootstrap_start
    net_config = sim.NetworkConfig(seed=config.seed, loss=config.loss)
    # Consensus starts where the bootstrap run ended: the routing tables' timestamps are from
    # that run, and a clock that went back to 0 would make every peer look fresh and every
    # lookup look overdue. All times below are relative to this origin.
    tags: dict[bytes, Any] = {}
    simulator = sim.Simulator(
        net_config,
        overlay=overlay,
        app=(tagging(provisioner_machine(context), tags, params), nodes),
        start_times=[origin] * total,
        tree=tree,
        max_message_stats=MESSAGE_STATS_KEPT,
    )
    simulator.tags = tags
    for at, entry, frame_hex in config.frames:
        frame = bytes.fromhex(frame_hex)
        simulator.originate(origin + int(at * 1_000_000), entry, frame, len(frame), ray_id(frame))
    honest = [i for i in range(config.provisioners) if i not in byzantine]
    if config.partition is not None:
        start, end = config.partition
        half = config.provisioners // 2
        groups: list[Any] = [range(half), range(half, config.provisioners)]
        if twins:
            public = [k.public_key for k in keys]
            secrets = {keys[b].public_key: keys[b].secret_key for b in byzantine}
            plan = attack.planned_split(
                honest, byzantine, public, provisioners, tip.seed, params, secrets
            )
            groups = attack.split_groups(honest, byzantine, twins, total, stakes, plan)
        simulator.split(origin + start * 1_000_000, groups)
        simulator.heal(origin + end * 1_000_000)
    limit_us = config.max_seconds_per_block * (config.blocks + 1) * 1_000_000
    wall_start = time.perf_counter()
    phase("consensus")
    cpu_start = time.process_time()
    meter = FloorMeter()
    executions = ExecutionMeter()
    now = origin
    with metering(meter), metering_execution(executions):
        final = 0
        while now < origin + limit_us:
            if stream is not None and final < config.blocks - workload.TAIL_BLOCKS:
                for at, entry, frame in stream.batch(now):
                    simulator.originate(at, entry, frame, len(frame), ray_id(frame))
            now += CHECK_EVERY_US
            simulator.run(until=now)
            newly_final = min(
                finalized_up_to(simulator.states[sim.APP][i], config.blocks) for i in honest
            )
            if newly_final > final:
                verifier.advance()  # rule 3.32: one generation per block final everywhere
                meter.advance()  # rule 11.2
            final = newly_final
            if on_progress:
                on_progress(final)
            if final >= config.blocks and settled(simulator, honest, stream):
                break
    cpu = time.process_time() - cpu_start
    wall = time.perf_counter() - wall_start
    result = report(config, simulator, honest, byzantine, stakes, verifier, wall, origin)
    states = [simulator.states[sim.APP][i] for i in honest]
    outcome, evidence = attack.verdict(states, honest, result.blocks_finalized >= config.blocks)
    if stream is not None:
        result = with_ledger(result, stream, states, params)
    if on_finish is not None:
        on_finish(states, chain)
    coalition = {keys[b].public_key for b in byzantine}
    credits = attack.coalition_credits(provisioners, tip.seed, coalition, params)
    return dataclasses.replace(
        result,
        verdict=outcome,
        evidence=evidence,
        coalition_credits=credits,
        cpu_seconds=cpu,
        bootstrap_cpu_seconds=bootstrap_cpu,
        floor_cpu_seconds=meter.cpu_s,
        floor_operations=meter.summary(),
        execution_floor_cpu_seconds=executions.cpu_s,
        traffic=traffic_rows(simulator.traffic),
        node_bytes=list(simulator.bytes_by),
    )


def settled(simulator: sim.Simulator, honest: list[int], stream: Any) -> bool:
    """With a workload: every honest mempool is empty and every sent transaction final or
    refused (the run goes on past ``blocks`` until it is, within the time limit)."""
    if stream is None:
        return True
    states = [simulator.states[sim.APP][i] for i in honest]
    if any(n.chain is not None and n.chain.mempool.entries for n in states):
        return False
    chains = [n.chain for n in states if n.chain is not None]
    summary = workload.transaction_summary(stream, chains, 1.0)
    return bool(summary["pending"] == 0)


def with_ledger(
    result: SimulationReport, stream: Any, states: list[ProvisionerNode], params: Any
) -> SimulationReport:
    """Add the transactions' summary, the per-block ledger series and the ledger verdict."""
    chains = [n.chain for n in states if n.chain is not None]
    verdict, evidence = workload.ledger_checks(chains, params)
    reference = min(chains, key=lambda c: len(c.final))
    series = workload.per_block_series(reference)
    per_block = [{**b, **series.get(b["height"], {})} for b in result.per_block]
    return dataclasses.replace(
        result,
        transactions=workload.transaction_summary(stream, chains, result.virtual_seconds),
        ledger_verdict=verdict,
        ledger_evidence=evidence,
        per_block=per_block,
    )


#: Message kinds of the consensus wire topics (spec/consensus.md).
TOPIC_KINDS = {
    wire.TOPIC_BLOCK: "block",
    wire.TOPIC_CANDIDATE: "candidate",
    wire.TOPIC_VALIDATION: "validation",
    wire.TOPIC_RATIFICATION: "ratification",
    wire.TOPIC_QUORUM: "quorum",
}
#: Offset of the topic byte in a frame: after the version (u8 major, u16 minor, u16 patch).
TOPIC_OFFSET = 5


def traffic_tag(frame: bytes, sender: ProvisionerNode, params: ConsensusParams) -> tuple[str, int]:
    """``(kind, round)`` of a broadcast frame: the kind from its topic, the round from the
    message (a block's height) or else the round the sender is working on."""
    topic = frame[TOPIC_OFFSET] if len(frame) > TOPIC_OFFSET else -1
    kind = TOPIC_KINDS.get(topic, f"topic {topic}")
    round = sender.tip.height + 1
    if topic in TOPIC_KINDS:
        try:
            message = wire.decode_shared(frame, params)
        except ProtocolError:
            return kind, round
        if isinstance(message, wire.AcceptedBlock):
            return kind, message.block.header.height
        if isinstance(message, Block):
            return kind, message.header.height
        return kind, message.header.round
    return kind, round


def tagging(handler: sim.Handler, tags: dict[bytes, Any], params: ConsensusParams) -> sim.Handler:
    """``handler`` that also records the :func:`traffic_tag` of every broadcast it makes."""

    def handle(state: Any, event: Any) -> tuple[Any, Sequence[Any]]:
        state, outputs = handler(state, event)
        for output in outputs:
            fresh = type(output) is sim.Broadcast and output.msg_id not in tags
            if fresh and output.msg_id is not None:
                if len(tags) >= TAGS_KEPT:
                    del tags[next(iter(tags))]  # the oldest broadcast's tag
                tags[output.msg_id] = traffic_tag(output.payload, state, params)
        return state, outputs

    return handle


def traffic_rows(traffic: dict[Any, list[int]]) -> list[dict[str, Any]]:
    """One row per (kind, round), sorted; packets of no tagged broadcast (Kadcast's own
    maintenance) under kind ``overlay``, round ``None``."""
    rows = [
        {
            "kind": tag[0] if tag is not None else "overlay",
            "round": tag[1] if tag is not None else None,
            "packets": packets,
            "bytes": size,
        }
        for tag, (packets, size) in traffic.items()
    ]
    return sorted(rows, key=lambda r: (r["round"] is None, r["round"] or 0, r["kind"]))


def finalized_up_to(node: ProvisionerNode, height: int) -> int:
    """How many of the blocks 1..height this node holds as Final."""
    return sum(1 for h, _ in node.finalized if h <= height)


def agreement(states: list[ProvisionerNode]) -> tuple[bool, str]:
    """No two honest nodes accepted, or finalized, different blocks at one height."""
    by_height: dict[int, set[bytes]] = {}
    for node in states:
        for record in node.accepted:
            by_height.setdefault(record.height, set()).add(record.hash)
    forks = sorted(h for h, hashes in by_height.items() if len(hashes) > 1)
    if forks:
        return False, f"honest nodes accepted different blocks at heights {forks[:10]}"
    return True, "every honest node accepted the same block at every height"


def forged_blocks_accepted(states: list[ProvisionerNode], verifier: SignatureVerifier) -> int:
    """Accepted blocks whose signature over their hash fails under their generator's key."""
    return sum(
        not verifier.verify(
            verifier.aggregate_key((BlsPublicKey(r.generator),)),
            r.hash,
            BlsSignature(r.signature),
        )
        for node in states
        for r in node.accepted
    )


def report(
    config: SimulationConfig,
    simulator: sim.Simulator,
    honest: list[int],
    byzantine: set[int],
    stakes: list[int],
    verifier: SignatureVerifier,
    wall: float,
    origin: int,
) -> SimulationReport:
    states: list[ProvisionerNode] = [simulator.states[sim.APP][i] for i in honest]
    ok, detail = agreement(states)
    reference = min(states, key=lambda n: len(n.accepted))
    accepted = [r for r in reference.accepted if r.height <= config.blocks]
    final_at = {h: t for h, t in reference.finalized}
    per_block = [
        {
            "height": r.height,
            "hash": r.hash.hex(),
            "iteration": r.iteration,
            "round_started_s": (r.round_started - origin // 1000) / 1000,
            "attested_after_s": (r.decided_at - r.round_started) / 1000,
            "final_after_s": (final_at[r.height] - r.round_started) / 1000
            if r.height in final_at
            else None,
        }
        for r in accepted
    ]
    count = max(len(accepted), 1)
    totals = simulator.totals
    attestation = [(r.decided_at - r.round_started) / 1000 for r in accepted]
    finality = [
        (final_at[r.height] - r.round_started) / 1000 for r in accepted if r.height in final_at
    ]
    return SimulationReport(
        config=config,
        blocks_finalized=min(finalized_up_to(n, config.blocks) for n in states),
        blocks_accepted=len(accepted),
        agreement_ok=ok,
        agreement_detail=detail,
        max_iteration=max((r.iteration for n in states for r in n.accepted), default=0),
        iterations_per_block=statistics.fmean([r.iteration + 1 for r in accepted])
        if accepted
        else 0.0,
        time_to_attestation_s=statistics.fmean(attestation) if attestation else 0.0,
        time_to_finality_s=statistics.fmean(finality) if finality else 0.0,
        messages_per_block=totals.packets_sent / count,
        bytes_per_block=totals.bytes_sent / count,
        signature_verifications=verifier.verifications,
        signature_checks=verifier.calls,
        virtual_seconds=(simulator.now - origin) / 1_000_000,
        wall_seconds=wall,
        honest=len(honest),
        byzantine_nodes=len(byzantine),
        byzantine_stake=sum(stakes[i] for i in byzantine) / sum(stakes),
        digest=simulator.digest().hex(),
        fallbacks=sum(len(n.reverted) for n in states),
        rejected_messages=totals.rejected,
        forged_blocks_accepted=forged_blocks_accepted(states, verifier),
        per_block=per_block,
    )
