"""Proofs and verifier keys memoized on disk by content hash (tests, vectors, benchmarks
only; none of this is protocol, and ``duskspec.crypto.plonk`` itself never touches a disk).

A tiny-depth transfer proof costs about 40 s of CPU (spec/runtime.md §9), so tests that need
one prove it once and keep ``(verifier key, proof)`` under
``<cache dir>/proofs/<key>.bin``. The key is BLAKE2b-256 over the circuit encoding, the
witness, the public inputs, the SRS seed, the prover seed and the source text of every
PLONK module (:data:`PLONK_MODULES`): changing the circuit, the witness or the prover
invalidates the entry, so a cached proof is always the one the current code would produce
(proofs are deterministic for a given seed). The cached proof is verified by whoever reads
it, as any proof is; the cache cannot make a wrong proof pass.

On a miss, the verifier key (the costly part of key derivation: 11 MSMs of size n) comes
from its own entry ``<cache dir>/plonk-<h>.vk`` (:func:`derive_keys_cached`), ``h``
:func:`key_content_hash`. A missing or corrupt entry is recomputed and rewritten; derivation
is deterministic, so a hit equals a recomputation.

The SRS is INSECURE (:func:`duskspec.crypto.plonk.kzg.insecure_test_srs`: the seed reveals τ).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from duskspec import encoding
from duskspec.crypto.plonk import (
    constraint_system,
    field,
    keys,
    kzg,
    polynomial,
    prover,
    transcript,
    verifier,
)
from duskspec.crypto.plonk.constraint_system import ConstraintSystem
from duskspec.crypto.plonk.keys import ProverKey, VerifierKey
from duskspec.errors import CryptoError, EncodingError

#: The modules whose source is part of every cache key.
PLONK_MODULES = (constraint_system, field, keys, kzg, polynomial, prover, transcript, verifier)


def default_cache_dir() -> Path:
    """``$DUSKSPEC_CACHE``, else ``$XDG_CACHE_HOME/duskspec``, else ``~/.cache/duskspec``:
    never inside the repository."""
    if os.environ.get("DUSKSPEC_CACHE"):
        return Path(os.environ["DUSKSPEC_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "duskspec"


def key_content_hash(cs: ConstraintSystem, srs: kzg.SRS) -> str:
    """BLAKE2b-256 over a label, the circuit encoding and the SRS part the keys use (the
    first n + 11 G1 powers and both G2 points)."""
    n = keys.domain_size(len(cs.gates))
    h = hashlib.blake2b(digest_size=32, person=b"duskspec-pkeys")
    h.update(b"duskspec plonk keys v2")
    h.update(keys.encode_constraint_system(cs))
    for point in srs.g1_powers[: n + keys.SRS_EXTRA]:
        h.update(point.to_compressed_bytes())
    h.update(srs.g2.to_compressed_bytes() + srs.g2_tau.to_compressed_bytes())
    return h.hexdigest()


def derive_keys_cached(
    cs: ConstraintSystem, srs: kzg.SRS, cache_dir: Path
) -> tuple[ProverKey, VerifierKey]:
    """:func:`duskspec.crypto.plonk.keys.derive_keys`, the verifier key read from / written
    to ``<cache_dir>/plonk-<key_content_hash>.vk``."""
    keys.check_circuit(cs)
    vk = _cached_vk(cs, srs, cache_dir)
    if vk is None:
        vk = keys.derive_verifier_key(cs, srs, field.field("fast"))
        _store_vk(cs, srs, cache_dir, vk)
    return ProverKey(cs, srs, vk), vk


def _vk_path(cs: ConstraintSystem, srs: kzg.SRS, cache_dir: Path) -> Path:
    return cache_dir / f"plonk-{key_content_hash(cs, srs)}.vk"


def _cached_vk(cs: ConstraintSystem, srs: kzg.SRS, cache_dir: Path) -> VerifierKey | None:
    path = _vk_path(cs, srs, cache_dir)
    try:
        vk = keys.decode_verifier_key(path.read_bytes())
    except (OSError, CryptoError):
        return None
    if vk.n != keys.domain_size(len(cs.gates)) or vk.public_rows != tuple(cs.public_rows):
        return None
    return vk


def _store_vk(cs: ConstraintSystem, srs: kzg.SRS, cache_dir: Path, vk: VerifierKey) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _vk_path(cs, srs, cache_dir)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_bytes(vk.encode())
    temporary.replace(path)


def _source_digest() -> bytes:
    h = hashlib.blake2b(digest_size=32)
    for module in PLONK_MODULES:
        h.update(Path(str(module.__file__)).read_bytes())
    return h.digest()


def cache_key(
    cs: ConstraintSystem,
    witness: Sequence[int],
    public: Sequence[int],
    srs_seed: bytes,
    prover_seed: bytes,
) -> str:
    h = hashlib.blake2b(digest_size=32, person=b"duskspec-proofs")
    h.update(_source_digest())
    h.update(keys.encode_constraint_system(cs))
    for values in (witness, public):
        h.update(encoding.encode_u32(len(values)))
        h.update(b"".join(v.to_bytes(32, "little") for v in values))
    h.update(encoding.encode_var_bytes(srs_seed) + encoding.encode_var_bytes(prover_seed))
    return h.hexdigest()


def _path(key: str) -> Path:
    return default_cache_dir() / "proofs" / f"{key}.bin"


def prove_cached(
    cs: ConstraintSystem,
    witness: Sequence[int],
    public: Sequence[int],
    *,
    srs_seed: bytes,
    prover_seed: bytes,
    allow_prove: bool = True,
) -> tuple[bytes, bytes]:
    """``(verifier key bytes, proof)``: from the cache, else derived and proved now (or,
    with ``allow_prove=False``, ``FileNotFoundError``)."""
    key = cache_key(cs, witness, public, srs_seed, prover_seed)
    path = _path(key)
    try:
        reader = encoding.Reader(path.read_bytes())
        vk, proof = reader.var_bytes(), reader.var_bytes()
        reader.finish()
        return vk, proof
    except (OSError, EncodingError):
        if not allow_prove:
            raise FileNotFoundError(path) from None
    srs = kzg.insecure_test_srs(srs_seed, keys.domain_size(len(cs.gates)) + keys.SRS_EXTRA)
    pk, verifier_key = derive_keys_cached(cs, srs, default_cache_dir())
    proof = prover.prove(pk, witness, public, seed=prover_seed)
    vk = verifier_key.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_bytes(encoding.encode_var_bytes(vk) + encoding.encode_var_bytes(proof))
    temporary.replace(path)
    return vk, proof
