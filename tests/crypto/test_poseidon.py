"""Poseidon: constants as Dusk ships them, published vectors, sponge rules, errors."""

from __future__ import annotations

import hashlib

import pytest

from duskspec.crypto import poseidon
from duskspec.crypto.hashes import BLS_SCALAR_ORDER, hash_to_scalar
from duskspec.errors import CryptoError
from duskspec.vectors.handlers import crypto as vectors

R = BLS_SCALAR_ORDER


def test_constant_counts_and_first_constant() -> None:
    constants = poseidon.round_constants()
    assert len(constants) == 68 and all(len(row) == 5 for row in constants)
    first = (int.from_bytes(hashlib.sha512(b"poseidon-for-plonk").digest(), "little") + 1) % R
    assert constants[0][0] == first * pow(2, 256, R) % R


def test_mds_is_cauchy_times_radix() -> None:
    mds = poseidon.mds_matrix()
    radix_inverse = pow(2, -256, R)
    assert all(
        mds[i][j] * radix_inverse % R * (i + j + 5) % R == 1 for i in range(5) for j in range(5)
    )


def test_dusk_hades_vectors() -> None:
    inputs = [int.from_bytes(bytes.fromhex(h), "little") for h in vectors._HADES_INPUTS]
    for count, expected in vectors._HADES_OUTPUTS.items():
        assert poseidon.sponge(0, [*inputs[:count], 1]) == (int(expected, 16),)


def test_tag_encodes_io_pattern_and_domain() -> None:
    expected = hash_to_scalar(bytes.fromhex("8000000400000001") + (0xF).to_bytes(8, "big"))
    assert poseidon.tag(4, 1, poseidon.Domain.MERKLE4) == expected


def test_hash_equals_sponge_with_tag() -> None:
    inputs = [1, 2, 3, 4, 5, 6]
    tag = poseidon.tag(6, 1, poseidon.Domain.OTHER)
    assert poseidon.hash(poseidon.Domain.OTHER, inputs) == poseidon.sponge(tag, inputs)[0]


def test_truncation_clears_high_bits() -> None:
    full = poseidon.hash(poseidon.Domain.OTHER, [9])
    assert poseidon.hash_truncated(poseidon.Domain.OTHER, [9]) == full % (1 << 250)


def test_multiple_outputs_continue_the_squeeze() -> None:
    outputs = poseidon.hash_many(poseidon.Domain.OTHER, [1, 2], 6)
    assert (
        len(outputs) == 6
        and outputs[0] == poseidon.sponge(poseidon.tag(2, 6, poseidon.Domain.OTHER), [1, 2])[0]
    )


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: poseidon.permutation([0] * 4), "crypto.poseidon_state_width"),
        (lambda: poseidon.permutation([R, 0, 0, 0, 0]), "crypto.poseidon_input_range"),
        (lambda: poseidon.hash(poseidon.Domain.OTHER, [-1]), "crypto.poseidon_input_range"),
        (lambda: poseidon.hash(poseidon.Domain.OTHER, []), "crypto.poseidon_empty_input"),
        (lambda: poseidon.hash(poseidon.Domain.MERKLE4, [1, 2, 3]), "crypto.poseidon_arity"),
        (lambda: poseidon.hash(poseidon.Domain.MERKLE2, [1, 2, 3]), "crypto.poseidon_arity"),
        (lambda: poseidon.hash_many(poseidon.Domain.MERKLE2, [1, 2], 2), "crypto.poseidon_arity"),
        (lambda: poseidon.hash_many(poseidon.Domain.OTHER, [1], 0), "crypto.poseidon_output_len"),
    ],
)
def test_errors(call: object, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        call()  # type: ignore[operator]
    assert err.value.code == code
