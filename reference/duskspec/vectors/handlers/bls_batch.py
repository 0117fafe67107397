"""``general/bls`` handlers for batch verification (spec/crypto.md §14): the seeded item
weight ``batch_scalar`` and the per-item verdicts of ``verify_batch`` (issue 11: the mutation
run found no vector reaching either)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from duskspec.crypto import bls
from duskspec.types import BlsPublicKey, BlsSignature
from duskspec.vectors.registry import Case, Handler


@dataclass(frozen=True)
class BatchItem:
    # Plain bytes: one case carries a malformed signature on purpose.
    apk: bytes
    msg: bytes
    sig: bytes


@dataclass(frozen=True)
class BatchScalarInput:
    seed: bytes
    index: int
    item: BatchItem


@dataclass(frozen=True)
class BatchScalarPost:
    weight: int


@dataclass(frozen=True)
class VerifyBatchInput:
    items: tuple[BatchItem, ...]
    seed: bytes


@dataclass(frozen=True)
class VerdictsPost:
    valid: tuple[bool, ...]


def run_batch_scalar(pre: None, inp: BatchScalarInput) -> BatchScalarPost:
    item = inp.item
    return BatchScalarPost(bls.batch_scalar(inp.seed, inp.index, item.apk, item.msg, item.sig))


def run_verify_batch(pre: None, inp: VerifyBatchInput) -> VerdictsPost:
    items = [(BlsPublicKey(i.apk), i.msg, BlsSignature(i.sig)) for i in inp.items]
    return VerdictsPost(tuple(bls.verify_batch(items, inp.seed)))


def _votes(count: int) -> list[BatchItem]:
    items = []
    for k in range(count):
        sk, pk = bls.keygen(f"batch-{k}".encode())
        msg = f"vote {k}".encode()
        apk = bls.aggregate_public_keys([pk])
        items.append(BatchItem(apk, msg, bls.sign_multisig(sk, pk, msg)))
    return items


def _batch_scalar_cases() -> Iterator[Case]:
    item = _votes(1)[0]
    yield Case("first", "item 0, a 5-byte seed", BatchScalarInput(b"round", 0, item))
    yield Case("index_7", "the same item at index 7", BatchScalarInput(b"round", 7, item))
    yield Case("empty_seed", "no seed", BatchScalarInput(b"", 0, item))
    yield Case(
        "long_fields",
        "a 300-byte seed and message (lengths above one byte)",
        BatchScalarInput(b"s" * 300, 2**32 - 1, BatchItem(item.apk, b"m" * 300, item.sig)),
    )


def _verify_batch_cases() -> Iterator[Case]:
    votes = _votes(3)
    yield Case("empty", "no items: no verdicts", VerifyBatchInput((), b"seed"))
    yield Case("all_valid", "three valid votes pass together", VerifyBatchInput(tuple(votes), b"s"))
    wrong = BatchItem(votes[1].apk, b"another vote", votes[1].sig)
    yield Case(
        "one_wrong_message",
        "the batch fails and the second item is named",
        VerifyBatchInput((votes[0], wrong, votes[2]), b"s"),
    )
    malformed = BatchItem(votes[2].apk, votes[2].msg, bytes(48))
    yield Case(
        "malformed_signature",
        "a malformed signature is False, not an error",
        VerifyBatchInput((votes[0], malformed), b"s"),
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="bls",
        name="batch_scalar",
        intent="the seeded 128-bit weight of a batch item, lowest bit set",
        input_type=BatchScalarInput,
        post_type=BatchScalarPost,
        run=run_batch_scalar,
        cases=_batch_scalar_cases,
    ),
    Handler(
        preset="general",
        component="bls",
        name="verify_batch",
        intent="batch verification: one verdict per item, equal to verify_multisig",
        input_type=VerifyBatchInput,
        post_type=VerdictsPost,
        run=run_verify_batch,
        cases=_verify_batch_cases,
    ),
)
