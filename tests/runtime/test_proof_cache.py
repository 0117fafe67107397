"""The runtime's disk caches of verifier keys and proofs (duskspec.runtime.circuits.proof_cache):
a hit is what a recomputation gives, a corrupt entry is rebuilt, and the cache lives outside
the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from duskspec.crypto.plonk.constraint_system import ConstraintSystem, Gate, R
from duskspec.crypto.plonk.keys import derive_keys
from duskspec.crypto.plonk.kzg import insecure_test_srs
from duskspec.runtime.circuits.proof_cache import (
    default_cache_dir,
    derive_keys_cached,
    key_content_hash,
)
from support.circuits import mul_circuit

SRS = insecure_test_srs(b"keys tests", 40)


def test_keys_are_deterministic_and_cached_by_content(tmp_path: Path) -> None:
    cs = mul_circuit()
    _, plain = derive_keys(cs, SRS)
    _, first = derive_keys_cached(cs, SRS, tmp_path)
    files = sorted(tmp_path.iterdir())
    assert [p.name for p in files] == [f"plonk-{key_content_hash(cs, SRS)}.vk"]
    assert files[0].read_bytes() == plain.encode() == first.encode()
    # A cache hit returns the stored key (proved by planting a recognisable one).
    other_cs = ConstraintSystem(
        (Gate(a=1, b=2, c=3, d=0, q_m=2, q_o=R - 1), cs.gates[1]), cs.public_rows, 4
    )
    _, other = derive_keys(other_cs, SRS)
    assert other.encode() != plain.encode()
    files[0].write_bytes(other.encode())
    _, hit = derive_keys_cached(cs, SRS, tmp_path)
    assert hit.encode() == other.encode()
    # A corrupt entry is ignored and rewritten.
    files[0].write_bytes(b"garbage")
    _, rebuilt = derive_keys_cached(cs, SRS, tmp_path)
    assert rebuilt.encode() == plain.encode() == files[0].read_bytes()
    # A different SRS or circuit is a different entry.
    derive_keys_cached(cs, insecure_test_srs(b"another", 40), tmp_path)
    derive_keys_cached(other_cs, SRS, tmp_path)
    assert len(list(tmp_path.iterdir())) == 3


def test_default_cache_dir_is_outside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUSKSPEC_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/xdg")
    assert default_cache_dir() == Path("/tmp/xdg/duskspec")
    monkeypatch.setenv("DUSKSPEC_CACHE", "/tmp/elsewhere")
    assert default_cache_dir() == Path("/tmp/elsewhere")
