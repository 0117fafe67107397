"""The runtime test world with two wasm contracts deployed: ``vault.wat`` (holding 10,000 in
the transfer contract, Alice's deposit) and ``ledger.wat`` (spec/runtime.md §10-§11)."""

from __future__ import annotations

import struct
from functools import cache

from duskspec.runtime import genesis
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight
from duskspec.runtime.vm import machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.types import Hash32
from support.runtime_world import ALICE, ALICE_SK, world

VAULT_FUNDS = 10_000


@cache
def vault_world() -> tuple[RuntimeState, Hash32, Hash32]:
    """The test world with the vault and the ledger deployed, the vault holding 10,000
    (Alice's deposit, nonce 1)."""
    state = world().state
    state, vault = genesis.deploy(
        state, machine.DeployInput(bytecode("vault"), bytes(32), 0, None, 10_000_000)
    )
    state, ledger = genesis.deploy(
        state, machine.DeployInput(bytecode("ledger"), bytes(32), 0, struct.pack("<Q", 0), 10**7)
    )
    deposit = MoonlightTx(1, bytes(ALICE), bytes(ALICE), 0, VAULT_FUNDS, 5_000_000, 1, 1, vault)
    state, receipt = genesis.execute(state, sign_moonlight(deposit, ALICE_SK))
    assert receipt.error is None
    return state, vault, ledger
