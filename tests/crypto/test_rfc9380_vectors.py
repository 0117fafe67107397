"""RFC 9380 known answers for BLS12381G1_XMD:SHA-256_SSWU_RO_ (the vectors
``general/bls/hash_to_g1_rfc9380``), reproduced by both BLS backends, and the tag as a
parameter whose default is Dusk's."""

from __future__ import annotations

import pytest

from duskspec import paths
from duskspec.crypto import bls
from duskspec.errors import CryptoError
from duskspec.vectors.handlers.standards import RFC_ANSWERS, RFC_DST, compress
from duskspec.vectors.verify import verify

HANDLER = paths.VECTORS_DIR / "general" / "bls" / "hash_to_g1_rfc9380"


@pytest.mark.parametrize("backend", ["fast", "reference"])
def test_both_backends_pass_the_committed_rfc_vectors(backend: str) -> None:
    with bls.use_backend(backend):
        outcomes = verify(HANDLER)
    cases = sorted(o.path.rstrip("/").rsplit("/", 1)[-1] for o in outcomes)
    # Every RFC known answer is a case, beside the tag cases (Dusk's tag and the 1/255/256-byte
    # and empty tags at the length bounds).
    assert [c for c in cases if c.startswith("rfc9380_")] == sorted(
        f"rfc9380_{a[0]}" for a in RFC_ANSWERS
    )
    assert {"dusk_dst_abc", "empty_dst", "dst_256_bytes"} <= set(cases)
    assert {o.status for o in outcomes} == {"passed"}


@pytest.mark.parametrize("backend", ["fast", "reference"])
@pytest.mark.parametrize(("name", "msg", "x", "y"), RFC_ANSWERS, ids=[a[0] for a in RFC_ANSWERS])
def test_known_answer(backend: str, name: str, msg: bytes, x: str, y: str) -> None:
    with bls.use_backend(backend):
        assert bls.hash_to_g1(msg, RFC_DST) == compress(x, y)


def test_the_default_tag_is_dusks_and_the_tag_matters() -> None:
    assert bls.hash_to_g1(b"abc") == bls.hash_to_g1(b"abc", bls.H0_DST)
    assert bls.hash_to_g1(b"abc") != bls.hash_to_g1(b"abc", RFC_DST)


@pytest.mark.parametrize("dst", [b"", b"D" * 256])
def test_a_tag_outside_1_to_255_bytes_is_refused(dst: bytes) -> None:
    with pytest.raises(CryptoError) as info:
        bls.hash_to_g1(b"abc", dst)
    assert info.value.code == "crypto.hash_to_curve_dst_length"
