"""The state transition as consensus receives it (spec/consensus.md §15).

Consensus never imports the runtime. The node passes an :class:`Execution` in the round's
context (:class:`duskspec.consensus.round.RoundContext`): two pure functions over the round's
tip, which the node binds to the state it holds after that tip.

- :attr:`Execution.propose` gives the generator the payload of its candidate (the
  transactions it packs, encoded) and the :class:`Outcome` of executing them: the state root
  and the event bloom its header carries (rule 15.1);
- :attr:`Execution.execute` re-executes a candidate's payload on the tip's state and
  returns its :class:`Outcome`, or raises a :class:`~duskspec.errors.ProtocolError` when a
  transaction is invalid; a Validation member votes ``Invalid`` when it raises or when the
  outcome differs from the header (rule 15.2).

Without a runtime (consensus alone: the round-machine tests, the consensus vectors, the
simulator run without transactions) the context holds :data:`EMPTY_EXECUTION`: no
transactions, and the empty state root and event bloom every such candidate already carried,
so those runs are byte-identical to the ones before the runtime was wired in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from duskspec.consensus.block import EVENT_BLOOM_LENGTH, Block, FailedIteration
from duskspec.crypto.merkle import EMPTY_NODE
from duskspec.errors import ConsensusError
from duskspec.types import Hash32


@dataclass(frozen=True)
class Outcome:
    """What executing a block's payload yields for its header."""

    state_root: Hash32
    event_bloom: bytes


#: The outcome of an empty payload on the empty state (no runtime).
EMPTY_OUTCOME = Outcome(EMPTY_NODE, bytes(EVENT_BLOOM_LENGTH))


def _no_transactions(
    height: int, now_ms: int, failed: tuple[FailedIteration | None, ...]
) -> tuple[tuple[bytes, ...], Outcome]:
    return (), EMPTY_OUTCOME


def _empty_state(block: Block) -> Outcome:
    """No runtime: the payload is opaque bytes and the state stays empty."""
    return EMPTY_OUTCOME


@dataclass(frozen=True)
class Execution:
    """The state-transition functions bound to the round's tip (rule 15.1-15.2)."""

    #: ``(height, now in ms, failed_iterations) -> (payload, outcome)``: what the generator
    #: proposes; the candidate's ``failed_iterations`` are passed in because the block's end
    #: slashes their generators (spec/node.md rule 11.2).
    propose: Callable[
        [int, int, tuple[FailedIteration | None, ...]], tuple[tuple[bytes, ...], Outcome]
    ] = _no_transactions
    #: ``block -> outcome``: the candidate re-executed; raises on an invalid transaction.
    execute: Callable[[Block], Outcome] = _empty_state


EMPTY_EXECUTION = Execution()


def check_outcome(block: Block, outcome: Outcome) -> None:
    """Rule 15.2: the header carries the state root and event bloom its payload yields."""
    if block.header.state_hash != outcome.state_root:
        raise ConsensusError("consensus.state_root_mismatch", block.header.state_hash.hex()[:16])
    if block.header.event_bloom != outcome.event_bloom:
        raise ConsensusError("consensus.event_bloom_mismatch")
