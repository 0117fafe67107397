"""``duskspec bench runtime``: the state transition's costs, each beside its floor measured
in the same run (spec/runtime.md §9).

- Moonlight transfers per CPU second, against the floor of its BLS signature check;
- Phoenix transactions verified per CPU second (every check P1-P11: the notes decoded with
  their 14 point and subgroup checks, the public inputs rebuilt, the proof verified),
  against the floor of the PLONK verifier called directly on the same proof (goal: within
  1.5x); the host-query cache and the decoded-point memo are cleared before every run, so
  each transaction decodes every point and verifies its proof. Then the whole execution
  (checks, three note insertions with their Poseidon hashes, the state-root commit), cold
  and with the points seen before (a transaction checked in the mempool, then in a block);
- block application: CPU per transaction of a block of Moonlight transfers (reward, root
  push and state-root commit included), against one transfer executed alone;
- the VM frame: a Moonlight transfer run by the transfer contract in a VM session (spend,
  refund, commit) against the same rules called directly (spec/runtime.md §10).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from duskspec.bench import Suite
from duskspec.bench.vm import cpu_seconds, interleaved
from duskspec.crypto import bls, jubjub, poseidon
from duskspec.crypto.plonk import verifier
from duskspec.runtime import wallet
from duskspec.runtime.block import Block, apply_block
from duskspec.runtime.note import decode_note, transparent_note
from duskspec.runtime.state import TRANSFER_CONTRACT, RuntimeConfig, RuntimeState, commit, genesis
from duskspec.runtime.transactions import (
    MOONLIGHT_GAS,
    MoonlightTx,
    PhoenixTx,
    _append_notes,
    _check_phoenix,
    _decode_outputs,
    execute_moonlight,
    execute_phoenix,
    moonlight_message,
    public_inputs,
    refund,
    sign_moonlight,
    spend_moonlight,
    verify_proof,
)
from duskspec.runtime.vm import host_queries
from duskspec.types import BlsPublicKey, BlsSignature

BLOCK_TRANSACTIONS = 16


def _phoenix_parts(
    state: RuntimeState, tx: PhoenixTx, plonk_floor: Callable[[], None]
) -> list[dict[str, object]]:
    """Each part of one Phoenix transaction beside the verifier floor (interleaved), so the
    distance to the goal is accounted for part by part."""
    outputs = _decode_outputs(tx)
    inputs = public_inputs(tx, outputs)
    verifier_key = state.config.verifier_keys[0]
    spent = replace(state, nullifiers=state.nullifiers | set(tx.nullifiers))
    refund = transparent_note(outputs[1].address, 1, TRANSFER_CONTRACT, "refund")
    created = [*outputs, refund]
    appended = _append_notes(spent, created)

    def decode_cold() -> None:
        jubjub.clear_decode_memo()
        _decode_outputs(tx)

    def prove_through_query() -> None:
        host_queries.clear_cache()
        verify_proof(verifier_key, tx.proof, inputs)

    def one_point() -> None:
        jubjub.clear_decode_memo()
        jubjub.decode_point(outputs[0].value_commitment.encode())

    parts: list[tuple[str, Callable[[], object]]] = [
        ("part: the proof through the verify_plonk host query", prove_through_query),
        ("part: decode the two notes, 14 points (memo cleared)", decode_cold),
        ("part: decode the two notes, points seen before", lambda: _decode_outputs(tx)),
        ("part: public inputs and payload hash", lambda: public_inputs(tx, outputs)),
        (
            "part: the refund note (v*G commitment)",
            lambda: transparent_note(outputs[1].address, 1, TRANSFER_CONTRACT, "refund"),
        ),
        (
            "part: three note insertions (leaves and tree path)",
            lambda: _append_notes(spent, created),
        ),
        ("part: commit (state encoding, dirty pages)", lambda: commit(appended)),
        ("part: one Poseidon permutation", lambda: poseidon._hades([1, 2, 3, 4, 5])),
        ("part: one point decoded (memo cleared)", one_point),
    ]
    rows: list[dict[str, object]] = []
    for measure, fn in parts:
        floor_s, cost_s = interleaved(plonk_floor, fn, pairs=11)
        rows.append(
            {
                "measure": measure,
                "per_s": 1 / cost_s,
                "cpu_ms": cost_s * 1e3,
                "floor": "plonk verify",
                "floor_cpu_ms": floor_s * 1e3,
                "ratio_to_floor": cost_s / floor_s,
            }
        )
    return rows


def run() -> Suite:
    sk, pk = bls.keygen(b"bench alice")
    _, bob = bls.keygen(b"bench bob")
    genesis_notes, _ = wallet.example_notes()
    state = genesis(RuntimeConfig(), {bytes(pk): 10**15}, genesis_notes, {bytes(bob): 10_000})
    tx = sign_moonlight(MoonlightTx(1, bytes(pk), bytes(bob), 5, 0, 5_000_000, 1, 1), sk)
    message = moonlight_message(tx)

    def transfer() -> None:
        execute_moonlight(state, tx)

    def rules_alone() -> None:
        spent, context, _ = spend_moonlight(state, tx)
        commit(refund(spent, context, MOONLIGHT_GAS))

    def bls_floor() -> None:
        assert bls.verify(BlsPublicKey(tx.sender), message, BlsSignature(tx.signature))

    phoenix, vk = wallet.example_phoenix(state)
    keyed = replace(state, config=RuntimeConfig(verifier_keys=(vk, b"", b"", b"")))
    outputs = (decode_note(phoenix.outputs[0]), decode_note(phoenix.outputs[1]))
    inputs = public_inputs(phoenix, outputs)

    def phoenix_check() -> None:
        host_queries.clear_cache()
        jubjub.clear_decode_memo()
        _check_phoenix(keyed, phoenix)

    def phoenix_tx() -> None:
        host_queries.clear_cache()
        jubjub.clear_decode_memo()
        execute_phoenix(keyed, phoenix)

    def phoenix_seen() -> None:
        host_queries.clear_cache()
        execute_phoenix(keyed, phoenix)

    def plonk_floor() -> None:
        assert verifier.verify(vk, phoenix.proof, inputs)

    txs = tuple(
        sign_moonlight(MoonlightTx(1, bytes(pk), bytes(bob), 5, 0, 5_000_000, 1, n), sk)
        for n in range(1, BLOCK_TRANSACTIONS + 1)
    )
    block = Block(1, txs, emission=1_000, rewards=((bytes(bob), 1_000),))

    def apply() -> None:
        apply_block(state, block)

    rows: list[dict[str, object]] = []
    for measure, fn, floor, floor_name in (
        ("Moonlight transfer", transfer, bls_floor, "bls.verify"),
        (
            "Phoenix transaction verified (P1-P11, 1 input, cold)",
            phoenix_check,
            plonk_floor,
            "plonk verify",
        ),
        ("Phoenix transaction executed (1 input, cold)", phoenix_tx, plonk_floor, "plonk verify"),
        (
            "Phoenix transaction executed (points seen before)",
            phoenix_seen,
            plonk_floor,
            "plonk verify",
        ),
    ):
        floor_s, cost_s = interleaved(floor, fn, pairs=21)
        rows.append(
            {
                "measure": measure,
                "per_s": 1 / cost_s,
                "cpu_ms": cost_s * 1e3,
                "floor": floor_name,
                "floor_cpu_ms": floor_s * 1e3,
                "ratio_to_floor": cost_s / floor_s,
            }
        )
    rules_s = cpu_seconds(rules_alone, repeat=5)
    vm_s = cpu_seconds(transfer, repeat=5)
    rows.append(
        {
            "measure": "Moonlight transfer in the VM frame",
            "per_s": 1 / vm_s,
            "cpu_ms": vm_s * 1e3,
            "floor": "the same rules called directly",
            "floor_cpu_ms": rules_s * 1e3,
            "ratio_to_floor": vm_s / rules_s,
        }
    )
    rows += _phoenix_parts(keyed, phoenix, plonk_floor)
    one_s = cpu_seconds(transfer, repeat=3)
    block_s = cpu_seconds(apply, repeat=3)
    rows.append(
        {
            "measure": f"apply_block, {BLOCK_TRANSACTIONS} Moonlight transfers, per transaction",
            "per_s": BLOCK_TRANSACTIONS / block_s,
            "cpu_ms": block_s / BLOCK_TRANSACTIONS * 1e3,
            "floor": "one transfer alone",
            "floor_cpu_ms": one_s * 1e3,
            "ratio_to_floor": block_s / BLOCK_TRANSACTIONS / one_s,
        }
    )
    notes = [
        "CPU time (time.process_time); floors measured in the same run, interleaved.",
        "Phoenix goal: ratio_to_floor <= 1.5 for verification (decoding the notes, the "
        "public-input recomputation and the host-query encoding on top of the verifier); "
        "'cold' clears the host-query cache and the decoded-point memo before every run. "
        "Execution adds three note insertions (Poseidon leaf and tree hashes) and the "
        "state-root commit.",
        "part rows: one piece of a Phoenix transaction each, in floors of the verifier.",
    ]
    return Suite("runtime", "runtime: transactions and blocks", rows, notes)
