"""The Fiat-Shamir transcript (spec/crypto.md §12.4): framing, ratcheting, determinism."""

from __future__ import annotations

from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.transcript import Transcript


def _challenge(messages: list[tuple[bytes, bytes]], label: bytes = b"c") -> int:
    transcript = Transcript(b"test")
    for message_label, data in messages:
        transcript.append(message_label, data)
    return transcript.challenge(label)


def test_same_messages_same_challenge() -> None:
    assert _challenge([(b"a", b"xyz")]) == _challenge([(b"a", b"xyz")])
    assert 0 <= _challenge([(b"a", b"xyz")]) < R


def test_framing_separates_label_data_boundaries() -> None:
    """Moving bytes between a label and its data, or splitting one message in two, changes
    the challenge: lengths are part of what is hashed."""
    base = _challenge([(b"ab", b"c")])
    assert base != _challenge([(b"a", b"bc")])
    assert base != _challenge([(b"ab", b""), (b"", b"c")])
    assert _challenge([(b"x", b"12")]) != _challenge([(b"x", b"1"), (b"x", b"2")])


def test_protocol_label_and_challenge_label_matter() -> None:
    assert _challenge([], b"beta") != _challenge([], b"gamma")
    other = Transcript(b"other")
    assert other.challenge(b"c") != _challenge([])


def test_consecutive_challenges_differ_and_short_is_128_bits() -> None:
    transcript = Transcript(b"test")
    first = transcript.challenge(b"same")
    second = transcript.challenge(b"same")
    assert first != second
    shorts = {transcript.short_challenge(b"u") for _ in range(20)}
    assert len(shorts) == 20
    assert all(0 <= s < 2**128 for s in shorts)
    assert max(shorts) >= 2**120  # the top bits are used
