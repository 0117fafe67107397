"""Transactions and the transfer contract's rules (spec/transactions.md §7-§9;
spec/sources.md §4).

:func:`execute_moonlight` and :func:`execute_phoenix` apply one transaction to a
:class:`~duskspec.runtime.state.RuntimeState` and return the new state and a
:class:`Receipt`, or raise a :class:`~duskspec.errors.RuntimeProtocolError` with a stable
code; the given state is never changed (a rejected transaction leaves the state root
byte-identical). They run the transfer contract in the VM (:mod:`duskspec.runtime.genesis`):
its ``spend`` function calls :func:`spend_moonlight` / :func:`spend_phoenix` here, whose
every check is one line and runs before any effect, then the transaction's contract call if
it has one, then its ``refund`` (:func:`refund`).

Gas: spending costs a fixed price per kind (:data:`MOONLIGHT_GAS`, :func:`phoenix_gas`,
``stake.STAKE_GAS``), charged from the transaction's gas in the VM; a contract call spends
what it spends. The spend debits ``gas_limit × gas_price``; the refund returns the unspent
part (Moonlight: to the sender's account; Phoenix: a transparent note to the change note's
stealth address) with an unclaimed deposit; the spent part joins the block's fees, paid out
by the block reward (:mod:`duskspec.runtime.block`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from duskspec import encoding
from duskspec.crypto import bls, hashes, phoenix_keys
from duskspec.crypto.phoenix_keys import TRANSPARENT, StealthAddress
from duskspec.errors import ProtocolError, RuntimeProtocolError
from duskspec.runtime.note import NOTE_SIZE, Note, decode_note, encode_note, transparent_note
from duskspec.runtime.state import (
    STAKE_CONTRACT,
    TRANSFER_CONTRACT,
    Account,
    RuntimeState,
    with_account,
)
from duskspec.runtime.vm import host_queries
from duskspec.runtime.vm.abi import Event
from duskspec.types import BlsPublicKey, BlsSignature

BLS_PK_SIZE = 96
BLS_SIG_SIZE = 48
MAX_INPUTS = 4
U64 = (1 << 64) - 1

#: Gas of a Moonlight transfer (its signature check, the price of ``verify_bls``, spec/vm.md
#: §3.3, plus bookkeeping).
MOONLIGHT_GAS = host_queries.VERIFY_BLS + 400_000
#: Gas of a Phoenix transaction with ``I`` inputs: its proof check at the ``verify_plonk``
#: price for its public inputs, plus bookkeeping per nullifier and note.
PHOENIX_BASE_GAS = 1_000_000


def phoenix_gas(inputs: int) -> int:
    public_inputs = 2 + inputs + 4 + 2 + 4 + 16
    return (
        host_queries.VERIFY_PLONK_BASE
        + host_queries.VERIFY_PLONK_PER_INPUT * public_inputs
        + PHOENIX_BASE_GAS
    )


@dataclass(frozen=True)
class Receipt:
    """A transaction's result. ``error`` is the stable code of its failed contract call
    (the transaction is still included and pays its whole gas limit), or None."""

    tx_id: bytes
    gas_spent: int
    events: tuple[Event, ...]
    error: str | None = None


@dataclass(frozen=True)
class TxContext:
    """What a spend leaves to the rest of its transaction (not state): who gets the refund,
    the deposit nobody claimed, and the replay token a withdrawal must name (the Moonlight
    nonce, or the Phoenix nullifiers)."""

    gas_limit: int
    gas_price: int
    unclaimed_deposit: int
    refund_account: bytes = b""
    refund_address: StealthAddress | None = None
    nonce: int | None = None
    nullifiers: tuple[int, ...] = ()


# --- Moonlight -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MoonlightTx:
    """A BLS-signed account transfer. ``deposit`` goes to ``deposit_contract`` (a deposit
    claimed by that contract), or, when that is the transfer contract, is converted into a
    transparent note to ``convert_address`` (Moonlight -> Phoenix ``convert``); with no
    target it is refunded."""

    chain_id: int
    sender: bytes
    receiver: bytes
    value: int
    deposit: int
    gas_limit: int
    gas_price: int
    nonce: int
    deposit_contract: bytes = b""
    convert_address: bytes = b""
    signature: bytes = bytes(BLS_SIG_SIZE)
    #: An optional contract call run after the spend (Dusk's ``TransactionData::Call``).
    call_contract: bytes = b""
    call_function: str = ""
    call_argument: bytes = b""


def moonlight_message(tx: MoonlightTx) -> bytes:
    """``chain_id u8 ‖ sender ‖ [receiver if ≠ sender] ‖ value ‖ deposit ‖ gas_limit ‖
    gas_price ‖ nonce ‖ deposit_contract (u32-prefixed) ‖ convert_address (u32-prefixed)
    ‖ [call_contract ‖ call_function ‖ call_argument, each u32-prefixed, if a call]`` (u64 LE
    integers; the refund address is the sender)."""
    parts = [encoding.encode_u8(tx.chain_id), encoding.encode_fixed(tx.sender, BLS_PK_SIZE)]
    if tx.receiver != tx.sender:
        parts.append(encoding.encode_fixed(tx.receiver, BLS_PK_SIZE))
    for value in (tx.value, tx.deposit, tx.gas_limit, tx.gas_price, tx.nonce):
        parts.append(encoding.encode_u64(value))
    parts.append(encoding.encode_var_bytes(tx.deposit_contract))
    parts.append(encoding.encode_var_bytes(tx.convert_address))
    if tx.call_contract:
        parts.append(encoding.encode_var_bytes(tx.call_contract))
        parts.append(encoding.encode_var_bytes(tx.call_function.encode()))
        parts.append(encoding.encode_var_bytes(tx.call_argument))
    return b"".join(parts)


def moonlight_argument(tx: MoonlightTx) -> bytes:
    """The transfer contract's ``spend`` argument for a Moonlight transaction: every field
    in order, the receiver always present (u64 LE integers, u32-prefixed byte strings)."""
    parts = [encoding.encode_u8(tx.chain_id)]
    parts += [encoding.encode_fixed(k, BLS_PK_SIZE) for k in (tx.sender, tx.receiver)]
    for value in (tx.value, tx.deposit, tx.gas_limit, tx.gas_price, tx.nonce):
        parts.append(encoding.encode_u64(value))
    for raw in (tx.deposit_contract, tx.convert_address):
        parts.append(encoding.encode_var_bytes(raw))
    parts.append(encoding.encode_fixed(tx.signature, BLS_SIG_SIZE))
    for raw in (tx.call_contract, tx.call_function.encode(), tx.call_argument):
        parts.append(encoding.encode_var_bytes(raw))
    return b"".join(parts)


def decode_moonlight_argument(data: bytes) -> MoonlightTx:
    """The inverse of :func:`moonlight_argument` (strict)."""
    reader = encoding.Reader(data)
    chain_id = reader.u8()
    sender, receiver = reader.fixed(BLS_PK_SIZE), reader.fixed(BLS_PK_SIZE)
    value, deposit, gas_limit, gas_price, nonce = (reader.u64() for _ in range(5))
    deposit_contract, convert_address = reader.var_bytes(), reader.var_bytes()
    signature = reader.fixed(BLS_SIG_SIZE)
    call_contract, function, call_argument = (reader.var_bytes() for _ in range(3))
    reader.finish()
    return MoonlightTx(
        chain_id,
        sender,
        receiver,
        value,
        deposit,
        gas_limit,
        gas_price,
        nonce,
        deposit_contract,
        convert_address,
        signature,
        call_contract,
        function.decode("ascii", "replace"),
        call_argument,
    )


def sign_moonlight(tx: MoonlightTx, sk: int) -> MoonlightTx:
    return replace(tx, signature=bytes(bls.sign(sk, moonlight_message(tx))))


def encode_moonlight(tx: MoonlightTx) -> bytes:
    return moonlight_message(tx) + encoding.encode_fixed(tx.signature, BLS_SIG_SIZE)


def _fail(code: str, detail: str) -> RuntimeProtocolError:
    return RuntimeProtocolError(code, detail)


def _check_common(
    state: RuntimeState, chain_id: int, gas_limit: int, gas_price: int, gas: int
) -> None:
    if chain_id != state.config.chain_id:
        raise _fail("runtime.wrong_chain", f"chain {chain_id}, expected {state.config.chain_id}")
    if gas_price == 0:
        raise _fail("runtime.zero_gas_price", "the gas price is 0")
    if gas_limit > state.config.block_gas_limit:
        raise _fail(
            "runtime.gas_above_block_limit", f"{gas_limit} > {state.config.block_gas_limit}"
        )
    if gas_limit < gas:
        raise _fail("runtime.gas_limit_too_low", f"{gas_limit} < {gas}")
    if gas_limit * gas_price > U64:
        raise _fail("runtime.fee_overflow", "gas_limit × gas_price does not fit a u64")


def _verify_bls(pk: bytes, message: bytes, signature: bytes) -> bool:
    try:
        return bls.verify(BlsPublicKey(pk), message, BlsSignature(signature))
    except ProtocolError as exc:
        raise _fail("runtime.bad_signature", exc.code) from exc


def _check_moonlight(state: RuntimeState, tx: MoonlightTx) -> None:
    """M1-M7 (spec/transactions.md §7)."""
    _check_common(state, tx.chain_id, tx.gas_limit, tx.gas_price, MOONLIGHT_GAS)
    if len(tx.sender) != BLS_PK_SIZE or len(tx.receiver) != BLS_PK_SIZE:
        raise _fail("runtime.bad_signature", "a Moonlight key has 96 bytes")
    if not _verify_bls(tx.sender, moonlight_message(tx), tx.signature):
        raise _fail("runtime.bad_signature", "the BLS signature does not verify")
    if tx.sender not in state.accounts:
        raise _fail("runtime.unknown_account", "the sender has no account")
    account = state.accounts[tx.sender]
    if tx.nonce != account.nonce + 1:
        raise _fail("runtime.wrong_nonce", f"nonce {tx.nonce}, expected {account.nonce + 1}")
    if tx.value + tx.deposit + tx.gas_limit * tx.gas_price > account.balance:
        raise _fail("runtime.insufficient_balance", f"the account holds {account.balance}")
    if tx.convert_address and tx.deposit_contract != TRANSFER_CONTRACT:
        raise _fail("runtime.bad_deposit", "a convert deposits to the transfer contract")
    if tx.deposit_contract == TRANSFER_CONTRACT and not tx.convert_address:
        raise _fail("runtime.bad_deposit", "a convert names the note's stealth address")
    if tx.deposit_contract not in (b"", TRANSFER_CONTRACT, *state.contract_balances):
        raise _fail("runtime.unknown_contract", "the deposit's contract does not exist")
    if tx.call_contract in (TRANSFER_CONTRACT, STAKE_CONTRACT):
        raise _fail("runtime.bad_call", "a transaction calls a deployed contract")
    if tx.call_contract and tx.call_contract not in state.contract_balances:
        raise _fail("runtime.unknown_contract", "the called contract does not exist")


def moonlight_id(tx: MoonlightTx) -> bytes:
    """``hash_to_scalar(signature message ‖ signature)`` (32 bytes LE)."""
    return hashes.scalar_to_bytes(hashes.hash_to_scalar(encode_moonlight(tx)))


def spend_moonlight(
    state: RuntimeState, tx: MoonlightTx
) -> tuple[RuntimeState, TxContext, tuple[Event, ...]]:
    """M1-M7: the checks, then the sender pays ``value + deposit + gas_limit × gas_price``,
    the receiver gets ``value``, the deposit goes to its contract or becomes a note."""
    _check_moonlight(state, tx)
    sender = state.accounts[tx.sender]
    total = tx.value + tx.deposit + tx.gas_limit * tx.gas_price
    accounts = with_account(state.accounts, tx.sender, Account(sender.balance - total, tx.nonce))
    receiver = accounts.get(tx.receiver, Account())
    accounts[tx.receiver] = Account(receiver.balance + tx.value, receiver.nonce)
    unclaimed = 0
    contracts = dict(state.contract_balances)
    new_state = state
    if tx.deposit_contract == TRANSFER_CONTRACT:
        address = phoenix_keys.decode_stealth_address(tx.convert_address)
        new_state = _append_notes(
            state, [transparent_note(address, tx.deposit, TRANSFER_CONTRACT, "convert")]
        )
    elif tx.deposit_contract and tx.deposit_contract == tx.call_contract:
        # D1: the called contract claims it with transfer ``deposit``, else it is refunded.
        new_state = replace(new_state, pending_deposit=(tx.deposit_contract, tx.deposit))
    elif tx.deposit_contract:
        contracts[tx.deposit_contract] += tx.deposit
    else:
        unclaimed = tx.deposit
    new_state = replace(new_state, accounts=accounts, contract_balances=contracts)
    event = Event(
        TRANSFER_CONTRACT, "moonlight", tx.sender + tx.receiver + encoding.encode_u64(tx.value)
    )
    context = TxContext(
        tx.gas_limit, tx.gas_price, unclaimed, refund_account=tx.sender, nonce=tx.nonce
    )
    return new_state, context, (event,)


def refund(state: RuntimeState, context: TxContext, gas_spent: int) -> RuntimeState:
    """R1 ``refund``: ``(gas_limit − gas_spent) × gas_price`` plus the unclaimed deposit go
    back (to the Moonlight account, or as a transparent note to the change note's stealth
    address, not inserted when 0), with a deposit the called contract did not claim;
    ``gas_spent × gas_price`` joins the block's fees."""
    pending = state.pending_deposit[1] if state.pending_deposit is not None else 0
    value = (context.gas_limit - gas_spent) * context.gas_price + context.unclaimed_deposit
    value += pending
    state = replace(
        state,
        block_fees=state.block_fees + gas_spent * context.gas_price,
        pending_deposit=None,
    )
    if context.refund_address is not None:
        note = transparent_note(context.refund_address, value, TRANSFER_CONTRACT, "refund")
        return _append_notes(state, [note])
    account = state.account(context.refund_account)
    accounts = with_account(
        state.accounts, context.refund_account, Account(account.balance + value, account.nonce)
    )
    return replace(state, accounts=accounts)


def execute_moonlight(state: RuntimeState, tx: MoonlightTx) -> tuple[RuntimeState, Receipt]:
    """A Moonlight transaction run by the transfer contract in the VM."""
    from duskspec.runtime import genesis

    return genesis.execute(state, tx)


# --- Phoenix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoenixTx:
    """A shielded transaction: the skeleton (root, nullifiers, two output notes, max_fee,
    deposit), the fee (gas limit and price, the refund's stealth address, not covered by
    the payload hash), an optional Moonlight account receiving the deposit (Phoenix ->
    Moonlight ``convert``), and the proof."""

    chain_id: int
    root: int
    nullifiers: tuple[int, ...]
    outputs: tuple[bytes, bytes]
    max_fee: int
    deposit: int
    gas_limit: int
    gas_price: int
    refund_address: bytes
    proof: bytes
    convert_to: bytes = b""


def payload_hash(tx: PhoenixTx) -> int:
    """``hash_to_scalar(chain_id u8 ‖ root ‖ nullifiers ‖ output notes ‖ max_fee ‖ deposit
    ‖ convert_to (u32-prefixed))``; the fee is not covered (spec/sources.md §4.2)."""
    parts = [encoding.encode_u8(tx.chain_id), tx.root.to_bytes(32, "little")]
    parts += [nf.to_bytes(32, "little") for nf in tx.nullifiers]
    parts += list(tx.outputs)
    parts += [encoding.encode_u64(tx.max_fee), encoding.encode_u64(tx.deposit)]
    parts.append(encoding.encode_var_bytes(tx.convert_to))
    return int(hashes.hash_to_scalar(b"".join(parts)))


def decode_phoenix(data: bytes) -> PhoenixTx:
    """The inverse of :func:`encode_phoenix` (strict; the transfer contract's ``spend``
    argument for a Phoenix transaction)."""
    reader = encoding.Reader(data)
    chain_id = reader.u8()
    root = int.from_bytes(reader.fixed(32), "little")
    count = reader.u32()
    if count > MAX_INPUTS:
        raise _fail("runtime.input_count", f"{count} inputs, expected 1 to {MAX_INPUTS}")
    nullifiers = tuple(int.from_bytes(reader.fixed(32), "little") for _ in range(count))
    outputs = (reader.fixed(NOTE_SIZE), reader.fixed(NOTE_SIZE))
    max_fee, deposit, gas_limit, gas_price = (reader.u64() for _ in range(4))
    refund_address = reader.fixed(64)
    convert_to, proof = reader.var_bytes(), reader.var_bytes()
    reader.finish()
    return PhoenixTx(
        chain_id,
        root,
        nullifiers,
        outputs,
        max_fee,
        deposit,
        gas_limit,
        gas_price,
        refund_address,
        proof,
        convert_to,
    )


def encode_phoenix(tx: PhoenixTx) -> bytes:
    parts = [encoding.encode_u8(tx.chain_id), tx.root.to_bytes(32, "little")]
    parts.append(encoding.encode_u32(len(tx.nullifiers)))
    parts += [nf.to_bytes(32, "little") for nf in tx.nullifiers]
    parts += list(tx.outputs)
    for value in (tx.max_fee, tx.deposit, tx.gas_limit, tx.gas_price):
        parts.append(encoding.encode_u64(value))
    parts.append(encoding.encode_fixed(tx.refund_address, 64))
    parts.append(encoding.encode_var_bytes(tx.convert_to))
    parts.append(encoding.encode_var_bytes(tx.proof))
    return b"".join(parts)


def phoenix_id(tx: PhoenixTx) -> bytes:
    return hashes.scalar_to_bytes(hashes.hash_to_scalar(encode_phoenix(tx)))


def public_inputs(tx: PhoenixTx, outputs: tuple[Note, Note]) -> list[int]:
    """The circuit's public inputs in Dusk's order (spec/transactions.md §2)."""
    values = [payload_hash(tx), tx.root, *tx.nullifiers]
    values += [
        *outputs[0].value_commitment.hash_inputs(),
        *outputs[1].value_commitment.hash_inputs(),
    ]
    values += [tx.max_fee, tx.deposit]
    values += [*outputs[0].address.note_pk.hash_inputs(), *outputs[1].address.note_pk.hash_inputs()]
    for note in outputs:
        for ciphertext in note.sender_encryption():
            values += [*ciphertext.c1.hash_inputs(), *ciphertext.c2.hash_inputs()]
    return values


def verify_proof(verifier_key: bytes, proof: bytes, inputs: list[int]) -> bool:
    """The proof checked through the VM's ``verify_plonk`` host query (spec/vm.md §6.3), the
    same code path a contract's ``hq`` takes."""
    args = (
        encoding.encode_var_bytes(verifier_key)
        + encoding.encode_var_bytes(proof)
        + encoding.encode_u32(len(inputs))
        + b"".join(x.to_bytes(32, "little") for x in inputs)
    )
    try:
        answer = host_queries.answer(host_queries.lookup("verify_plonk"), args)
    except ProtocolError as exc:
        raise _fail("runtime.bad_proof", exc.code) from exc
    return answer == b"\x01"


def _decode_outputs(tx: PhoenixTx) -> tuple[Note, Note]:
    if len(tx.outputs) != 2:
        raise _fail("runtime.malformed_note", "a Phoenix transaction has two outputs")
    first, second = decode_note(tx.outputs[0]), decode_note(tx.outputs[1])
    if second.sender_tag != 0 or first.sender_tag != 0:
        raise _fail("runtime.malformed_note", "output notes carry the sender encryption")
    return first, second


def _check_phoenix(state: RuntimeState, tx: PhoenixTx) -> tuple[Note, Note]:
    """P1-P11 (spec/transactions.md §8)."""
    inputs = len(tx.nullifiers)
    if not 1 <= inputs <= MAX_INPUTS:
        raise _fail("runtime.input_count", f"{inputs} inputs, expected 1 to {MAX_INPUTS}")
    _check_common(state, tx.chain_id, tx.gas_limit, tx.gas_price, phoenix_gas(inputs))
    if tx.gas_limit * tx.gas_price != tx.max_fee:
        raise _fail("runtime.fee_mismatch", "gas_limit × gas_price differs from max_fee")
    outputs = _decode_outputs(tx)
    if tx.refund_address != phoenix_keys.encode_stealth_address(outputs[1].address):
        raise _fail("runtime.refund_address", "the refund goes to the change note's address")
    if len(set(tx.nullifiers)) != inputs:
        raise _fail("runtime.duplicate_nullifier", "a nullifier repeats within the transaction")
    if any(nf in state.nullifiers for nf in tx.nullifiers):
        raise _fail("runtime.nullifier_spent", "a nullifier is already in the set")
    if tx.root not in state.roots:
        raise _fail("runtime.unknown_root", "the root is not in the ring of recent roots")
    if tx.convert_to and tx.convert_to not in state.accounts:
        raise _fail("runtime.unknown_account", "a convert credits an existing account")
    verifier_key = state.config.verifier_keys[inputs - 1]
    if not verifier_key:
        raise _fail("runtime.bad_proof", f"no verifier key for {inputs} inputs")
    if not verify_proof(verifier_key, tx.proof, public_inputs(tx, outputs)):
        raise _fail("runtime.bad_proof", "the PLONK proof does not verify")
    return outputs


def _append_notes(state: RuntimeState, notes: list[Note]) -> RuntimeState:
    """Append notes to the tree at the next positions; a transparent note of value 0 is not
    inserted (as Dusk's ``push_note``)."""
    tree, placed = state.tree, list(state.notes)
    for note in notes:
        if note.note_type == TRANSPARENT and note.transparent_value() == 0:
            continue
        note = note.at(tree.size)
        placed.append(note)
        tree = tree.append(note.leaf())
    return replace(state, tree=tree, notes=tuple(placed))


def spend_phoenix(
    state: RuntimeState, tx: PhoenixTx
) -> tuple[RuntimeState, TxContext, tuple[Event, ...]]:
    """P1-P11: the checks, then the nullifiers are published, the deposit credited to the
    convert's account, and the two outputs appended."""
    outputs = _check_phoenix(state, tx)
    new_state = replace(state, nullifiers=state.nullifiers | set(tx.nullifiers))
    accounts = dict(state.accounts)
    unclaimed = tx.deposit
    if tx.convert_to:
        account = accounts[tx.convert_to]
        accounts[tx.convert_to] = Account(account.balance + tx.deposit, account.nonce)
        unclaimed = 0
    new_state = replace(_append_notes(new_state, list(outputs)), accounts=accounts)
    data = b"".join(nf.to_bytes(32, "little") for nf in tx.nullifiers)
    placed = b"".join(encode_note(n) for n in new_state.notes[len(state.notes) :])
    events = (Event(TRANSFER_CONTRACT, "phoenix", data + placed),)
    # P4: the refund address is the change note's stealth address.
    context = TxContext(
        tx.gas_limit,
        tx.gas_price,
        unclaimed,
        refund_address=outputs[1].address,
        nullifiers=tx.nullifiers,
    )
    return new_state, context, events


def execute_phoenix(state: RuntimeState, tx: PhoenixTx) -> tuple[RuntimeState, Receipt]:
    """A Phoenix transaction run by the transfer contract in the VM."""
    from duskspec.runtime import genesis

    return genesis.execute(state, tx)
