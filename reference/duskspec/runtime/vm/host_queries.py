"""Host queries: cryptography a contract asks the host for (spec/vm.md §6; spec/sources.md
§3.2, rusk ``vm/src/host_queries.rs``).

``hq(name_ptr, name_len, arg_len)`` runs the query ``name`` on ``argbuf[..arg_len]`` and
writes its answer back to the buffer. Each query

- decodes its arguments strictly (canonical encoding, spec/vm.md §6.1); malformed arguments
  fail the call with ``runtime.vm_host_query_argument``;
- calls the package's own cryptography (``duskspec.crypto``), never a copy;
- is charged :func:`HostQuery.price` gas *before* it runs, from the price table of spec/vm.md
  §3.3 (Dusk 1.6 charges nothing: departure D4);
- is memoized by ``BLAKE2b-256(len(name) u8 ‖ name ‖ args)``, as rusk caches verification
  results. The cache only saves time: the price is charged on hits too, so gas never depends
  on it.

``verify_plonk`` (:func:`verify_plonk_query`) calls the PLONK verifier
:func:`duskspec.crypto.plonk.verifier.verify`, registered below the table (spec/vm.md §6.3).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from duskspec import encoding
from duskspec.crypto import bls, hashes, jubjub, poseidon, schnorr
from duskspec.crypto.hashes import BLS_SCALAR_ORDER, blake2b_256
from duskspec.crypto.plonk import verifier as plonk_verifier
from duskspec.errors import ProtocolError
from duskspec.runtime.vm.errors import VmError
from duskspec.types import BlsPublicKey, BlsSignature, Scalar

SCALAR_SIZE = 32
BLS_PK_SIZE = 96
BLS_SIG_SIZE = 48
SCHNORR_PK_SIZE = 32
SCHNORR_SIG_SIZE = 64

#: Most entries the result cache keeps (least recently used go first).
CACHE_SIZE = 4096


@dataclass(frozen=True)
class HostQuery:
    """One query: its name, its price in gas for given arguments, and what it computes."""

    name: str
    price: Callable[[bytes], int]
    run: Callable[[bytes], bytes]


# --- the price table (spec/vm.md §3.3) -----------------------------------------------------
# Gas for each query = its measured CPU time in this reference × the measured rate at which
# wasmtime burns fuel in a tight loop (1.8e9 fuel per CPU second), rounded. Measured with
# `duskspec bench vm` (2-core box, arkworks BLS backend, cold caches); the bench prints the
# re-derived price next to each entry, so drift is visible.

#: ``hash``: base + per byte (2.2 us for 64 bytes; BLAKE2b runs at about 1 GB/s).
HASH_BASE = 4_000
HASH_PER_BYTE = 2
#: ``poseidon_hash``: per permutation, one per 4 inputs (rate 4), at least one (0.53 ms).
POSEIDON_PER_PERMUTATION = 950_000
#: ``verify_bls`` and the pairing part of ``verify_bls_multisig`` (2.0 ms).
VERIFY_BLS = 3_600_000
#: ``verify_bls_multisig``: per public key aggregated (H1(pk)·pk in G2, 0.8 ms cold).
BLS_PER_KEY = 1_400_000
#: ``verify_schnorr`` (8.9 ms: pure-Python JubJub).
VERIFY_SCHNORR = 15_500_000
#: ``verify_plonk``: base + per public input. The base is the PLONK verifier of the zk
#: branch (commit ac3cc45) measured on a 2-public-input circuit in a throwaway merge: 5.6 ms
#: (the verifier's cost hardly depends on the circuit's size). The per-input figure is an
#: upper bound, not yet measured (spec/vm.md §6.3).
VERIFY_PLONK_BASE = 9_600_000
VERIFY_PLONK_PER_INPUT = 100_000


def _bad(name: str, why: str) -> VmError:
    return VmError("runtime.vm_host_query_argument", f"{name}: {why}")


def _bool(value: bool) -> bytes:
    return b"\x01" if value else b"\x00"


def _scalar(raw: bytes, name: str) -> int:
    value = int.from_bytes(raw, "little")
    if value >= BLS_SCALAR_ORDER:
        raise _bad(name, "a scalar is not below r")
    return value


# --- hash ---------------------------------------------------------------------------------


def price_hash(args: bytes) -> int:
    return HASH_BASE + HASH_PER_BYTE * len(args)


def run_hash(args: bytes) -> bytes:
    """Q1 ``hash``: the bytes -> ``hash_to_scalar`` (BLAKE2b-512 mod r), 32 bytes LE."""
    return hashes.scalar_to_bytes(hashes.hash_to_scalar(args))


# --- poseidon_hash ------------------------------------------------------------------------


def price_poseidon(args: bytes) -> int:
    inputs = len(args) // SCALAR_SIZE
    return POSEIDON_PER_PERMUTATION * max(1, -(-inputs // poseidon.RATE))


def run_poseidon(args: bytes) -> bytes:
    """Q2 ``poseidon_hash``: n scalars (32 bytes LE each, below r, n >= 1) ->
    ``Poseidon(Domain::Other, scalars)[0]``, 32 bytes LE."""
    if not args or len(args) % SCALAR_SIZE:
        raise _bad("poseidon_hash", "the arguments are one or more 32-byte scalars")
    inputs = [
        _scalar(args[i : i + SCALAR_SIZE], "poseidon_hash")
        for i in range(0, len(args), SCALAR_SIZE)
    ]
    return hashes.scalar_to_bytes(Scalar(poseidon.hash(poseidon.Domain.OTHER, inputs)))


# --- verify_bls ---------------------------------------------------------------------------


def price_verify_bls(args: bytes) -> int:
    return VERIFY_BLS


def run_verify_bls(args: bytes) -> bytes:
    """Q3 ``verify_bls``: ``msg`` (u32-prefixed) ‖ ``pk`` (96) ‖ ``sig`` (48) -> 1 byte."""
    reader = encoding.Reader(args)
    msg = reader.var_bytes()
    pk = BlsPublicKey(reader.fixed(BLS_PK_SIZE))
    sig = BlsSignature(reader.fixed(BLS_SIG_SIZE))
    reader.finish()
    return _bool(bls.verify(pk, msg, sig))


# --- verify_bls_multisig ------------------------------------------------------------------


def _multisig_key_count(args: bytes) -> int:
    """The key count field, or 0 when the arguments are too short to hold it."""
    if len(args) < 4:
        return 0
    msg_len = int.from_bytes(args[:4], "little")
    count_at = 4 + msg_len
    return int.from_bytes(args[count_at : count_at + 4].ljust(4, b"\x00"), "little")


def price_verify_bls_multisig(args: bytes) -> int:
    return VERIFY_BLS + BLS_PER_KEY * _multisig_key_count(args)


def run_verify_bls_multisig(args: bytes) -> bytes:
    """Q4 ``verify_bls_multisig``: ``msg`` (u32-prefixed) ‖ ``count`` u32 (>= 1) ‖ count
    keys (96 each) ‖ ``sig`` (48) -> 1 byte; the keys are aggregated rogue-key safely
    (``Σ H1(pk)·pk``) and the signature checked against the aggregate."""
    reader = encoding.Reader(args)
    msg = reader.var_bytes()
    count = reader.u32()
    if count == 0:
        raise _bad("verify_bls_multisig", "at least one public key")
    if count * BLS_PK_SIZE > reader.remaining:
        raise _bad("verify_bls_multisig", "fewer keys than the count says")
    pks = [BlsPublicKey(reader.fixed(BLS_PK_SIZE)) for _ in range(count)]
    sig = BlsSignature(reader.fixed(BLS_SIG_SIZE))
    reader.finish()
    return _bool(bls.verify_multisig(bls.aggregate_public_keys(pks), msg, sig))


# --- verify_schnorr -----------------------------------------------------------------------


def price_verify_schnorr(args: bytes) -> int:
    return VERIFY_SCHNORR


def run_verify_schnorr(args: bytes) -> bytes:
    """Q5 ``verify_schnorr``: ``msg`` scalar (32 LE) ‖ ``pk`` (32, compressed JubJub) ‖
    ``sig`` (64: u ‖ R) -> 1 byte."""
    reader = encoding.Reader(args)
    msg = _scalar(reader.fixed(SCALAR_SIZE), "verify_schnorr")
    pk = jubjub.decode_point(reader.fixed(SCHNORR_PK_SIZE))
    sig = schnorr.decode_signature(reader.fixed(SCHNORR_SIG_SIZE))
    reader.finish()
    return _bool(schnorr.verify(pk, msg, sig))


# --- verify_plonk (slot) ------------------------------------------------------------------

#: The verifier the slot calls: ``verify(verifier_key, proof_bytes, public_inputs) -> bool``,
#: the interface of ``duskspec.crypto.plonk.verifier.verify``.
PlonkVerify = Callable[[bytes, bytes, list[int]], bool]


def decode_plonk_args(args: bytes) -> tuple[bytes, bytes, list[int]]:
    """``verifier_key`` (u32-prefixed) ‖ ``proof`` (u32-prefixed) ‖ ``count`` u32 ‖ count
    public inputs (32-byte LE scalars below r)."""
    reader = encoding.Reader(args)
    verifier_key = reader.var_bytes()
    proof = reader.var_bytes()
    count = reader.u32()
    if count * SCALAR_SIZE != reader.remaining:
        raise _bad("verify_plonk", "the public-input count does not match the bytes")
    inputs = [_scalar(reader.fixed(SCALAR_SIZE), "verify_plonk") for _ in range(count)]
    reader.finish()
    return verifier_key, proof, inputs


def price_verify_plonk(args: bytes) -> int:
    if len(args) < 4:
        return VERIFY_PLONK_BASE
    # The count sits after the two length-prefixed fields; a short buffer prices as zero inputs.
    reader = encoding.Reader(args)
    try:
        reader.var_bytes()
        reader.var_bytes()
        count = reader.u32()
    except ProtocolError:
        count = 0
    return VERIFY_PLONK_BASE + VERIFY_PLONK_PER_INPUT * count


def verify_plonk_query(verify: PlonkVerify) -> HostQuery:
    """Q6 ``verify_plonk`` over ``verify`` -> 1 byte. Registered by
    :func:`register_verify_plonk` (spec/vm.md §6.3)."""

    def run(args: bytes) -> bytes:
        verifier_key, proof, inputs = decode_plonk_args(args)
        return _bool(verify(verifier_key, proof, inputs))

    return HostQuery("verify_plonk", price_verify_plonk, run)


# --- the table ----------------------------------------------------------------------------

#: Every query a contract may call (Q1-Q5). ``verify_plonk`` joins through
#: :func:`register_verify_plonk`.
HOST_QUERIES: dict[str, HostQuery] = {
    q.name: q
    for q in (
        HostQuery("hash", price_hash, run_hash),
        HostQuery("poseidon_hash", price_poseidon, run_poseidon),
        HostQuery("verify_bls", price_verify_bls, run_verify_bls),
        HostQuery("verify_bls_multisig", price_verify_bls_multisig, run_verify_bls_multisig),
        HostQuery("verify_schnorr", price_verify_schnorr, run_verify_schnorr),
    )
}


def register_verify_plonk(verify: PlonkVerify) -> None:
    """Wire the PLONK verifier into the table (done once by the integrating package)."""
    HOST_QUERIES["verify_plonk"] = verify_plonk_query(verify)


register_verify_plonk(plonk_verifier.verify)


def lookup(name: str) -> HostQuery:
    query = HOST_QUERIES.get(name)
    if query is None:
        raise VmError("runtime.vm_unknown_host_query", f"no host query named {name!r}")
    return query


_CACHE: OrderedDict[bytes, bytes] = OrderedDict()


def cache_key(name: str, args: bytes) -> bytes:
    raw = name.encode()
    return blake2b_256(encoding.encode_u8(len(raw)) + raw + args)


def clear_cache() -> None:
    """Forget every memoized answer (benchmarks measure the cold cost)."""
    _CACHE.clear()


def answer(query: HostQuery, args: bytes) -> bytes:
    """The query's answer, from the cache when the same arguments were asked before.
    Malformed arguments raise ``runtime.vm_host_query_argument``."""
    key = cache_key(query.name, args)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    try:
        result = query.run(args)
    except VmError:
        raise
    except ProtocolError as exc:
        raise _bad(query.name, exc.code) from exc
    _CACHE[key] = result
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result
