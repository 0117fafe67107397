"""``duskspec bench runtime``: the state transition's costs, each beside its floor measured
in the same run (spec/runtime.md §9).

- Moonlight transfers per CPU second, against the floor of its BLS signature check;
- Phoenix transactions verified per CPU second, against the floor of the PLONK verifier
  called directly on the same proof (goal: within 1.5x); the host-query cache is cleared
  before every run, so each transaction verifies its proof;
- block application: CPU per transaction of a block of Moonlight transfers (reward, root
  push and state-root commit included), against one transfer executed alone;
- the VM frame: a Moonlight transfer run by the transfer contract in a VM session (spend,
  refund, commit) against the same rules called directly (spec/runtime.md §10).
"""

from __future__ import annotations

from dataclasses import replace

from duskspec.bench import Suite
from duskspec.bench.vm import cpu_seconds
from duskspec.crypto import bls
from duskspec.crypto.plonk import verifier
from duskspec.runtime import wallet
from duskspec.runtime.block import Block, apply_block
from duskspec.runtime.note import decode_note
from duskspec.runtime.state import RuntimeConfig, commit, genesis
from duskspec.runtime.transactions import (
    MOONLIGHT_GAS,
    MoonlightTx,
    execute_moonlight,
    execute_phoenix,
    moonlight_message,
    public_inputs,
    refund,
    sign_moonlight,
    spend_moonlight,
)
from duskspec.runtime.vm import host_queries
from duskspec.types import BlsPublicKey, BlsSignature

BLOCK_TRANSACTIONS = 16


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

    def phoenix_tx() -> None:
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
        ("Phoenix transaction (1 input, cache cleared)", phoenix_tx, plonk_floor, "plonk verify"),
    ):
        floor_s = cpu_seconds(floor, repeat=5)
        cost_s = cpu_seconds(fn, repeat=5)
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
        "Phoenix goal: ratio_to_floor <= 1.5 (decoding, public-input recomputation, the "
        "host-query encoding, three note insertions and the state-root commit on top of the "
        "verifier).",
    ]
    return Suite("runtime", "runtime: transactions and blocks", rows, notes)
