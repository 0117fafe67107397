"""Rolling finality, PNI and fork choice (spec/consensus.md §7, spec/sources.md §1.11-1.13).

- PNI, the previous non-attested iterations of a block, is ``min(iteration, max_iter)``
  minus the Fail attestations it carries (``header_validation.rs::verify_failed_iterations``).
- Labels (``acceptor.rs::rolling_finality``): a block with PNI 0 is ``Attested(1)``, one with
  PNI ``n > 0`` is ``Accepted(2n)`` and changes nothing else. Accepting an Attested block
  walks the non-final blocks from the newest down, confirming each Accepted/Attested block
  whose ``confirmed_after`` the run of stable (Attested or Confirmed) blocks above it has
  reached, and stopping at the first that it has not; then walks them from the oldest up,
  turning each Confirmed block Final until the first that is not Confirmed.
- Fork choice (``fsm/insync.rs``): for a different block at a height already held and above
  the last final block, whose parent we hold, the lower iteration wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from duskspec.consensus.constants import ConsensusParams
from duskspec.errors import ConsensusError


def previous_non_attested_iterations(
    iteration: int, failed_attestations: int, params: ConsensusParams
) -> int:
    """PNI of a block produced at ``iteration`` carrying ``failed_attestations`` Fail
    attestations. An emergency block (iteration 255) counts as ``max_iterations``."""
    if failed_attestations > params.relax_iteration_threshold:
        raise ConsensusError(
            "consensus.too_many_failed_iterations",
            f"{failed_attestations} > {params.relax_iteration_threshold}",
        )
    counted = min(iteration, params.max_iterations)
    if failed_attestations > counted:
        raise ConsensusError(
            "consensus.failed_iterations_beyond_iteration",
            f"{failed_attestations} Fail attestations for iteration {iteration}",
        )
    return counted - failed_attestations


class LabelKind(Enum):
    """Wire tags of ``Label`` (``node-data/src/encoding.rs``)."""

    ACCEPTED = 0
    ATTESTED = 1
    CONFIRMED = 2
    FINAL = 3


@dataclass(frozen=True)
class Label:
    """``Accepted``/``Attested`` carry ``confirmed_after``; ``Confirmed``/``Final`` carry how
    many blocks later the label was reached."""

    kind: LabelKind
    value: int


@dataclass(frozen=True)
class LabeledBlock:
    height: int
    label: Label


@dataclass(frozen=True)
class FinalityUpdate:
    """The new block's label, the relabelled non-final blocks (oldest first, the new block
    not included) and the heights that became final, ascending."""

    label: Label
    chain: tuple[LabeledBlock, ...]
    finalized: tuple[int, ...]


def accepted_label(pni: int) -> Label:
    """Label of a block accepted with ``pni`` previous non-attested iterations."""
    if pni == 0:
        return Label(LabelKind.ATTESTED, 1)
    return Label(LabelKind.ACCEPTED, 2 * pni)


def check_chain(chain: tuple[LabeledBlock, ...], height: int) -> None:
    """``chain`` must be the blocks above the last final one, consecutive, ending just below
    ``height``, none of them Final."""
    for offset, block in enumerate(chain):
        if block.height != height - len(chain) + offset:
            raise ConsensusError("consensus.finality_height_gap", f"block at {block.height}")
        if block.label.kind == LabelKind.FINAL:
            raise ConsensusError("consensus.finality_final_in_chain", f"block at {block.height}")


def rolling_finality(chain: tuple[LabeledBlock, ...], height: int, pni: int) -> FinalityUpdate:
    """Accept a block at ``height`` with ``pni`` on top of ``chain`` (the non-final blocks,
    oldest first) and return the labels after it."""
    check_chain(chain, height)
    label = accepted_label(pni)
    if label.kind == LabelKind.ACCEPTED:
        return FinalityUpdate(label, chain, ())
    blocks = list(chain)
    stable = 1  # the block being accepted is Attested
    for i in reversed(range(len(blocks))):
        block = blocks[i]
        if block.label.kind == LabelKind.CONFIRMED:
            stable += 1
            continue
        if stable < block.label.value:
            break
        blocks[i] = replace(block, label=Label(LabelKind.CONFIRMED, height - block.height))
        stable += 1
    finalized: list[int] = []
    for i, block in enumerate(blocks):
        if block.label.kind != LabelKind.CONFIRMED:
            break
        blocks[i] = replace(block, label=Label(LabelKind.FINAL, height - block.height))
        finalized.append(block.height)
    return FinalityUpdate(label, tuple(blocks), tuple(finalized))


# --- fork choice --------------------------------------------------------------------------


class ForkAction(Enum):
    """What a node in sync does with a block received from the network."""

    IGNORE = "ignore"
    #: Revert to the parent and accept the remote block (it has a lower iteration).
    FALLBACK = "fallback"
    #: Send our lower-iteration block to the peer.
    SEND_LOCAL = "send_local"
    #: Same height, same iteration, different hash: log a double candidate, keep ours.
    DOUBLE_CANDIDATE = "double_candidate"
    #: The remote block extends our tip.
    ACCEPT = "accept"
    #: The remote block is further ahead: request the missing blocks.
    PRESYNC = "presync"


@dataclass(frozen=True)
class ForkView:
    """What fork choice looks at. ``local_iteration`` is the iteration of our block at the
    remote block's height (``None`` when we hold none)."""

    tip_height: int
    last_final_height: int
    remote_height: int
    remote_iteration: int
    remote_known: bool
    parent_known: bool
    local_iteration: int | None


def choose_fork(view: ForkView) -> ForkAction:
    """``InSyncImpl::on_block_event`` as a decision."""
    if view.remote_height == view.tip_height + 1:
        return ForkAction.ACCEPT
    if view.remote_height > view.tip_height + 1:
        return ForkAction.PRESYNC
    if view.remote_known or view.remote_height <= view.last_final_height:
        return ForkAction.IGNORE
    if not view.parent_known:
        return ForkAction.IGNORE
    if view.local_iteration is None:
        raise ConsensusError("consensus.fork_missing_local_block", f"height {view.remote_height}")
    if view.remote_iteration < view.local_iteration:
        return ForkAction.FALLBACK
    if view.remote_iteration > view.local_iteration:
        return ForkAction.SEND_LOCAL
    return ForkAction.DOUBLE_CANDIDATE
