"""The abstraction function from runtime states to ``models/tla/Ledger.tla`` and the
``Ledger`` next-state relation in Python (spec/runtime.md §7 and §14). The refinement tests,
the TLC -> node replay and ``duskspec simulate --trace-ledger`` all use this one function.

``abstract(state)`` reads the chain with the view keys of every party of the test world
(the "god view" a refinement proof may use): each note's owner is the party whose view key
owns its stealth address, its value is the clear value of a transparent note or the
decrypted value of an obfuscated one; a note is *published* when its nullifier (computed
with its owner's secret key) is in the nullifier set. ``minted`` is the value of the genesis
notes and of every note the transfer contract minted (refunds and converts, sender tag 1);
``fees`` is what spent inputs carried beyond the spend outputs (obfuscated notes after
genesis).

``is_ledger_step(pre, post)``: ``post`` follows ``pre`` by a stutter, a ``Ledger!Mint``, or a
``Ledger!Spend`` followed by at most one ``Ledger!Mint`` (the refund note; Ledger's Spend
appends exactly the two outputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto import phoenix_keys
from duskspec.crypto.phoenix_keys import OBFUSCATED, SecretKey
from duskspec.runtime.note import SENDER_CONTRACT, Note, decode_note, encode_note
from duskspec.runtime.state import RuntimeState

MAX_INPUTS = 4


@dataclass(frozen=True)
class LedgerNote:
    owner: int
    value: int


@dataclass(frozen=True)
class LedgerState:
    notes: tuple[LedgerNote, ...]
    published: frozenset[int]
    minted: int
    fees: int


@lru_cache(maxsize=4096)
def _read(note_bytes: bytes, keys: tuple[SecretKey, ...]) -> tuple[int, int, int | None]:
    """``(owner index, value, nullifier)`` of a note (owner -1 when no party owns it)."""
    note = decode_note(note_bytes)
    for index, sk in enumerate(keys):
        vk = phoenix_keys.view_key(sk)
        if not phoenix_keys.owns(vk, note.address):
            continue
        if note.note_type == OBFUSCATED:
            value = phoenix_keys.open_value(
                vk, note.address, note.value_enc, note.value_commitment
            )[0]
        else:
            value = note.transparent_value()
        note_sk = phoenix_keys.note_secret_key(sk, note.address)
        return index, value, phoenix_keys.nullifier(note_sk, note.pos)
    return -1, note.transparent_value() if note.note_type != OBFUSCATED else 0, None


def _is_minted(note: Note, genesis_notes: int) -> bool:
    return note.pos < genesis_notes or note.sender_tag == SENDER_CONTRACT


def abstract(state: RuntimeState, keys: tuple[SecretKey, ...], genesis_notes: int) -> LedgerState:
    notes, published, minted, outputs, spent = [], set(), 0, 0, 0
    for note in state.notes:
        owner, value, nullifier = _read(encode_note(note), keys)
        notes.append(LedgerNote(owner, value))
        if nullifier is not None and nullifier in state.nullifiers:
            published.add(note.pos)
            spent += value
        if _is_minted(note, genesis_notes):
            minted += value
        else:
            outputs += value
    return LedgerState(tuple(notes), frozenset(published), minted, spent - outputs)


def nullifier_positions(
    state: RuntimeState, keys: tuple[SecretKey, ...], nullifiers: tuple[int, ...]
) -> tuple[int, ...]:
    """The positions of the notes of ``state`` whose nullifier (under their owner's key) is
    one of ``nullifiers``: the inputs a Phoenix transaction spends, in position order."""
    wanted = set(nullifiers)
    found = []
    for note in state.notes:
        nullifier = _read(encode_note(note), keys)[2]
        if nullifier is not None and nullifier in wanted:
            found.append(note.pos)
    return tuple(found)


def _is_mint(pre: LedgerState, post: LedgerState) -> bool:
    return (
        len(post.notes) == len(pre.notes) + 1
        and post.notes[:-1] == pre.notes
        and post.notes[-1].value >= 1
        and post.minted == pre.minted + post.notes[-1].value
        and post.published == pre.published
        and post.fees == pre.fees
    )


def _is_spend_then_mints(
    pre: LedgerState, post: LedgerState, check_nullifiers: bool = True
) -> bool:
    ins = post.published - pre.published
    if not ins or len(ins) > MAX_INPUTS or not post.published >= pre.published:
        return False
    if check_nullifiers and ins & pre.published:
        return False
    owners = {pre.notes[p].owner for p in ins if p < len(pre.notes)}
    if len(owners) != 1 or any(p >= len(pre.notes) for p in ins):
        return False
    added = post.notes[len(pre.notes) :]
    if post.notes[: len(pre.notes)] != pre.notes or len(added) not in (2, 3):
        return False
    v1, v2 = added[0].value, added[1].value
    fee = sum(pre.notes[p].value for p in ins) - v1 - v2
    refund = added[2].value if len(added) == 3 else 0
    return (
        fee >= 0
        and post.fees == pre.fees + fee
        and post.minted == pre.minted + refund
        and (len(added) == 2 or refund >= 1)
    )


def is_ledger_step(pre: LedgerState, post: LedgerState) -> str | None:
    """The name of the Ledger step ``pre -> post`` is, or None."""
    if pre == post:
        return "stutter"
    if _is_mint(pre, post):
        return "Mint"
    if _is_spend_then_mints(pre, post):
        return "Spend"
    return None


def value_conserved(ledger: LedgerState) -> bool:
    """``Ledger!ValueConserved``: minted = Σ unspent note values + fees."""
    unspent = sum(n.value for p, n in enumerate(ledger.notes) if p not in ledger.published)
    return ledger.minted == unspent + ledger.fees
