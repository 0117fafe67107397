"""The stake contract's rules (spec/runtime.md §5; spec/sources.md §1.14-1.15, §3.7).

Stake transactions are signed by the staking account's BLS key and funded from that key's
Moonlight account (departure: Dusk wraps them in a Moonlight transaction calling the stake
contract and signs them with the account and the owner key; here the owner is the account).
``reward`` and ``slash`` run at the end of a block (:mod:`duskspec.runtime.block`) with
amounts the node computes with the consensus arithmetic (``duskspec.consensus.rewards``);
the runtime never imports consensus.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from duskspec import encoding
from duskspec.crypto import bls, hashes
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime.state import (
    STAKE_CONTRACT,
    Account,
    RuntimeState,
    StakeAmount,
    StakeData,
)
from duskspec.runtime.transactions import (
    BLS_PK_SIZE,
    BLS_SIG_SIZE,
    Receipt,
    TxContext,
    _check_common,
    _verify_bls,
)
from duskspec.runtime.vm.abi import Event

#: Gas of a stake operation (its signature check and bookkeeping).
STAKE_GAS = 4_000_000
#: Soft slash: 10 % of the stake per effective fault; the first fault is a warning.
SLASH_PERCENT = 10
WARNINGS = 1


class StakeOp(enum.IntEnum):
    STAKE = 0
    UNSTAKE = 1
    WITHDRAW = 2


@dataclass(frozen=True)
class StakeTx:
    chain_id: int
    op: StakeOp
    account: bytes
    value: int
    gas_limit: int
    gas_price: int
    nonce: int
    signature: bytes = bytes(BLS_SIG_SIZE)


def stake_message(tx: StakeTx) -> bytes:
    """``chain_id u8 ‖ op u8 ‖ account 96 ‖ value u64 ‖ gas_limit u64 ‖ gas_price u64 ‖
    nonce u64``."""
    return (
        encoding.encode_u8(tx.chain_id)
        + encoding.encode_u8(int(tx.op))
        + encoding.encode_fixed(tx.account, BLS_PK_SIZE)
        + b"".join(encoding.encode_u64(v) for v in (tx.value, tx.gas_limit, tx.gas_price, tx.nonce))
    )


def sign_stake(tx: StakeTx, sk: int) -> StakeTx:
    return replace(tx, signature=bytes(bls.sign(sk, stake_message(tx))))


def decode_stake(data: bytes) -> StakeTx:
    """The stake contract's argument (``stake_message ‖ signature``) decoded, strictly."""
    reader = encoding.Reader(data)
    chain_id, op = reader.u8(), reader.u8()
    if op not in {int(o) for o in StakeOp}:
        raise _fail("runtime.bad_stake_signature", f"no stake operation {op}")
    account = reader.fixed(BLS_PK_SIZE)
    value, gas_limit, gas_price, nonce = (reader.u64() for _ in range(4))
    signature = reader.fixed(BLS_SIG_SIZE)
    reader.finish()
    return StakeTx(chain_id, StakeOp(op), account, value, gas_limit, gas_price, nonce, signature)


def stake_id(tx: StakeTx) -> bytes:
    return hashes.scalar_to_bytes(hashes.hash_to_scalar(stake_message(tx) + tx.signature))


def next_epoch(height: int, epoch: int) -> int:
    return (height // epoch + 1) * epoch


def _fail(code: str, detail: str) -> RuntimeProtocolError:
    return RuntimeProtocolError(code, detail)


def _check_stake(state: RuntimeState, tx: StakeTx) -> Account:
    """K1-K8 (spec/runtime.md §5)."""
    _check_common(state, tx.chain_id, tx.gas_limit, tx.gas_price, STAKE_GAS)
    if len(tx.account) != BLS_PK_SIZE or not _verify_bls(
        tx.account, stake_message(tx), tx.signature
    ):
        raise _fail("runtime.bad_stake_signature", "the stake signature does not verify")
    if tx.account not in state.accounts:
        raise _fail("runtime.unknown_account", "the staker has no Moonlight account")
    account = state.accounts[tx.account]
    if tx.nonce != account.nonce + 1:
        raise _fail("runtime.wrong_nonce", f"nonce {tx.nonce}, expected {account.nonce + 1}")
    fee = tx.gas_limit * tx.gas_price
    data = state.stake(tx.account)
    if tx.op == StakeOp.STAKE:
        if tx.value == 0:
            raise _fail("runtime.stake_zero", "a stake moves a positive value")
        if fee + tx.value > account.balance:
            raise _fail("runtime.insufficient_balance", f"the account holds {account.balance}")
        if data.amount is None and tx.value < state.config.minimum_stake:
            raise _fail(
                "runtime.stake_below_minimum",
                f"a first stake is at least {state.config.minimum_stake}",
            )
    elif tx.op == StakeOp.UNSTAKE:
        if fee > account.balance:
            raise _fail("runtime.insufficient_balance", f"the account holds {account.balance}")
        if data.amount is None or tx.value > data.amount.value or tx.value == 0:
            raise _fail("runtime.unstake_exceeds_stake", "more than the stake")
        left = data.amount.value - tx.value
        if 0 < left < state.config.minimum_stake:
            raise _fail("runtime.stake_below_minimum", "a partial unstake leaves the minimum")
    else:
        if fee > account.balance:
            raise _fail("runtime.insufficient_balance", f"the account holds {account.balance}")
        if tx.value == 0 or tx.value > data.reward:
            raise _fail("runtime.withdraw_exceeds_reward", f"the reward is {data.reward}")
    return account


def _staked(state: RuntimeState, data: StakeData, value: int) -> StakeData:
    """A stake or top-up: a first stake becomes eligible at the epoch after next; a top-up
    of an eligible stake locks 10 % of it (spec/sources.md §1.15)."""
    if data.amount is None:
        eligibility = next_epoch(state.height, state.config.epoch) + state.config.epoch
        return replace(data, amount=StakeAmount(value, 0, eligibility))
    amount = data.amount
    if amount.eligibility <= state.height:
        locked = value // 10
        return replace(
            data,
            amount=replace(
                amount, value=amount.value + value - locked, locked=amount.locked + locked
            ),
        )
    return replace(data, amount=replace(amount, value=amount.value + value))


def spend_stake(
    state: RuntimeState, tx: StakeTx
) -> tuple[RuntimeState, TxContext, tuple[Event, ...]]:
    """K1-K6: the checks, then the account pays ``gas_limit × gas_price`` (the unspent part
    comes back with the refund) and the operation moves its value."""
    account = _check_stake(state, tx)
    data = state.stake(tx.account)
    balance = account.balance - tx.gas_limit * tx.gas_price
    if tx.op == StakeOp.STAKE:
        balance -= tx.value
        data = _staked(state, data, tx.value)
    elif tx.op == StakeOp.UNSTAKE:
        amount = data.amount
        assert amount is not None  # K5 checked it
        left = amount.value - tx.value
        if left == 0:
            balance += tx.value + amount.locked
            data = replace(data, amount=None)
        else:
            balance += tx.value
            data = replace(data, amount=replace(amount, value=left))
    else:
        balance += tx.value
        data = replace(data, reward=data.reward - tx.value)
    accounts = {**state.accounts, tx.account: Account(balance, tx.nonce)}
    stakes = {**state.stakes, tx.account: data}
    new_state = replace(state, accounts=accounts, stakes=stakes)
    event = Event(STAKE_CONTRACT, tx.op.name.lower(), tx.account + encoding.encode_u64(tx.value))
    context = TxContext(tx.gas_limit, tx.gas_price, 0, refund_account=tx.account, nonce=tx.nonce)
    return new_state, context, (event,)


def execute_stake(state: RuntimeState, tx: StakeTx) -> tuple[RuntimeState, Receipt]:
    """A stake transaction run by the stake contract in the VM."""
    from duskspec.runtime import genesis

    return genesis.execute(state, tx)


# --- block-end operations (node-only) --------------------------------------------------------


def reward(state: RuntimeState, key: bytes, value: int) -> RuntimeState:
    """``reward``: credit ``value`` and reset the fault counters."""
    data = state.stake(key)
    stakes = {
        **state.stakes,
        key: replace(data, reward=data.reward + value, faults=0, hard_faults=0),
    }
    return replace(state, stakes=stakes)


def soft_slash(state: RuntimeState, key: bytes) -> RuntimeState:
    """``slash(account, None)``: one more fault; past the warning the stake is suspended for
    ``eff`` epochs and ``min(value/100·eff·10, value)`` moves to ``locked`` (not burnt)."""
    data = state.stake(key)
    if data.amount is None:
        return state
    faults = min(data.faults + 1, 255)
    effective = faults - WARNINGS
    amount = data.amount
    if effective > 0:
        cut = min(amount.value // 100 * effective * SLASH_PERCENT, amount.value)
        eligibility = next_epoch(state.height, state.config.epoch) + effective * state.config.epoch
        amount = StakeAmount(amount.value - cut, amount.locked + cut, eligibility)
    stakes = {**state.stakes, key: replace(data, amount=amount, faults=faults)}
    return replace(state, stakes=stakes)


def hard_slash(state: RuntimeState, key: bytes, severity: int = 1) -> RuntimeState:
    """``hard_slash``: ``hard_faults += severity``; ``min(value/100·hard_faults·10, value)``
    is burnt; suspended for ``hard_faults`` epochs."""
    data = state.stake(key)
    if data.amount is None:
        return state
    hard = min(data.hard_faults + severity, 255)
    amount = data.amount
    cut = min(amount.value // 100 * hard * SLASH_PERCENT, amount.value)
    eligibility = next_epoch(state.height, state.config.epoch) + hard * state.config.epoch
    stakes = {
        **state.stakes,
        key: replace(
            data,
            amount=StakeAmount(amount.value - cut, amount.locked, eligibility),
            hard_faults=hard,
        ),
    }
    return replace(state, stakes=stakes, burnt=state.burnt + cut)


def provisioners(state: RuntimeState) -> tuple[tuple[bytes, int], ...]:
    """The provisioner set consensus reads: ``(key, stake value)`` of every stake eligible at
    the state's height, ordered by key."""
    return tuple(
        (key, data.amount.value)
        for key, data in sorted(state.stakes.items())
        if data.amount is not None
        and data.amount.eligibility <= state.height
        and data.amount.value > 0
    )
