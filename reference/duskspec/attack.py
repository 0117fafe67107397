"""The simulated adversary's arithmetic and the run's verdict (spec/consensus.md §3.9).

- :func:`closest_coalition`: a seeded choice of Byzantine nodes whose stake comes as close
  to a fraction of the total as the stakes allow, without exceeding it;
- :func:`coalition_credits`: the credits that coalition holds in each Validation and
  Ratification committee of round 1;
- :func:`split_groups`: the two sides of a partition when every Byzantine key also runs a
  twin on the other side (behaviour ``split``);
- :func:`verdict`: ``safe``, ``agreement_violated`` (with the two conflicting Final blocks)
  or ``not_live``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from duskspec.consensus.constants import ConsensusParams, majority, supermajority
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import StepName, generator
from duskspec.consensus.verification import cached_committee
from duskspec.crypto import bls
from duskspec.node import ProvisionerNode
from duskspec.types import BlsPublicKey

#: Resolution of the coalition search: the total stake in this many units.
STAKE_UNITS = 1 << 20


def closest_coalition(stakes: Sequence[int], fraction: float, seed: int) -> set[int]:
    """Nodes whose summed stake comes as close to ``fraction`` of the total as the stakes
    allow without exceeding it: a subset sum over stakes rounded down to ``total /
    STAKE_UNITS`` (reachable sums are the bits of one integer per prefix of a seeded
    order), rebuilt from the last node back; the better of that and a greedy fill of the
    same order, by exact stake."""
    order = list(range(len(stakes)))
    random.Random(seed ^ 0xB12).shuffle(order)
    budget = int(fraction * sum(stakes))
    unit = max(1, sum(stakes) // STAKE_UNITS)
    weights = [stakes[i] // unit for i in order]
    reachable = [1]
    for weight in weights:
        reachable.append(reachable[-1] | (reachable[-1] << weight))
    best = greedy_coalition(stakes, order, budget)
    candidates = reachable[-1] & ((2 << (budget // unit)) - 1)
    while candidates:
        target = candidates.bit_length() - 1
        candidates ^= 1 << target
        chosen = set()
        left = target
        for k in range(len(order), 0, -1):
            if not (reachable[k - 1] >> left) & 1:
                chosen.add(order[k - 1])
                left -= weights[k - 1]
        if sum(stakes[i] for i in chosen) <= budget:
            return max(best, chosen, key=lambda c: sum(stakes[i] for i in c))
    return best


def greedy_coalition(stakes: Sequence[int], order: list[int], budget: int) -> set[int]:
    chosen: set[int] = set()
    held = 0
    for node in order:
        if held + stakes[node] <= budget:
            chosen.add(node)
            held += stakes[node]
    return chosen


def coalition_credits(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    coalition: set[BlsPublicKey],
    params: ConsensusParams,
    round: int = 1,
) -> list[list[int]]:
    """``[validation, ratification]`` credits of the coalition for every iteration of
    ``round`` (committees drawn from ``seed``, the previous block's)."""
    rows = []
    for iteration in range(params.max_iterations):
        row = []
        for step in (StepName.VALIDATION, StepName.RATIFICATION):
            committee = cached_committee(provisioners, seed, round, iteration, step, params)
            row.append(sum(committee.credits_of(key) for key in coalition))
        rows.append(row)
    return rows


def split_groups(
    honest: Sequence[int],
    byzantine: set[int],
    twins: Sequence[int],
    total: int,
    stakes: Sequence[int],
    planned: Sequence[int] | None = None,
) -> list[list[int]]:
    """The adversary's partition: the honest nodes of ``planned`` (see :func:`planned_split`)
    on side 0, or else two sides of (nearly) equal stake, heaviest first onto the lighter
    side; side 0 also holds the Byzantine originals, side 1
    their twins (node ``total - len(twins) + k`` is the twin of the ``k``-th Byzantine
    node), so the coalition votes with all its stake on both sides."""
    sides: list[list[int]] = [[], []]
    weight = [0, 0]
    for node in sorted(honest, key=lambda i: (-stakes[i], i)):
        side = 0 if weight[0] <= weight[1] else 1
        sides[side].append(node)
        weight[side] += stakes[node]
    if planned is not None:
        sides = [list(planned), [h for h in honest if h not in planned]]
    sides[0] += sorted(byzantine)
    sides[1] += range(total - len(twins), total)
    return [sorted(sides[0]), sorted(sides[1])]


def planned_split(
    honest: Sequence[int],
    byzantine: set[int],
    keys: Sequence[BlsPublicKey],
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    params: ConsensusParams,
    secrets: Mapping[BlsPublicKey, int] | None = None,
) -> list[int] | None:
    """The honest side 0 of a partition that lets the coalition, voting on both sides, give
    round 1 a Success on side 0 and a Fail on side 1 in one iteration, then a Success on
    side 1 in a later one, every earlier iteration failing on the sides that pass it (the
    equivocation bound's shape, spec/consensus.md §3.9), or ``None``.
    Committees of round 1 are public (drawn from the genesis seed). With the coalition's
    ``secrets``, a side whose round-1 block a coalition member generates has a seed the
    adversary knows, so round 2 must also let that side attest a block (which makes its
    round-1 block Final). The first fitting split in a fixed enumeration is taken."""
    coalition = {keys[b] for b in byzantine}
    valid = supermajority(params.validation_credits)
    fail = majority(params.ratification_credits)
    v, r = StepName.VALIDATION, StepName.RATIFICATION

    def credits(side: set[BlsPublicKey], seed: bytes, round: int, it: int, step: StepName) -> int:
        committee = cached_committee(provisioners, seed, round, it, step, params)
        return sum(committee.credits_of(k) for k in side | coalition)

    def proposes(side: set[BlsPublicKey], seed: bytes, round: int, it: int) -> bool:
        return generator(provisioners, seed, round, it, params) in side | coalition

    def succeeds(side: set[BlsPublicKey], seed: bytes, round: int, it: int) -> bool:
        return (
            proposes(side, seed, round, it)
            and credits(side, seed, round, it, v) >= valid
            and credits(side, seed, round, it, r) >= valid
        )

    def attests_round_2(side: set[BlsPublicKey], it: int, required: bool) -> bool:
        """Side ``side``'s round-1 block (iteration ``it``) has a seed the coalition knows
        (``required``: it must) and round 2 can attest a block on it: some iteration
        succeeds after Fails of all the iterations before it."""
        author = generator(provisioners, seed, 1, it, params)
        if secrets is None:
            return True
        if author not in secrets:
            return not required
        child = bls.sign_multisig(secrets[author], author, seed)
        for k in range(params.relax_iteration_threshold + 1):
            if succeeds(side, child, 2, k):
                return True
            if credits(side, child, 2, k, r) < fail:
                return False
        return False

    def fails(side: set[BlsPublicKey], it: int) -> bool:
        return credits(side, seed, 1, it, r) >= fail

    def shape(side0: set[BlsPublicKey], side1: set[BlsPublicKey]) -> bool:
        """Iterations ``i0 < i1`` of round 1: both sides fail every iteration before
        ``i0``; side 0 succeeds at ``i0`` while side 1 fails it; side 1 fails every
        iteration between and succeeds at ``i1``."""
        last = params.relax_iteration_threshold  # later blocks cannot be Attested (PNI > 0)
        for i0 in range(last):
            if succeeds(side0, seed, 1, i0) and fails(side1, i0):
                for i1 in range(i0 + 1, last + 1):
                    if succeeds(side1, seed, 1, i1):
                        return attests_round_2(side1, i1, True) and attests_round_2(side0, i0, True)
                    if not fails(side1, i1):
                        break
            if not (fails(side0, i0) and fails(side1, i0)):
                return False
        return False

    for mask in range(1, 1 << len(honest)):
        side0 = {keys[h] for k, h in enumerate(honest) if mask >> k & 1}
        side1 = {keys[h] for h in honest} - side0
        if shape(side0, side1):
            return [h for k, h in enumerate(honest) if mask >> k & 1]
    return None


def final_blocks(node: ProvisionerNode) -> dict[int, Any]:
    """Height -> the accepted record this node holds as Final."""
    final_heights = {h for h, _ in node.finalized}
    return {r.height: r for r in node.accepted if r.height in final_heights}


def verdict(
    states: Sequence[ProvisionerNode], names: Sequence[int], live: bool
) -> tuple[str, dict[str, Any] | None]:
    """``agreement_violated`` if two honest nodes hold different Final blocks at one height
    (evidence: the lowest such height, both blocks and a node holding each); else
    ``not_live`` if the run did not reach its goal; else ``safe``."""
    holders: dict[int, dict[bytes, tuple[int, Any]]] = {}
    for name, node in zip(names, states, strict=True):
        for height, record in final_blocks(node).items():
            holders.setdefault(height, {}).setdefault(record.hash, (name, record))
    forks = sorted(h for h, blocks in holders.items() if len(blocks) > 1)
    if forks:
        pair = [holders[forks[0]][h] for h in sorted(holders[forks[0]])[:2]]
        return "agreement_violated", {
            "height": forks[0],
            "heights": forks[:10],
            "blocks": [
                {"node": n, "hash": r.hash.hex(), "iteration": r.iteration} for n, r in pair
            ],
        }
    if not live:
        return "not_live", None
    return "safe", None
