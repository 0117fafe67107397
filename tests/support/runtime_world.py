"""A small runtime world for tests: Moonlight accounts, genesis notes, a stake, and one
Phoenix transaction with a real proof (proved once, then cached by content hash)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from duskspec.crypto import bls, phoenix_keys
from duskspec.runtime import wallet
from duskspec.runtime.state import RuntimeConfig, RuntimeState, genesis
from duskspec.runtime.transactions import MoonlightTx, PhoenixTx, phoenix_gas, sign_moonlight
from duskspec.runtime.wallet import OwnedNote

CONFIG = RuntimeConfig()
ALICE_SK, ALICE = bls.keygen(b"alice")
BOB_SK, BOB = bls.keygen(b"bob")
CAROL_SK, CAROL = bls.keygen(b"carol")
SENDER_SK = wallet.EXAMPLE_SENDER_SK
SENDER = phoenix_keys.public_key(SENDER_SK)
RECEIVER_SK = wallet.EXAMPLE_RECEIVER_SK
RECEIVER = phoenix_keys.public_key(RECEIVER_SK)
OTHER = phoenix_keys.public_key(phoenix_keys.keygen(b"someone else"))

MOONLIGHT = {bytes(ALICE): 1_000_000_000, bytes(BOB): 50_000_000, bytes(CAROL): 600_000_000}
NOTE_VALUES = wallet.EXAMPLE_NOTE_VALUES
STAKES = {bytes(CAROL): 5_000}
PHOENIX_GAS_LIMIT = phoenix_gas(1) + 1_000_000
GAS_PRICE = 1


@dataclass(frozen=True)
class World:
    state: RuntimeState
    owned: tuple[OwnedNote, ...]
    #: Value of every genesis note by position (what the test, not the chain, knows).
    note_values: tuple[int, ...]


@cache
def world() -> World:
    notes, owned = wallet.example_notes()
    state = genesis(CONFIG, MOONLIGHT, notes, STAKES)
    return World(state, owned, NOTE_VALUES)


@cache
def phoenix_tx() -> tuple[PhoenixTx, bytes]:
    """The sender pays the receiver 100,000,000 from its note at position 3 (a real proof;
    about 40 s of CPU the first time, then read from the proof cache)."""
    return wallet.example_phoenix(world().state)


@cache
def phoenix_world() -> RuntimeState:
    """The genesis state with the 1-input verifier key installed."""
    _, vk = phoenix_tx()
    state = world().state
    keys = (vk, *state.config.verifier_keys[1:])
    return replace(state, config=replace(state.config, verifier_keys=keys))


def moonlight(
    sender_sk: int,
    sender: bytes,
    receiver: bytes,
    value: int,
    nonce: int,
    *,
    gas_limit: int = 5_000_000,
    gas_price: int = 1,
    deposit: int = 0,
    chain_id: int = CONFIG.chain_id,
) -> MoonlightTx:
    tx = MoonlightTx(chain_id, sender, receiver, value, deposit, gas_limit, gas_price, nonce)
    return sign_moonlight(tx, sender_sk)
