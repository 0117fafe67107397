"""Strict decoding of a block's transaction entries (spec/node.md §1).

:func:`duskspec.runtime.block.encode_transaction` writes ``kind u8 ‖ transaction``;
:func:`decode_transaction` reads exactly that back, and accepts only bytes that re-encode to
themselves (canonical: one transaction has one encoding), so a transaction's id and txroot
leaf depend on nothing but its bytes. Anything else raises
``runtime.malformed_transaction``.
"""

from __future__ import annotations

from duskspec import encoding
from duskspec.errors import ProtocolError, RuntimeProtocolError
from duskspec.runtime.block import Transaction, encode_transaction
from duskspec.runtime.stake import StakeOp, StakeTx
from duskspec.runtime.transactions import (
    BLS_PK_SIZE,
    BLS_SIG_SIZE,
    MoonlightTx,
    PhoenixTx,
    decode_phoenix,
)

KIND_PHOENIX = 0
KIND_MOONLIGHT = 1
KIND_STAKE = 2
#: Longest proof a Phoenix entry may carry (a PLONK proof is far below).
MAX_PROOF_BYTES = 64 * 1024


def _malformed(detail: str) -> RuntimeProtocolError:
    return RuntimeProtocolError("runtime.malformed_transaction", detail)


def _moonlight(body: bytes, with_receiver: bool) -> MoonlightTx:
    reader = encoding.Reader(body)
    chain_id = reader.u8()
    sender = reader.fixed(BLS_PK_SIZE)
    receiver = reader.fixed(BLS_PK_SIZE) if with_receiver else sender
    value, deposit, gas_limit, gas_price, nonce = (reader.u64() for _ in range(5))
    contract = reader.var_bytes()
    convert = reader.var_bytes()
    call_contract, function, call_argument = b"", b"", b""
    if reader.remaining > BLS_SIG_SIZE:  # the optional contract call
        call_contract, function, call_argument = (reader.var_bytes() for _ in range(3))
    signature = reader.fixed(BLS_SIG_SIZE)
    reader.finish()
    try:
        call_function = function.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed("the called function's name is not UTF-8") from exc
    return MoonlightTx(
        chain_id,
        sender,
        receiver,
        value,
        deposit,
        gas_limit,
        gas_price,
        nonce,
        contract,
        convert,
        signature,
        call_contract,
        call_function,
        call_argument,
    )


def _phoenix(body: bytes) -> PhoenixTx:
    """The transfer contract's own strict decoding, with the bounds of a block entry: at
    least one input and a proof of at most :data:`MAX_PROOF_BYTES`."""
    tx = decode_phoenix(body)
    if not tx.nullifiers:
        raise _malformed("0 nullifiers")
    if len(tx.proof) > MAX_PROOF_BYTES:
        raise _malformed(f"a proof of {len(tx.proof)} bytes")
    return tx


def _stake(body: bytes) -> StakeTx:
    reader = encoding.Reader(body)
    chain_id = reader.u8()
    op = reader.u8()
    if op not in tuple(StakeOp):
        raise _malformed(f"stake operation {op}")
    account = reader.fixed(BLS_PK_SIZE)
    value, gas_limit, gas_price, nonce = (reader.u64() for _ in range(4))
    signature = reader.fixed(BLS_SIG_SIZE)
    reader.finish()
    return StakeTx(chain_id, StakeOp(op), account, value, gas_limit, gas_price, nonce, signature)


def _candidates(kind: int, body: bytes) -> list[Transaction]:
    """Every reading of ``body`` as a ``kind`` entry (a Moonlight entry omits a receiver
    equal to its sender, so it is tried with and without one)."""
    if kind not in (KIND_PHOENIX, KIND_MOONLIGHT, KIND_STAKE):
        raise _malformed(f"kind {kind}")
    found: list[Transaction] = []
    for attempt in range(2 if kind == KIND_MOONLIGHT else 1):
        try:
            found.append(_read(kind, body, attempt == 0))
        except ProtocolError:
            continue
    return found


def _read(kind: int, body: bytes, first: bool) -> Transaction:
    if kind == KIND_PHOENIX:
        return _phoenix(body)
    if kind == KIND_MOONLIGHT:
        return _moonlight(body, with_receiver=first)
    return _stake(body)


def decode_transaction(data: bytes) -> Transaction:
    """The transaction whose block entry is exactly ``data`` (rule 1.3 of spec/node.md)."""
    if not data:
        raise _malformed("empty entry")
    canonical = [tx for tx in _candidates(data[0], data[1:]) if encode_transaction(tx) == data]
    if len(canonical) != 1:
        raise _malformed(f"{len(canonical)} canonical readings of a kind {data[0]} entry")
    return canonical[0]
