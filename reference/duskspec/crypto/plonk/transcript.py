"""The Fiat-Shamir transcript of PLONK proofs (spec/crypto.md §12.4).

A running BLAKE2b-512 state, personalised ``duskspec-plonk``, absorbs framed messages:

    append(label, data):  u8(0x01) || u32le(len(label)) || label || u32le(len(data)) || data
    challenge(label):     u8(0x02) || u32le(len(label)) || label

then the challenge is BLAKE2b-512 of the state so far, read little-endian and reduced mod r
(bias < 2^-256) — or, for a short challenge, its first 16 bytes read little-endian — and
that 64-byte digest is absorbed back (``u8(0x03) || digest``) so two challenges never
repeat. Framing with tags and lengths makes every message sequence decode
uniquely: no two different transcripts hash the same bytes.
"""

from __future__ import annotations

import hashlib

from duskspec.crypto.plonk.constraint_system import R

#: BLAKE2b personalisation (16 bytes max) of every PLONK transcript.
PERSONALISATION = b"duskspec-plonk"


class Transcript:
    """Mutable while a proof is built or checked; never escapes the prover or verifier."""

    def __init__(self, protocol_label: bytes) -> None:
        self._state = hashlib.blake2b(digest_size=64, person=PERSONALISATION)
        self.append(b"protocol", protocol_label)

    def append(self, label: bytes, data: bytes) -> None:
        self._state.update(b"\x01" + _framed(label) + _framed(data))

    def challenge(self, label: bytes) -> int:
        """A field element bound to everything absorbed so far."""
        self._state.update(b"\x02" + _framed(label))
        digest = self._state.copy().digest()
        self._state.update(b"\x03" + digest)
        return int.from_bytes(digest, "little") % R

    def short_challenge(self, label: bytes) -> int:
        """A 128-bit challenge: the low 128 bits of :meth:`challenge`'s digest. Enough for a
        random linear combination (error 2^-128) and half the cost to multiply by."""
        self._state.update(b"\x02" + _framed(label))
        digest = self._state.copy().digest()
        self._state.update(b"\x03" + digest)
        return int.from_bytes(digest[:16], "little")


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "little") + data
