"""A synchronous, in-memory network for round machines (spec/consensus.md §10.3).

:class:`Lockstep` runs the round machines of a set of provisioners on one genesis tip. Every
broadcast is queued for every other node; :meth:`Lockstep.deliver` hands one queued message
to its node and :meth:`Lockstep.fire_earliest` advances virtual time to the next timer. The
caller chooses the order of events, so tests, the stateful property and the ``step`` vector
generator can all drive rounds through exactly the schedules they want. Keys come from
``keygen`` on seeded strings: the same seed gives the same keys, signatures and blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from duskspec.consensus import round as rnd
from duskspec.consensus.constants import PRESETS, ConsensusParams
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.verification import SignatureVerifier
from duskspec.crypto import bls
from duskspec.errors import ProtocolError

TINY = PRESETS["tiny"]


def make_keys(count: int, seed: int = 0) -> list[rnd.NodeKeys]:
    """Keys of provisioner ``i``: ``keygen(b"duskspec-lockstep/<seed>/<i>")``."""
    keys = []
    for i in range(count):
        secret, public = bls.keygen(f"duskspec-lockstep/{seed}/{i}".encode())
        keys.append(rnd.NodeKeys(secret, public))
    return keys


def make_provisioners(
    keys: list[rnd.NodeKeys], params: ConsensusParams, stakes: Sequence[int] | None = None
) -> tuple[Provisioner, ...]:
    """Every key staked at twice the minimum (or at ``stakes[i]``), eligible from genesis."""
    values = stakes if stakes is not None else [params.minimum_stake * 2] * len(keys)
    return provisioner_set(
        Provisioner(k.public_key, v, 0) for k, v in zip(keys, values, strict=True)
    )


class Lockstep:
    """Round machines of ``keys`` on a shared genesis tip; ``inbox`` holds (dest, message)."""

    def __init__(
        self,
        keys: list[rnd.NodeKeys],
        params: ConsensusParams = TINY,
        now: int = 0,
        extra: tuple[Provisioner, ...] = (),
        stakes: Sequence[int] | None = None,
    ) -> None:
        """``extra``: provisioners that stake but run no machine (silent members)."""
        self.params = params
        self.provisioners = provisioner_set((*make_provisioners(keys, params, stakes), *extra))
        self.tip = genesis_tip(self.provisioners)
        self.verifier = SignatureVerifier()
        self.contexts = [
            rnd.RoundContext(params, self.provisioners, k, self.verifier) for k in keys
        ]
        self.states: list[rnd.RoundState] = []
        self.inbox: list[tuple[int, rnd.Message]] = []
        self.timers: list[tuple[int, rnd.SetTimer]] = []
        self.decided: dict[int, rnd.Decided] = {}
        self.rejected: list[str] = []
        #: Every broadcast, in the order it was sent: what an observer would hear.
        self.log: list[rnd.Message] = []
        self.now = now
        timeout = params.max_step_timeout * 1000
        for i, ctx in enumerate(self.contexts):
            state, outputs = rnd.start_round(ctx, self.tip, (timeout, timeout, timeout), now)
            self.states.append(state)
            self.absorb(i, outputs)

    def absorb(self, node: int, outputs: Iterable[rnd.Output]) -> None:
        for output in outputs:
            if isinstance(output, rnd.Broadcast):
                self.log.append(output.message)
                self.inbox += [
                    (d, output.message)
                    for d in range(len(self.states or self.contexts))
                    if d != node
                ]
            elif isinstance(output, rnd.SetTimer):
                self.timers.append((node, output))
            else:
                self.decided[node] = output

    def deliver(self, index: int = 0) -> None:
        dest, message = self.inbox.pop(index)
        try:
            state, outputs = rnd.receive(self.states[dest], self.contexts[dest], message, self.now)
        except ProtocolError as exc:
            self.rejected.append(exc.code)
            return
        self.states[dest] = state
        self.absorb(dest, outputs)

    def run(self, limit: int = 100_000) -> None:
        for _ in range(limit):
            if not self.inbox:
                return
            self.deliver()
        raise RuntimeError("messages kept flowing")

    def fire_earliest(self) -> None:
        """Advance virtual time to the earliest timer and fire every timer due then."""
        self.timers.sort(key=lambda t: (t[1].at, t[0]))
        at = self.timers[0][1].at
        self.now = max(self.now, at)
        due = [t for t in self.timers if t[1].at <= at]
        self.timers = [t for t in self.timers if t[1].at > at]
        for node, timer in due:
            state, outputs = rnd.on_timeout(self.states[node], self.contexts[node], timer, self.now)
            self.states[node] = state
            self.absorb(node, outputs)

    def generator_index(self, iteration: int) -> int:
        key = rnd.iteration_generator(self.states[0], self.contexts[0], iteration)
        return next(i for i, c in enumerate(self.contexts) if c.keys and c.keys.public_key == key)
