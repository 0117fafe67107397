"""Proofs memoized on disk by content hash (tests, vectors, benchmarks only).

A tiny-depth transfer proof costs about 40 s of CPU (spec/runtime.md §9), so tests that need
one prove it once and keep ``(verifier key, proof)`` under
``<cache dir>/proofs/<key>.bin``. The key is BLAKE2b-256 over the circuit encoding, the
witness, the public inputs, the SRS seed, the prover seed and the source text of every
PLONK module (:data:`PLONK_MODULES`): changing the circuit, the witness or the prover
invalidates the entry, so a cached proof is always the one the current code would produce
(proofs are deterministic for a given seed). The cached proof is verified by whoever reads
it, as any proof is; the cache cannot make a wrong proof pass.

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
from duskspec.errors import EncodingError

#: The modules whose source is part of every cache key.
PLONK_MODULES = (constraint_system, field, keys, kzg, polynomial, prover, transcript, verifier)


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
    return keys.default_cache_dir() / "proofs" / f"{key}.bin"


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
    pk, verifier_key = keys.derive_keys(cs, srs, cache_dir=keys.default_cache_dir())
    proof = prover.prove(pk, witness, public, seed=prover_seed)
    vk = verifier_key.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_bytes(encoding.encode_var_bytes(vk) + encoding.encode_var_bytes(proof))
    temporary.replace(path)
    return vk, proof
