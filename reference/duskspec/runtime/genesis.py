"""The genesis contracts as native VM contracts, and the transaction executor
(spec/runtime.md §10-§11; spec/sources.md §3.7, §4.4).

The transfer contract (``0x01``) and the stake contract (``0x02``) are Python functions that
run in the VM's call frame (:mod:`duskspec.runtime.vm.native`): canonical bytes in, canonical
bytes out, gas from the same fuel, rollback with the same snapshots. Their state is the
:class:`~duskspec.runtime.state.RuntimeState` held by the session's host, committed into the
state root at the end (:func:`duskspec.runtime.state.commit`).

:func:`execute` runs one transaction as Dusk's executor does, in one VM session:

1. X1 the transaction's contract ``spend``s it (transfer ``spend`` for Moonlight and
   Phoenix, the stake contract's ``stake``/``unstake``/``withdraw`` for a stake transaction);
   a refusal makes the transaction, and so the block, invalid with its stable code;
2. X2 a Moonlight transaction's contract call, if any, runs with all the gas left; if it
   fails its effects are undone, it costs all the gas left (G5) and the receipt carries the
   stable code of the refusal that failed it;
3. X3 transfer ``refund(gas_spent)`` returns the unspent gas and any unclaimed deposit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TypeVar

from duskspec import encoding
from duskspec.crypto import bls, hashes, phoenix_keys, schnorr
from duskspec.errors import EncodingError, ProtocolError, RuntimeProtocolError
from duskspec.runtime import stake as stake_contract
from duskspec.runtime import transactions as tx_rules
from duskspec.runtime.note import NOTE_SIZE, transparent_note
from duskspec.runtime.state import (
    STAKE_CONTRACT,
    TRANSFER_CONTRACT,
    Account,
    RuntimeState,
    commit,
    with_account,
)
from duskspec.runtime.transactions import (
    BLS_PK_SIZE,
    BLS_SIG_SIZE,
    MoonlightTx,
    PhoenixTx,
    Receipt,
    TxContext,
)
from duskspec.runtime.vm import abi, machine, native
from duskspec.runtime.vm.abi import Metadata
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.gas import MAINNET, VmConfig
from duskspec.runtime.vm.native import ContractPanic, NativeFrame, NativeFunction, NativeHost
from duskspec.types import Hash32

Transaction = MoonlightTx | PhoenixTx | stake_contract.StakeTx

#: Gas of a withdrawal's bookkeeping (its signature check is charged at the query's price).
WITHDRAW_GAS = 200_000
#: Gas of claiming a deposit.
DEPOSIT_GAS = 100_000
#: Gas of a query function (``contract_balance``, ``account``, ``root``, ``num_notes``, ...).
QUERY_GAS = 10_000
#: Gas a node-only call (refund, reward, slash, update_root) runs with; they charge nothing.
NODE_GAS = 1 << 40
#: The VM limits the runtime's sessions run with.
VM_CONFIG: VmConfig = MAINNET

SCHNORR_SIG_SIZE = 64
STEALTH_ADDRESS_SIZE = 64


def _refuse(code: str, detail: str) -> RuntimeProtocolError:
    return RuntimeProtocolError(code, detail)


def _node_only(frame: NativeFrame) -> None:
    """Functions only the node calls, at the top of the stack (never a contract)."""
    if frame.caller() is not None:
        raise _refuse("runtime.node_only", "only the node calls this function")


def _state(frame: NativeFrame) -> RuntimeState:
    state = frame.state
    assert isinstance(state, RuntimeState)
    return state


def _context(frame: NativeFrame) -> TxContext:
    context = frame.context
    if not isinstance(context, TxContext):
        raise _refuse("runtime.no_transaction", "no transaction is being executed")
    return context


# --- withdraw (spec/runtime.md §11) ----------------------------------------------------------


class WithdrawKind(enum.IntEnum):
    """A withdrawal's receiver, and its replay token: Phoenix or Moonlight."""

    PHOENIX = 0
    MOONLIGHT = 1


@dataclass(frozen=True)
class Withdraw:
    """A contract paying out of its balance (Dusk's ``Withdraw``). ``receiver``: a 64-byte
    stealth address (Phoenix: the value becomes a transparent note) or a 96-byte BLS key
    (Moonlight: the account is credited). The replay token names the current transaction:
    its Moonlight nonce, or its Phoenix nullifiers. ``signature``: the receiver's consent,
    a Schnorr signature by the note secret key of the stealth address over
    ``hash_to_scalar(message)`` (64 bytes), or a BLS signature by the account over the
    message (48 bytes)."""

    contract: bytes
    value: int
    receiver_kind: WithdrawKind
    receiver: bytes
    token_kind: WithdrawKind
    token_nonce: int
    token_nullifiers: tuple[int, ...]
    signature: bytes = b""


def withdraw_message(w: Withdraw) -> bytes:
    """``contract 32 ‖ value u64 ‖ receiver kind u8 ‖ receiver (u32-prefixed) ‖ token kind
    u8 ‖ nonce u64 ‖ u32 count ‖ nullifiers (32 LE each)``."""
    return b"".join(
        (
            encoding.encode_fixed(w.contract, abi.CONTRACT_ID_SIZE),
            encoding.encode_u64(w.value),
            encoding.encode_u8(int(w.receiver_kind)),
            encoding.encode_var_bytes(w.receiver),
            encoding.encode_u8(int(w.token_kind)),
            encoding.encode_u64(w.token_nonce),
            encoding.encode_u32(len(w.token_nullifiers)),
            *(nf.to_bytes(32, "little") for nf in w.token_nullifiers),
        )
    )


def encode_withdraw(w: Withdraw) -> bytes:
    """The ``withdraw`` argument: the message, then the signature (u32-prefixed)."""
    return withdraw_message(w) + encoding.encode_var_bytes(w.signature)


def decode_withdraw(data: bytes) -> Withdraw:
    """W1: the argument decodes strictly (``runtime.malformed_withdraw``)."""
    try:
        reader = encoding.Reader(data)
        contract = reader.fixed(abi.CONTRACT_ID_SIZE)
        value = reader.u64()
        receiver_kind = WithdrawKind(reader.u8())
        receiver = reader.var_bytes()
        token_kind = WithdrawKind(reader.u8())
        nonce = reader.u64()
        count = reader.u32()
        if count > tx_rules.MAX_INPUTS:
            raise _refuse("runtime.malformed_withdraw", f"{count} nullifiers")
        nullifiers = tuple(int.from_bytes(reader.fixed(32), "little") for _ in range(count))
        signature = reader.var_bytes()
        reader.finish()
    except (ProtocolError, ValueError) as exc:
        raise _refuse("runtime.malformed_withdraw", str(exc)) from exc
    size = STEALTH_ADDRESS_SIZE if receiver_kind == WithdrawKind.PHOENIX else BLS_PK_SIZE
    if len(receiver) != size:
        raise _refuse("runtime.malformed_withdraw", f"a receiver of {len(receiver)} bytes")
    if receiver_kind == WithdrawKind.PHOENIX:
        try:
            phoenix_keys.decode_stealth_address(receiver)
        except ProtocolError as exc:
            raise _refuse("runtime.malformed_withdraw", exc.code) from exc
    return Withdraw(
        contract, value, receiver_kind, receiver, token_kind, nonce, nullifiers, signature
    )


def sign_withdraw_moonlight(w: Withdraw, sk: int) -> Withdraw:
    return replace(w, signature=bytes(bls.sign(sk, withdraw_message(w))))


def sign_withdraw_phoenix(w: Withdraw, note_sk: int, seed: bytes = b"") -> Withdraw:
    msg = int(hashes.hash_to_scalar(withdraw_message(w)))
    return replace(w, signature=schnorr.encode_signature(schnorr.sign(note_sk, msg, seed)))


def _token_matches(w: Withdraw, context: TxContext) -> bool:
    if w.token_kind == WithdrawKind.MOONLIGHT:
        return context.nonce is not None and w.token_nonce == context.nonce
    return bool(context.nullifiers) and w.token_nullifiers == context.nullifiers


def _receiver_consents(frame: NativeFrame, w: Withdraw) -> bool:
    """W4 through the host queries contracts use (charged their price)."""
    message = withdraw_message(w)
    if w.receiver_kind == WithdrawKind.MOONLIGHT:
        if len(w.signature) != BLS_SIG_SIZE:
            return False
        args = encoding.encode_var_bytes(message) + w.receiver + w.signature
        return frame.query("verify_bls", args) == b"\x01"
    if len(w.signature) != SCHNORR_SIG_SIZE:
        return False
    note_pk = w.receiver[32:]
    digest = hashes.scalar_to_bytes(hashes.hash_to_scalar(message))
    return frame.query("verify_schnorr", digest + note_pk + w.signature) == b"\x01"


def _check_withdraw(frame: NativeFrame, w: Withdraw) -> None:
    """W2-W5 (spec/runtime.md §11)."""
    state = _state(frame)
    if frame.caller() != w.contract:
        raise _refuse("runtime.withdraw_wrong_caller", "only the paying contract withdraws")
    if not _token_matches(w, _context(frame)):
        raise _refuse("runtime.withdraw_bad_token", "the token names another transaction")
    try:
        consents = _receiver_consents(frame, w)
    except VmError as exc:
        if exc.code == "runtime.vm_out_of_gas":
            raise
        raise _refuse("runtime.withdraw_bad_signature", exc.detail) from exc
    if not consents:
        raise _refuse("runtime.withdraw_bad_signature", "the receiver did not sign it")
    balance = state.contract_balances.get(w.contract, 0)
    if not 0 < w.value <= balance:
        raise _refuse("runtime.withdraw_exceeds_balance", f"{w.value} of {balance}")


def _paid_out(state: RuntimeState, w: Withdraw) -> RuntimeState:
    """W6: the contract's balance pays the receiver's account or a new transparent note."""
    contracts = {**state.contract_balances, w.contract: state.contract_balances[w.contract]}
    contracts[w.contract] -= w.value
    state = replace(state, contract_balances=contracts)
    if w.receiver_kind == WithdrawKind.MOONLIGHT:
        account = state.account(w.receiver)
        credited = Account(account.balance + w.value, account.nonce)
        return replace(state, accounts=with_account(state.accounts, w.receiver, credited))
    address = phoenix_keys.decode_stealth_address(w.receiver)
    note = transparent_note(address, w.value, TRANSFER_CONTRACT, "withdraw")
    return tx_rules._append_notes(state, [note])


def transfer_withdraw(frame: NativeFrame, argument: bytes) -> bytes:
    """``withdraw(Withdraw)``: W1-W6."""
    frame.charge(WITHDRAW_GAS)
    w = decode_withdraw(argument)
    _check_withdraw(frame, w)
    state = _paid_out(_state(frame), w)
    frame.set_state(state)
    frame.emit("withdraw", withdraw_message(w))
    return b""


# --- deposit (spec/runtime.md §13) ------------------------------------------------------------


def transfer_deposit(frame: NativeFrame, argument: bytes) -> bytes:
    """``deposit(value u64)``: D2-D4, the called contract claims the transaction's deposit."""
    frame.charge(DEPOSIT_GAS)
    if len(argument) != 8:
        raise _refuse("runtime.bad_deposit", "a deposit claim is one u64")
    value = encoding.decode_uint(argument, 8)
    state = _state(frame)
    pending = state.pending_deposit
    if pending is None or frame.caller() != pending[0]:
        raise _refuse("runtime.bad_deposit", "no deposit waits for this caller")
    if value != pending[1]:
        raise _refuse("runtime.bad_deposit", f"the deposit is {pending[1]}, not {value}")
    contracts = {**state.contract_balances, pending[0]: state.contract_balances[pending[0]]}
    contracts[pending[0]] += value
    frame.set_state(replace(state, contract_balances=contracts, pending_deposit=None))
    frame.emit("deposit", pending[0] + encoding.encode_u64(value))
    return b""


# --- the transfer contract's other functions ------------------------------------------------


def transfer_spend(frame: NativeFrame, argument: bytes) -> bytes:
    """``spend(kind u8 ‖ transaction)``: kind 0 a Phoenix transaction
    (:func:`~duskspec.runtime.transactions.encode_phoenix`), 1 a Moonlight one
    (:func:`~duskspec.runtime.transactions.moonlight_argument`). Node only."""
    _node_only(frame)
    kind, body = argument[:1], argument[1:]
    state = _state(frame)
    if kind == b"\x00":
        phoenix = _decoded(tx_rules.decode_phoenix, body)
        state, context, events = tx_rules.spend_phoenix(state, phoenix)
        price = tx_rules.phoenix_gas(len(phoenix.nullifiers))
    elif kind == b"\x01":
        moonlight = _decoded(tx_rules.decode_moonlight_argument, body)
        state, context, events = tx_rules.spend_moonlight(state, moonlight)
        price = tx_rules.MOONLIGHT_GAS
    else:
        raise _refuse("runtime.malformed_transaction", f"no transaction kind {kind.hex()}")
    return _spent(frame, state, context, events, price)


T = TypeVar("T")


def _decoded(decode: Callable[[bytes], T], data: bytes) -> T:
    """A transaction decoded; bytes that do not decode are ``runtime.malformed_transaction``
    (a rule's own code, such as ``runtime.input_count``, is kept)."""
    try:
        return decode(data)
    except EncodingError as exc:
        raise _refuse("runtime.malformed_transaction", exc.code) from exc


def _spent(
    frame: NativeFrame,
    state: RuntimeState,
    context: TxContext,
    events: Sequence[abi.Event],
    price: int,
) -> bytes:
    frame.charge(price)
    frame.set_state(state)
    frame.host.context = context
    for event in events:
        frame.emit(event.topic, event.data)
    return b""


def transfer_refund(frame: NativeFrame, argument: bytes) -> bytes:
    """``refund(gas_spent u64)``: R1. Node only."""
    _node_only(frame)
    gas_spent = encoding.decode_uint(argument, 8)
    frame.set_state(tx_rules.refund(_state(frame), _context(frame), gas_spent))
    return b""


def transfer_update_root(frame: NativeFrame, argument: bytes) -> bytes:
    """``update_root()``: the notes-tree root joins the ring (the oldest leaves past
    ``max_roots``); the block's fees are reset. Node only."""
    _node_only(frame)
    state = _state(frame)
    roots = (*state.roots, state.tree.root())[-state.config.max_roots :]
    frame.set_state(replace(state, roots=roots, block_fees=0))
    return b""


def transfer_contract_balance(frame: NativeFrame, argument: bytes) -> bytes:
    """``contract_balance(id 32) -> u64``."""
    frame.charge(QUERY_GAS)
    return encoding.encode_u64(_state(frame).contract_balances.get(argument, 0))


def transfer_account(frame: NativeFrame, argument: bytes) -> bytes:
    """``account(key 96) -> balance u64 ‖ nonce u64``."""
    frame.charge(QUERY_GAS)
    account = _state(frame).account(argument)
    return encoding.encode_u64(account.balance) + encoding.encode_u64(account.nonce)


def transfer_root(frame: NativeFrame, argument: bytes) -> bytes:
    """``root() -> 32``: the notes tree's current root (LE)."""
    frame.charge(QUERY_GAS)
    return int(_state(frame).tree.root()).to_bytes(32, "little")


def transfer_num_notes(frame: NativeFrame, argument: bytes) -> bytes:
    """``num_notes() -> u64``."""
    frame.charge(QUERY_GAS)
    return encoding.encode_u64(len(_state(frame).notes))


def transfer_chain_id(frame: NativeFrame, argument: bytes) -> bytes:
    """``chain_id() -> u8``."""
    frame.charge(QUERY_GAS)
    return encoding.encode_u8(_state(frame).config.chain_id)


# --- the stake contract ----------------------------------------------------------------------


def _stake_entry(op: stake_contract.StakeOp) -> NativeFunction:
    """``stake``/``unstake``/``withdraw(stake_message ‖ signature)``: K1-K6. Node only."""

    def entry(frame: NativeFrame, argument: bytes) -> bytes:
        _node_only(frame)
        tx = _decoded(stake_contract.decode_stake, argument)
        if tx.op != op:
            raise _refuse("runtime.bad_call", f"a {tx.op.name.lower()} sent to {op.name}")
        state, context, events = stake_contract.spend_stake(_state(frame), tx)
        return _spent(frame, state, context, events, stake_contract.STAKE_GAS)

    return entry


def stake_reward(frame: NativeFrame, argument: bytes) -> bytes:
    """``reward(emission u64 ‖ u32 count ‖ (key 96 ‖ value u64)…)``: B3 / K7. The rewards may
    not exceed the emission plus the block's fees; each goes to a key the stake contract holds
    an entry for (a stake, or a reward alone, as the Dusk key's); the rest is burnt.
    Node only."""
    _node_only(frame)
    emission, rewards = _decode_rewards(argument)
    state = _state(frame)
    budget = emission + state.block_fees
    total = sum(value for _, value in rewards)
    if total > budget:
        raise _refuse("runtime.reward_exceeds_budget", f"{total} > {budget}")
    for key, value in rewards:
        if key not in state.stakes:
            raise _refuse("runtime.reward_without_stake", "a reward goes to a stake entry")
        state = stake_contract.reward(state, key, value)
    frame.set_state(replace(state, burnt=state.burnt + budget - total))
    return b""


def encode_rewards(emission: int, rewards: Sequence[tuple[bytes, int]]) -> bytes:
    parts = [encoding.encode_u64(emission), encoding.encode_u32(len(rewards))]
    for key, value in rewards:
        parts.append(encoding.encode_fixed(key, BLS_PK_SIZE) + encoding.encode_u64(value))
    return b"".join(parts)


def _decode_rewards(data: bytes) -> tuple[int, list[tuple[bytes, int]]]:
    reader = encoding.Reader(data)
    emission = reader.u64()
    rewards = [(reader.fixed(BLS_PK_SIZE), reader.u64()) for _ in range(reader.u32())]
    reader.finish()
    return emission, rewards


def stake_slash(frame: NativeFrame, argument: bytes) -> bytes:
    """``slash(key 96)``: K8 soft. Node only."""
    _node_only(frame)
    frame.set_state(stake_contract.soft_slash(_state(frame), argument))
    return b""


def stake_hard_slash(frame: NativeFrame, argument: bytes) -> bytes:
    """``hard_slash(key 96)``: K8 hard, severity 1. Node only."""
    _node_only(frame)
    frame.set_state(stake_contract.hard_slash(_state(frame), argument))
    return b""


def stake_get_stake(frame: NativeFrame, argument: bytes) -> bytes:
    """``get_stake(key 96) -> has u8 ‖ [value ‖ locked ‖ eligibility] ‖ reward u64 ‖ faults
    u8 ‖ hard_faults u8``."""
    frame.charge(QUERY_GAS)
    data = _state(frame).stake(argument)
    amount = data.amount
    head = b"\x00"
    if amount is not None:
        head = b"\x01" + b"".join(
            encoding.encode_u64(x) for x in (amount.value, amount.locked, amount.eligibility)
        )
    tail = encoding.encode_u8(data.faults) + encoding.encode_u8(data.hard_faults)
    return head + encoding.encode_u64(data.reward) + tail


def stake_burnt_amount(frame: NativeFrame, argument: bytes) -> bytes:
    """``burnt_amount() -> u64``."""
    frame.charge(QUERY_GAS)
    return encoding.encode_u64(_state(frame).burnt)


TRANSFER_FUNCTIONS: dict[str, NativeFunction] = {
    "spend": transfer_spend,
    "refund": transfer_refund,
    "update_root": transfer_update_root,
    "withdraw": transfer_withdraw,
    "deposit": transfer_deposit,
    "contract_balance": transfer_contract_balance,
    "account": transfer_account,
    "root": transfer_root,
    "num_notes": transfer_num_notes,
    "chain_id": transfer_chain_id,
}

STAKE_FUNCTIONS: dict[str, NativeFunction] = {
    "stake": _stake_entry(stake_contract.StakeOp.STAKE),
    "unstake": _stake_entry(stake_contract.StakeOp.UNSTAKE),
    "withdraw": _stake_entry(stake_contract.StakeOp.WITHDRAW),
    "reward": stake_reward,
    "slash": stake_slash,
    "hard_slash": stake_hard_slash,
    "get_stake": stake_get_stake,
    "burnt_amount": stake_burnt_amount,
}

CONTRACTS: dict[Hash32, dict[str, NativeFunction]] = {
    TRANSFER_CONTRACT: TRANSFER_FUNCTIONS,
    STAKE_CONTRACT: STAKE_FUNCTIONS,
}


# --- sessions --------------------------------------------------------------------------------


def _metadata(state: RuntimeState, sender: bytes | None = None) -> Metadata:
    public = sender if sender is not None and len(sender) == BLS_PK_SIZE else None
    return Metadata(state.config.chain_id, state.height, public)


def _open(
    state: RuntimeState, metadata: Metadata, fuel: int
) -> AbstractContextManager[machine._Session]:
    return native.open_session(state.vm, NativeHost(CONTRACTS, state), metadata, fuel, VM_CONFIG)


def _close(session: machine._Session) -> RuntimeState:
    """The session's end: the wasm memories and the genesis contracts' state committed."""
    state = session.native.state
    assert isinstance(state, RuntimeState)
    return commit(replace(state, vm=native.commit_memories(session)))


def _invoke(session: machine._Session, contract: Hash32, name: str, argument: bytes) -> bytes:
    """A top-level call; a genesis contract's refusal surfaces as its stable code."""
    try:
        return native.invoke(session, contract, name, argument)
    except ContractPanic as panic:
        raise panic.reason from None


def _entry(tx: Transaction) -> tuple[Hash32, str, bytes, bytes, bytes | None]:
    """The spending contract, function and argument of a transaction, its id and its
    public sender; a transaction whose fields do not encode is malformed."""
    try:
        return _encoded_entry(tx)
    except EncodingError as exc:
        raise _refuse("runtime.malformed_transaction", exc.code) from exc


def _encoded_entry(tx: Transaction) -> tuple[Hash32, str, bytes, bytes, bytes | None]:
    if isinstance(tx, MoonlightTx):
        argument = b"\x01" + tx_rules.moonlight_argument(tx)
        return TRANSFER_CONTRACT, "spend", argument, tx_rules.moonlight_id(tx), tx.sender
    if isinstance(tx, PhoenixTx):
        if len(tx.outputs) != 2 or any(len(note) != NOTE_SIZE for note in tx.outputs):
            raise _refuse("runtime.malformed_note", "two outputs of 302 bytes each")
        argument = b"\x00" + tx_rules.encode_phoenix(tx)
        return TRANSFER_CONTRACT, "spend", argument, tx_rules.phoenix_id(tx), None
    argument = stake_contract.stake_message(tx) + tx.signature
    return STAKE_CONTRACT, tx.op.name.lower(), argument, stake_contract.stake_id(tx), tx.account


def _call(session: machine._Session, tx: Transaction) -> str | None:
    """X2: the transaction's contract call with all the gas left; the stable code of what
    failed it (the last genesis refusal in it, else the VM's code), or None."""
    if not isinstance(tx, MoonlightTx) or not tx.call_contract:
        return None
    host = session.native
    assert isinstance(host, NativeHost)
    host.refusals.clear()
    try:
        native.invoke(session, Hash32(tx.call_contract), tx.call_function, tx.call_argument)
    except VmError as error:
        session.store.set_fuel(0)
        return host.refusals[-1].code if host.refusals else error.code
    return None


def execute(state: RuntimeState, tx: Transaction) -> tuple[RuntimeState, Receipt]:
    """X1-X3: one transaction in one VM session (the given state is never changed)."""
    contract, function, argument, tx_id, sender = _entry(tx)
    with _open(state, _metadata(state, sender), tx.gas_limit) as session:
        _invoke(session, contract, function, argument)
        error = _call(session, tx)
        gas_spent = tx.gas_limit - session.fuel()
        session.store.set_fuel(NODE_GAS)
        _invoke(session, TRANSFER_CONTRACT, "refund", encoding.encode_u64(gas_spent))
        receipt = Receipt(tx_id, gas_spent, tuple(session.events), error)
        return _close(session), receipt


def node_calls(state: RuntimeState, calls: Sequence[tuple[Hash32, str, bytes]]) -> RuntimeState:
    """Node-only calls (the block's end: reward, slashes, update_root) in one session, in
    order; a refusal raises its stable code and the state is unchanged."""
    with _open(state, _metadata(state), NODE_GAS) as session:
        for contract, name, argument in calls:
            _invoke(session, contract, name, argument)
        return _close(session)


def call(
    state: RuntimeState, contract: Hash32, name: str, argument: bytes, gas_limit: int
) -> tuple[RuntimeState, machine.CallResult]:
    """A top-level call of any contract, wasm or genesis, outside a transaction (queries,
    tests). A failure raises its VmError (a genesis refusal: its stable code)."""
    with _open(state, _metadata(state), gas_limit) as session:
        output = _invoke(session, contract, name, argument)
        result = machine.CallResult(output, gas_limit - session.fuel(), tuple(session.events))
        return _close(session), result


def deploy(state: RuntimeState, inp: machine.DeployInput) -> tuple[RuntimeState, Hash32]:
    """A wasm contract deployed into the runtime's VM state and registered with the transfer
    contract (balance 0), so deposits and calls can name it."""
    vm, result = machine.deploy(state.vm, inp, VM_CONFIG)
    balances = {**state.contract_balances, result.contract: 0}
    return commit(replace(state, vm=vm, contract_balances=balances)), result.contract
