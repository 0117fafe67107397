"""``tiny/runtime/*``: transactions, stake operations, rewards, slashes and blocks applied to
a genesis state (spec/runtime.md, spec/transactions.md §7-§9).

``pre`` describes a genesis (Moonlight accounts, contract balances, stakes, notes, and the
1-input transfer verifier key); ``input`` is one transaction, a block, or a block-end
operation; ``post`` is the state root and what changed. Invalid cases name the rule they
break by its stable error code. The Phoenix case carries a real proof (INSECURE test SRS).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from duskspec.crypto import bls, phoenix_keys
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import genesis as genesis_contracts
from duskspec.runtime import stake as stake_contract
from duskspec.runtime import wallet
from duskspec.runtime.block import Block, SlashKind, apply_block
from duskspec.runtime.note import decode_note, encode_note
from duskspec.runtime.stake import StakeOp, StakeTx, sign_stake
from duskspec.runtime.state import (
    TRANSFER_CONTRACT,
    Account,
    RuntimeConfig,
    RuntimeState,
    StakeAmount,
    StakeData,
    commit,
    genesis,
)
from duskspec.runtime.transactions import (
    MOONLIGHT_GAS,
    MoonlightTx,
    PhoenixTx,
    execute_moonlight,
    execute_phoenix,
    sign_moonlight,
)
from duskspec.runtime.vm import abi, host_queries, machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.vectors.registry import Case, Handler

CONFIG = RuntimeConfig()


@dataclass(frozen=True)
class AccountEntry:
    key: bytes
    balance: int
    nonce: int


@dataclass(frozen=True)
class StakeEntry:
    key: bytes
    value: int
    locked: int
    eligibility: int
    reward: int
    faults: int
    hard_faults: int


@dataclass(frozen=True)
class RuntimePre:
    height: int
    accounts: tuple[AccountEntry, ...]
    contracts: tuple[bytes, ...]
    stakes: tuple[StakeEntry, ...]
    notes: tuple[bytes, ...]
    verifier_key_1: bytes
    #: Nullifiers already published (the spent-nullifier case).
    nullifiers: tuple[int, ...]
    block_gas_limit: int


@dataclass(frozen=True)
class RuntimePost:
    state_root: bytes
    gas_spent: int
    accounts: tuple[AccountEntry, ...]
    stakes: tuple[StakeEntry, ...]
    new_notes: tuple[bytes, ...]
    nullifiers: tuple[int, ...]
    burnt: int
    block_fees: int


class BlockOp(enum.IntEnum):
    REWARD = 0
    SOFT_SLASH = 1
    HARD_SLASH = 2


@dataclass(frozen=True)
class BlockInput:
    height: int
    moonlight: tuple[MoonlightTx, ...]
    emission: int
    rewards: tuple[AccountEntry, ...]
    slashes: tuple[AccountEntry, ...]


def _state(pre: RuntimePre) -> RuntimeState:
    config = replace(
        CONFIG,
        verifier_keys=(pre.verifier_key_1, b"", b"", b""),
        block_gas_limit=pre.block_gas_limit,
    )
    notes = tuple(decode_note(n) for n in pre.notes)
    state = genesis(config, {a.key: a.balance for a in pre.accounts}, notes, {})
    stakes = {
        s.key: StakeData(
            StakeAmount(s.value, s.locked, s.eligibility) if s.value else None,
            s.reward,
            s.faults,
            s.hard_faults,
        )
        for s in pre.stakes
    }
    accounts = {a.key: Account(a.balance, a.nonce) for a in pre.accounts}
    contracts = {c: 0 for c in pre.contracts}
    return commit(
        replace(
            state,
            height=pre.height,
            stakes=stakes,
            accounts=accounts,
            contract_balances=contracts,
            nullifiers=frozenset(pre.nullifiers),
        )
    )


def _post(before: RuntimeState, after: RuntimeState, gas: int) -> RuntimePost:
    return RuntimePost(
        after.root(),
        gas,
        tuple(AccountEntry(k, a.balance, a.nonce) for k, a in sorted(after.accounts.items())),
        tuple(
            StakeEntry(
                k,
                d.amount.value if d.amount else 0,
                d.amount.locked if d.amount else 0,
                d.amount.eligibility if d.amount else 0,
                d.reward,
                d.faults,
                d.hard_faults,
            )
            for k, d in sorted(after.stakes.items())
        ),
        tuple(encode_note(n) for n in after.notes[len(before.notes) :]),
        tuple(sorted(after.nullifiers)),
        after.burnt,
        after.block_fees,
    )


def run_moonlight(pre: RuntimePre, inp: MoonlightTx) -> RuntimePost:
    state = _state(pre)
    after, receipt = execute_moonlight(state, inp)
    return _post(state, after, receipt.gas_spent)


def run_phoenix(pre: RuntimePre, inp: PhoenixTx) -> RuntimePost:
    state = _state(pre)
    after, receipt = execute_phoenix(state, inp)
    return _post(state, after, receipt.gas_spent)


def run_stake(pre: RuntimePre, inp: StakeTx) -> RuntimePost:
    state = _state(pre)
    after, receipt = stake_contract.execute_stake(state, inp)
    return _post(state, after, receipt.gas_spent)


def run_block(pre: RuntimePre, inp: BlockInput) -> RuntimePost:
    state = _state(pre)
    slashes = tuple(
        (s.key, SlashKind.HARD if s.nonce == BlockOp.HARD_SLASH else SlashKind.SOFT)
        for s in inp.slashes
    )
    block = Block(
        inp.height,
        inp.moonlight,
        inp.emission,
        tuple((r.key, r.balance) for r in inp.rewards),
        slashes,
    )
    after, result = apply_block(state, block)
    return _post(state, after, result.gas_spent)


# --- the world ------------------------------------------------------------------------------

ALICE_SK, ALICE = bls.keygen(b"vector alice")
BOB_SK, BOB = bls.keygen(b"vector bob")
CAROL_SK, CAROL = bls.keygen(b"vector carol")
A, B, C = bytes(ALICE), bytes(BOB), bytes(CAROL)
CONTRACT = bytes(range(32))
RECEIVER = phoenix_keys.public_key(wallet.EXAMPLE_RECEIVER_SK)


def _genesis_notes() -> tuple[bytes, ...]:
    """The example genesis notes of :func:`duskspec.runtime.wallet.example_notes`."""
    return tuple(encode_note(n) for n in wallet.example_notes()[0])


def _pre(
    vk: bytes = b"",
    height: int = 0,
    nullifiers: tuple[int, ...] = (),
    block_gas_limit: int = CONFIG.block_gas_limit,
) -> RuntimePre:
    return RuntimePre(
        height,
        (
            AccountEntry(A, 1_000_000_000, 0),
            AccountEntry(B, 20_000_000, 0),
            AccountEntry(C, 500_000_000, 3),
        ),
        (CONTRACT,),
        (StakeEntry(C, 5_000, 0, 0, 100, 0, 0),),
        _genesis_notes(),
        vk,
        nullifiers,
        block_gas_limit,
    )


def _moon(
    sk: int, sender: bytes, receiver: bytes, value: int, nonce: int, **kw: int | bytes | str
) -> MoonlightTx:
    tx = MoonlightTx(
        kw.pop("chain_id", CONFIG.chain_id),  # type: ignore[arg-type]
        sender,
        receiver,
        value,
        kw.pop("deposit", 0),  # type: ignore[arg-type]
        kw.pop("gas_limit", 5_000_000),  # type: ignore[arg-type]
        kw.pop("gas_price", 1),  # type: ignore[arg-type]
        nonce,
        kw.pop("deposit_contract", b""),  # type: ignore[arg-type]
        kw.pop("convert_address", b""),  # type: ignore[arg-type]
        call_contract=kw.pop("call_contract", b""),  # type: ignore[arg-type]
        call_function=kw.pop("call_function", ""),  # type: ignore[arg-type]
        call_argument=kw.pop("call_argument", b""),  # type: ignore[arg-type]
    )
    return sign_moonlight(tx, sk)


def _case(
    name: str,
    why: str,
    inp: object,
    pre: RuntimePre | WithdrawPre | None = None,
    error: str | None = None,
) -> Case:
    return Case(name, why, inp, pre=pre or _pre(), expected_error=error)


def _moonlight_cases() -> Iterator[Case]:
    good = _moon(ALICE_SK, A, B, 1_000, 1)
    yield _case("transfer", "1,000 from alice to bob; gas refunded", good)
    yield _case("to_self", "a transfer to oneself only pays gas", _moon(ALICE_SK, A, A, 5, 1))
    yield _case(
        "wrong_chain",
        "M0 chain id 9",
        _moon(ALICE_SK, A, B, 1, 1, chain_id=9),
        error="runtime.wrong_chain",
    )
    yield _case(
        "zero_gas_price",
        "T0",
        _moon(ALICE_SK, A, B, 1, 1, gas_price=0),
        error="runtime.zero_gas_price",
    )
    yield _case(
        "gas_above_block_limit",
        "T0",
        _moon(ALICE_SK, A, B, 1, 1, gas_limit=CONFIG.block_gas_limit + 1),
        error="runtime.gas_above_block_limit",
    )
    yield _case(
        "gas_limit_too_low",
        "T0",
        _moon(ALICE_SK, A, B, 1, 1, gas_limit=MOONLIGHT_GAS - 1),
        error="runtime.gas_limit_too_low",
    )
    yield _case(
        "bad_signature",
        "M1 value changed after signing",
        replace(good, value=1_001),
        error="runtime.bad_signature",
    )
    yield _case(
        "unknown_account",
        "M2 a stranger without an account",
        _moon(bls.keygen(b"x")[0], bytes(bls.keygen(b"x")[1]), B, 1, 1),
        error="runtime.unknown_account",
    )
    yield _case(
        "nonce_reused", "M3 nonce 0 again", _moon(ALICE_SK, A, B, 1, 0), error="runtime.wrong_nonce"
    )
    yield _case(
        "nonce_ahead", "M3 nonce 2 first", _moon(ALICE_SK, A, B, 1, 2), error="runtime.wrong_nonce"
    )
    yield _case(
        "overdraft", "M4", _moon(BOB_SK, B, A, 20_000_000, 1), error="runtime.insufficient_balance"
    )
    yield _case(
        "fee_overflow",
        "T0 gas_limit × gas_price does not fit a u64",
        _moon(ALICE_SK, A, B, 1, 1, gas_price=1 << 62),
        error="runtime.fee_overflow",
    )
    yield _case(
        "malformed",
        "X1 a sender of 95 bytes does not encode",
        replace(good, sender=A[:95]),
        error="runtime.malformed_transaction",
    )
    yield _case(
        "calls_a_genesis_contract",
        "M8 a transaction's call targets a deployed contract",
        _moon(ALICE_SK, A, B, 1, 1, call_contract=TRANSFER_CONTRACT, call_function="update_root"),
        error="runtime.bad_call",
    )


def _deposit_cases() -> Iterator[Case]:
    yield _case(
        "to_contract",
        "M5 a deposit claimed by the contract",
        _moon(ALICE_SK, A, A, 0, 1, deposit=700, deposit_contract=CONTRACT),
    )
    yield _case(
        "unclaimed",
        "M5 a deposit without a target is refunded",
        _moon(ALICE_SK, A, A, 0, 1, deposit=700),
    )
    yield _case(
        "unknown_contract",
        "M5 no such contract",
        _moon(ALICE_SK, A, A, 0, 1, deposit=700, deposit_contract=bytes(32)),
        error="runtime.unknown_contract",
    )


def _convert_cases() -> Iterator[Case]:
    address = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(RECEIVER, 777))
    yield _case(
        "moonlight_to_note",
        "M5 a deposit to the transfer contract becomes a transparent note",
        _moon(
            ALICE_SK,
            A,
            A,
            0,
            1,
            deposit=700,
            deposit_contract=TRANSFER_CONTRACT,
            convert_address=address,
        ),
    )
    yield _case(
        "zero_deposit",
        "M5 a convert of 0: its transparent note of value 0 is not inserted",
        _moon(
            ALICE_SK,
            A,
            A,
            0,
            1,
            deposit=0,
            deposit_contract=TRANSFER_CONTRACT,
            convert_address=address,
        ),
    )
    yield _case(
        "without_address",
        "M5 a convert names the note's address",
        _moon(ALICE_SK, A, A, 0, 1, deposit=700, deposit_contract=TRANSFER_CONTRACT),
        error="runtime.bad_deposit",
    )


def _stake_tx(sk: int, key: bytes, op: StakeOp, value: int, nonce: int) -> StakeTx:
    return sign_stake(StakeTx(CONFIG.chain_id, op, key, value, 5_000_000, 1, nonce), sk)


def _stake_cases() -> Iterator[Case]:
    yield _case(
        "stake", "K4 a first stake of 2,000", _stake_tx(ALICE_SK, A, StakeOp.STAKE, 2_000, 1)
    )
    yield _case(
        "top_up",
        "K4 a top-up of an eligible stake locks 10 %",
        _stake_tx(CAROL_SK, C, StakeOp.STAKE, 1_000, 4),
    )
    yield _case("unstake", "K5 a full unstake", _stake_tx(CAROL_SK, C, StakeOp.UNSTAKE, 5_000, 4))
    yield _case(
        "withdraw", "K6 the reward to the account", _stake_tx(CAROL_SK, C, StakeOp.WITHDRAW, 100, 4)
    )
    yield _case(
        "bad_signature",
        "K2 signed by bob",
        _stake_tx(BOB_SK, A, StakeOp.STAKE, 2_000, 1),
        error="runtime.bad_stake_signature",
    )
    yield _case(
        "below_minimum",
        "K4",
        _stake_tx(ALICE_SK, A, StakeOp.STAKE, 999, 1),
        error="runtime.stake_below_minimum",
    )
    yield _case(
        "partial_below_minimum",
        "K5",
        _stake_tx(CAROL_SK, C, StakeOp.UNSTAKE, 4_500, 4),
        error="runtime.stake_below_minimum",
    )
    yield _case(
        "unstake_without_stake",
        "K5",
        _stake_tx(ALICE_SK, A, StakeOp.UNSTAKE, 1, 1),
        error="runtime.unstake_exceeds_stake",
    )
    yield _case(
        "withdraw_over_reward",
        "K6 (a reward not yet credited is not withdrawable: no other maturity rule exists)",
        _stake_tx(CAROL_SK, C, StakeOp.WITHDRAW, 101, 4),
        error="runtime.withdraw_exceeds_reward",
    )
    yield _case(
        "zero",
        "K4 a stake of 0",
        _stake_tx(ALICE_SK, A, StakeOp.STAKE, 0, 1),
        error="runtime.stake_zero",
    )
    yield _case(
        "wrong_nonce",
        "K3 the account's nonce is 3",
        _stake_tx(CAROL_SK, C, StakeOp.STAKE, 1_000, 3),
        error="runtime.wrong_nonce",
    )
    yield _case(
        "insufficient_balance",
        "K3 bob stakes more than he holds",
        _stake_tx(BOB_SK, B, StakeOp.STAKE, 20_000_000, 1),
        error="runtime.insufficient_balance",
    )


def _block(
    height: int = 1,
    txs: tuple[MoonlightTx, ...] = (),
    emission: int = 0,
    rewards: tuple[AccountEntry, ...] = (),
    slashes: tuple[AccountEntry, ...] = (),
) -> BlockInput:
    return BlockInput(height, txs, emission, rewards, slashes)


def _reward_cases() -> Iterator[Case]:
    yield _case(
        "reward",
        "K7 1,000 emitted, 600 to carol, the rest burnt",
        _block(emission=1_000, rewards=(AccountEntry(C, 600, 0),)),
    )
    yield _case(
        "over_budget",
        "B3",
        _block(emission=1_000, rewards=(AccountEntry(C, 1_001, 0),)),
        error="runtime.reward_exceeds_budget",
    )
    yield _case(
        "without_stake",
        "B3",
        _block(emission=1_000, rewards=(AccountEntry(A, 1, 0),)),
        error="runtime.reward_without_stake",
    )


def _slashing_cases() -> Iterator[Case]:
    soft = AccountEntry(C, 0, BlockOp.SOFT_SLASH)
    yield _case("soft_warning", "K8 the first fault is a warning", _block(slashes=(soft,)))
    yield _case(
        "soft_twice", "K8 the second fault locks 10 % and suspends", _block(slashes=(soft, soft))
    )
    yield _case(
        "hard",
        "K8 a hard slash burns 10 %",
        _block(slashes=(AccountEntry(C, 0, BlockOp.HARD_SLASH),)),
    )


def _state_root_cases() -> Iterator[Case]:
    yield _case("genesis_empty_block", "the root of the genesis after an empty block", _block())


def _block_cases() -> Iterator[Case]:
    txs = (_moon(ALICE_SK, A, B, 10, 1), _moon(ALICE_SK, A, B, 20, 2))
    yield _case(
        "two_transfers_and_reward",
        "B1-B6",
        _block(txs=txs, emission=1_000, rewards=(AccountEntry(C, 500, 0),)),
    )
    yield _case("wrong_height", "B1", _block(height=2), error="runtime.wrong_height")
    yield _case(
        "over_the_gas_limit",
        "B2 three transfers spend more than a block limit of two",
        _block(txs=tuple(_moon(ALICE_SK, A, B, 1, n, gas_limit=MOONLIGHT_GAS) for n in (1, 2, 3))),
        pre=_pre(block_gas_limit=2 * MOONLIGHT_GAS + 1),
        error="runtime.block_gas_limit",
    )
    yield _case(
        "replayed_transaction",
        "B2 the same nonce twice: the block is invalid",
        _block(txs=(txs[0], txs[0])),
        error="runtime.wrong_nonce",
    )


@cache
def _phoenix() -> tuple[PhoenixTx, bytes]:
    notes = wallet.example_notes()[0]
    return wallet.example_phoenix(genesis(CONFIG, {}, notes))


def _phoenix_cases() -> Iterator[Case]:
    tx, vk = _phoenix()
    pre = _pre(vk)
    last = (int.from_bytes(tx.proof[-32:], "little") + 1).to_bytes(32, "little")
    yield _case("spend", "P1-P10 one input, payment and change, refund note", tx, pre)
    yield _case(
        "tampered_proof", "P8", replace(tx, proof=tx.proof[:-32] + last), pre, "runtime.bad_proof"
    )
    yield _case("unknown_root", "P7", replace(tx, root=tx.root + 1), pre, "runtime.unknown_root")
    yield _case(
        "duplicate_nullifier",
        "P5",
        replace(tx, nullifiers=tx.nullifiers * 2),
        pre,
        "runtime.duplicate_nullifier",
    )
    yield _case(
        "fee_mismatch", "P2", replace(tx, gas_limit=tx.gas_limit + 1), pre, "runtime.fee_mismatch"
    )
    yield _case(
        "malformed_note",
        "P3",
        replace(tx, outputs=(tx.outputs[0][:-1], tx.outputs[1])),
        pre,
        "runtime.malformed_note",
    )
    yield _case("no_verifier_key", "P8 no key installed", tx, _pre(b""), "runtime.bad_proof")
    yield _case(
        "refund_address",
        "P4",
        replace(tx, refund_address=tx.refund_address[::-1]),
        pre,
        "runtime.refund_address",
    )
    yield _case(
        "spent_nullifier",
        "P6 the input's nullifier is already published",
        tx,
        _pre(vk, nullifiers=tx.nullifiers),
        "runtime.nullifier_spent",
    )
    yield _case("no_input", "P1", replace(tx, nullifiers=()), pre, "runtime.input_count")
    yield _case("wrong_chain", "T0", replace(tx, chain_id=9), pre, "runtime.wrong_chain")
    yield _case(
        "gas_above_block_limit",
        "T0",
        replace(tx, gas_limit=CONFIG.block_gas_limit + 1, max_fee=CONFIG.block_gas_limit + 1),
        pre,
        "runtime.gas_above_block_limit",
    )
    yield _case(
        "convert_to_stranger",
        "P9 a convert credits an existing account",
        replace(tx, convert_to=bytes(96)),
        pre,
        "runtime.unknown_account",
    )


# --- withdraw: a wasm contract pays out through the transfer contract ------------------------


@dataclass(frozen=True)
class WithdrawPre:
    """The runtime pre-state plus a wasm contract (``vault.wat``, deployed by the zero owner
    with nonce 0) holding ``vault_balance`` in the transfer contract."""

    runtime: RuntimePre
    vault_bytecode: bytes
    vault_balance: int


@dataclass(frozen=True)
class WithdrawPost:
    runtime: RuntimePost
    vault_balance: int


VAULT_CODE = bytecode("vault")
VAULT = abi.contract_id(VAULT_CODE, 0, bytes(32))
WITHDRAW_TX_GAS = 40_000_000


def _vault_state(pre: WithdrawPre) -> RuntimeState:
    state = _state(pre.runtime)
    deploy = machine.DeployInput(pre.vault_bytecode, bytes(32), 0, None, 10_000_000)
    state, vault = genesis_contracts.deploy(state, deploy)
    balances = {**state.contract_balances, vault: pre.vault_balance}
    return commit(replace(state, contract_balances=balances))


def run_withdraw(pre: WithdrawPre, inp: MoonlightTx) -> WithdrawPost:
    """The transaction calls the vault, which calls transfer ``withdraw``. A refused
    withdrawal is the case's error (its transaction is still included and pays its whole gas
    limit: ``tests/runtime/test_runtime_genesis_vm.py``)."""
    state = _vault_state(pre)
    after, receipt = genesis_contracts.execute(state, inp)
    if receipt.error is not None:
        raise RuntimeProtocolError(receipt.error, "the contract call failed")
    vault = abi.contract_id(pre.vault_bytecode, 0, bytes(32))
    return WithdrawPost(_post(state, after, receipt.gas_spent), after.contract_balances[vault])


def _withdraw_pre() -> WithdrawPre:
    return WithdrawPre(_pre(), VAULT_CODE, 10_000)


def _withdraw_tx(
    withdraw: genesis_contracts.Withdraw, gas_limit: int = WITHDRAW_TX_GAS
) -> MoonlightTx:
    argument = genesis_contracts.encode_withdraw(withdraw)
    return _moon(
        ALICE_SK,
        A,
        A,
        0,
        1,
        gas_limit=gas_limit,
        call_contract=VAULT,
        call_function="withdraw",
        call_argument=argument,
    )


def _to_account(value: int, signer: int = BOB_SK, **kw: int | bytes) -> genesis_contracts.Withdraw:
    w = genesis_contracts.Withdraw(
        kw.pop("contract", VAULT),  # type: ignore[arg-type]
        value,
        genesis_contracts.WithdrawKind.MOONLIGHT,
        B,
        genesis_contracts.WithdrawKind.MOONLIGHT,
        kw.pop("nonce", 1),  # type: ignore[arg-type]
        (),
    )
    return genesis_contracts.sign_withdraw_moonlight(w, signer)


def _withdraw_cases() -> Iterator[Case]:
    pre = _withdraw_pre()
    yield _case("to_account", "W1-W6 3,000 to bob's account", _withdraw_tx(_to_account(3_000)), pre)
    address = phoenix_keys.stealth_address(RECEIVER, 777)
    note_sk = phoenix_keys.note_secret_key(wallet.EXAMPLE_RECEIVER_SK, address)
    to_note = genesis_contracts.Withdraw(
        VAULT,
        2_500,
        genesis_contracts.WithdrawKind.PHOENIX,
        phoenix_keys.encode_stealth_address(address),
        genesis_contracts.WithdrawKind.MOONLIGHT,
        1,
        (),
    )
    signed = genesis_contracts.sign_withdraw_phoenix(to_note, note_sk, b"vector")
    yield _case("to_note", "W6 2,500 as a transparent note", _withdraw_tx(signed), pre)
    yield _case(
        "bad_signature",
        "W4 signed by alice, not the receiver",
        _withdraw_tx(_to_account(3_000, ALICE_SK)),
        pre,
        "runtime.withdraw_bad_signature",
    )
    yield _case(
        "bad_token",
        "W3 the token names nonce 2, the transaction has nonce 1",
        _withdraw_tx(_to_account(3_000, nonce=2)),
        pre,
        "runtime.withdraw_bad_token",
    )
    yield _case(
        "exceeds_balance",
        "W5 more than the vault holds",
        _withdraw_tx(_to_account(10_001)),
        pre,
        "runtime.withdraw_exceeds_balance",
    )
    yield _case(
        "wrong_caller",
        "W2 the withdrawal names another contract",
        _withdraw_tx(_to_account(3_000, contract=bytes(32))),
        pre,
        "runtime.withdraw_wrong_caller",
    )
    truncated = _moon(
        ALICE_SK,
        A,
        A,
        0,
        1,
        gas_limit=WITHDRAW_TX_GAS,
        call_contract=VAULT,
        call_function="withdraw",
        call_argument=genesis_contracts.encode_withdraw(_to_account(3_000))[:-1],
    )
    yield _case("malformed", "W1", truncated, pre, "runtime.malformed_withdraw")
    short = MOONLIGHT_GAS + genesis_contracts.WITHDRAW_GAS + host_queries.VERIFY_BLS + 1_000
    yield _case(
        "out_of_gas",
        "G3 the transfer contract's 93 % share of the gas left is too little",
        _withdraw_tx(_to_account(3_000), gas_limit=short),
        pre,
        "runtime.vm_out_of_gas",
    )


def _claim_tx(claimed: int) -> MoonlightTx:
    return _moon(
        ALICE_SK,
        A,
        A,
        0,
        1,
        deposit=700,
        deposit_contract=VAULT,
        gas_limit=WITHDRAW_TX_GAS,
        call_contract=VAULT,
        call_function="deposit",
        call_argument=claimed.to_bytes(8, "little"),
    )


def _deposit_claim_cases() -> Iterator[Case]:
    pre = _withdraw_pre()
    yield _case("claimed", "D1-D4 the vault claims the 700 deposited", _claim_tx(700), pre)
    yield _case(
        "wrong_value", "D4 a claim of 699 for 700", _claim_tx(699), pre, "runtime.bad_deposit"
    )


def _handler(
    name: str,
    intent: str,
    input_type: object,
    run: object,
    cases: object,
    pre_type: object = RuntimePre,
    post_type: object = RuntimePost,
) -> Handler:
    return Handler(
        preset="tiny",
        component="runtime",
        name=name,
        intent=intent,
        input_type=input_type,
        post_type=post_type,
        run=run,  # type: ignore[arg-type]
        cases=cases,  # type: ignore[arg-type]
        pre_type=pre_type,
    )


HANDLERS: tuple[Handler, ...] = (
    _handler(
        "moonlight",
        "a Moonlight transaction on a genesis",
        MoonlightTx,
        run_moonlight,
        _moonlight_cases,
    ),
    _handler(
        "deposit", "Moonlight deposits to a contract", MoonlightTx, run_moonlight, _deposit_cases
    ),
    _handler("convert", "Moonlight to a Phoenix note", MoonlightTx, run_moonlight, _convert_cases),
    _handler(
        "phoenix", "a Phoenix transaction with a real proof", PhoenixTx, run_phoenix, _phoenix_cases
    ),
    _handler("stake", "stake, unstake, withdraw", StakeTx, run_stake, _stake_cases),
    _handler("rewards", "block rewards", BlockInput, run_block, _reward_cases),
    _handler(
        "slashing", "soft and hard slashes at block end", BlockInput, run_block, _slashing_cases
    ),
    _handler("state_root", "the state root of a genesis", BlockInput, run_block, _state_root_cases),
    _handler("block", "apply_block", BlockInput, run_block, _block_cases),
    _handler(
        "withdraw",
        "a wasm contract pays out through transfer.withdraw",
        MoonlightTx,
        run_withdraw,
        _withdraw_cases,
        WithdrawPre,
        WithdrawPost,
    ),
    _handler(
        "deposit_claim",
        "a wasm contract claims the transaction's deposit through transfer.deposit",
        MoonlightTx,
        run_withdraw,
        _deposit_claim_cases,
        WithdrawPre,
        WithdrawPost,
    ),
)
