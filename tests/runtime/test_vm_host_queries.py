"""Host queries (spec/vm.md §6): each answers with the package's own cryptography, is
charged its price, and is memoized without changing the gas."""

from __future__ import annotations

import importlib.util

import pytest

from duskspec import encoding
from duskspec.crypto import bls, hashes, poseidon, schnorr
from duskspec.runtime.vm import host_queries
from duskspec.runtime.vm.contracts import ledger_query
from duskspec.runtime.vm.errors import VmError
from support.vm_world import call, world

LIMIT = 50_000_000


def query(name: str, args: bytes) -> tuple[bytes, int]:
    """The answer and the gas of a ledger call that asks the query."""
    w = world()
    _, result = call(w.state, w.ledger, "query", ledger_query(name, args), LIMIT)
    return result.output, result.gas_spent


def scalar(value: int) -> bytes:
    return value.to_bytes(32, "little")


def bls_args(msg: bytes, pk: bytes, sig: bytes) -> bytes:
    return encoding.encode_var_bytes(msg) + pk + sig


def test_hash_is_hash_to_scalar() -> None:
    out, _ = query("hash", b"duskspec")
    assert out == scalar(hashes.hash_to_scalar(b"duskspec"))


def test_poseidon_hash_is_poseidon_over_domain_other() -> None:
    inputs = [1, 2, 3, 4, 5]
    out, _ = query("poseidon_hash", b"".join(scalar(x) for x in inputs))
    assert out == scalar(poseidon.hash(poseidon.Domain.OTHER, inputs))


def test_verify_bls_accepts_a_signature_and_rejects_another_message() -> None:
    sk, pk = bls.keygen(b"vm host query")
    sig = bls.sign(sk, b"pay 5")
    assert query("verify_bls", bls_args(b"pay 5", pk, sig))[0] == b"\x01"
    assert query("verify_bls", bls_args(b"pay 6", pk, sig))[0] == b"\x00"


def test_verify_bls_multisig_checks_against_the_aggregate_of_the_keys() -> None:
    keys = [bls.keygen(bytes([i]) * 8) for i in range(3)]
    msg = b"attest"
    sig = bls.aggregate_signatures([bls.sign_multisig(sk, pk, msg) for sk, pk in keys])
    pks = b"".join(pk for _, pk in keys)
    args = encoding.encode_var_bytes(msg) + encoding.encode_u32(3) + pks + sig
    out, spent = query("verify_bls_multisig", args)
    assert out == b"\x01"
    two = encoding.encode_var_bytes(msg) + encoding.encode_u32(2) + pks[: 2 * 96] + sig
    out2, spent2 = query("verify_bls_multisig", two)
    assert out2 == b"\x00"
    # One more key: exactly its price.
    assert spent - spent2 == host_queries.BLS_PER_KEY


def test_verify_schnorr() -> None:
    sk = 0x1234567
    pk = schnorr.public_key(sk)
    msg = 42
    sig = schnorr.sign(sk, msg)
    args = scalar(msg) + pk.encode() + schnorr.encode_signature(sig)
    assert query("verify_schnorr", args)[0] == b"\x01"
    wrong = scalar(msg + 1) + pk.encode() + schnorr.encode_signature(sig)
    assert query("verify_schnorr", wrong)[0] == b"\x00"


def test_each_query_is_charged_its_price() -> None:
    _, short = query("hash", b"a")
    _, long = query("hash", b"a" * 1001)
    # 1000 more bytes: exactly 1000 × HASH_PER_BYTE more (the ledger copies nothing).
    assert long - short == 1000 * host_queries.HASH_PER_BYTE


def test_a_cached_answer_costs_the_same_gas() -> None:
    host_queries.clear_cache()
    cold = query("hash", b"cache me")
    warm = query("hash", b"cache me")
    assert cold == warm
    assert host_queries.cache_key("hash", b"cache me") in host_queries._CACHE


def _plonk_verifier_present() -> bool:
    try:
        return importlib.util.find_spec("duskspec.crypto.plonk.verifier") is not None
    except ModuleNotFoundError:
        return False


def test_verify_plonk_is_registered_exactly_when_the_verifier_exists() -> None:
    """On this branch there is no PLONK verifier, so the query is unknown. Once the verifier
    is merged this test fails until it is wired in (spec/vm.md §6.3)."""
    if _plonk_verifier_present():
        assert host_queries.lookup("verify_plonk").name == "verify_plonk"
        return
    with pytest.raises(VmError) as info:
        host_queries.lookup("verify_plonk")
    assert info.value.code == "runtime.vm_unknown_host_query"


def test_the_verify_plonk_arguments_decode_strictly() -> None:
    args = (
        encoding.encode_var_bytes(b"vk")
        + encoding.encode_var_bytes(b"proof")
        + encoding.encode_u32(2)
        + scalar(7)
        + scalar(8)
    )
    assert host_queries.decode_plonk_args(args) == (b"vk", b"proof", [7, 8])
    assert host_queries.price_verify_plonk(args) == (
        host_queries.VERIFY_PLONK_BASE + 2 * host_queries.VERIFY_PLONK_PER_INPUT
    )
    for bad in (args[:-1], args + b"\x00", args[:-32] + scalar(hashes.BLS_SCALAR_ORDER)):
        with pytest.raises(VmError) as info:
            host_queries.decode_plonk_args(bad)
        assert info.value.code in ("runtime.vm_host_query_argument", "encoding.truncated")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("poseidon_hash", b""),
        ("poseidon_hash", scalar(hashes.BLS_SCALAR_ORDER)),
        ("verify_bls", b"\x00"),
        ("verify_bls", bls_args(b"m", bytes(96), bytes(48))),
        ("verify_bls_multisig", encoding.encode_var_bytes(b"m") + encoding.encode_u32(0)),
        ("verify_schnorr", bytes(128)),
    ],
)
def test_malformed_arguments_fail_the_call(name: str, args: bytes) -> None:
    with pytest.raises(VmError) as info:
        query(name, args)
    assert info.value.code == "runtime.vm_host_query_argument"
