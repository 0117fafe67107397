"""Poseidon in the circuit: the Hades permutation and the SAFE sponge (spec/crypto.md §13.2,
rule 13.6), matching :mod:`duskspec.crypto.poseidon` bit for bit.

The state is kept as five :class:`~duskspec.crypto.plonk.builder.Linear` combinations, so
adding round constants and the MDS layer cost no rows by themselves: rows are spent only

- on the S-box ``x ↦ x⁵`` of a variable ``v`` plus constant ``k``: three rows
  ``s = (v+k)²`` (one row: ``v·v + 2k·v + k²``), ``f = s·s``, ``y = f·v + k·f``;
- on *materializing* a combination as a variable (width-4 rows, three terms first and two
  in each further row), which an S-box input needs, and which partial rounds do for the
  four untouched elements every :data:`PARTIAL_FLUSH` rounds (their combinations grow by one
  term per round; flushing keeps the S-box inputs short).

S-boxes of constants (the sponge's tag and zero padding in the first round) are folded.
"""

from __future__ import annotations

from collections.abc import Sequence

from duskspec.crypto import poseidon
from duskspec.crypto.plonk.builder import ZERO, Builder, Linear, Witness, combine
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.gadgets.range_check import Digit, append_digit, assert_digits_sum
from duskspec.errors import CryptoError

#: Partial rounds between two materializations of the four linear state elements.
PARTIAL_FLUSH = 5

State = list[Linear]


def sbox(
    builder: Builder, x: Linear, scale: int = 1, fold: tuple[Witness, int] | None = None
) -> tuple[Linear, Witness | None]:
    """``y = x⁵`` as a linear combination, and the variable of its last row.

    Three rows when ``x`` is one scaled variable plus a constant. The last row's free fourth
    wire *folds* one term into its output: it writes ``z = scale·y + ρ·w`` for ``fold =
    (w, ρ)`` and returns ``y = (z - ρ·w) / scale``; a caller that needs ``scale·y + ρ·w + …``
    next (an MDS row) then finds that sum one term shorter. Constants cost no row."""
    if not x.terms:
        return Linear.const(pow(x.constant, 5, R)), None
    if len(x.terms) > 1:
        x = Linear.of(builder.materialize(x))
    (v, k), c = x.terms[0], x.constant
    square = builder.product(v, v, k * k, Linear(((v, 2 * k * c),), c * c))
    fourth = builder.mul(square, square)
    w, rho = fold if fold is not None else (ZERO, 0)
    z = builder.append_witness(
        scale * builder.value(fourth) * (k * builder.value(v) + c) + rho * builder.value(w)
    )
    builder.append_gate(fourth, v, z, w, q_m=scale * k, q_l=scale * c, q_o=-1, q_4=rho)
    inverse = pow(scale, -1, R)
    return Linear(((z, inverse), (w, -rho * inverse))) if rho else Linear.of(z, inverse), z


def _full_sboxes(builder: Builder, state: State) -> State:
    """S-boxes on every lane, chaining the last rows so that lane 0 of the next MDS layer,
    ``Σ M[0][i]·y_i``, is the last lane's row output."""
    row = poseidon.mds_matrix()[0]
    chain: Witness | None = None
    out: State = []
    for lane, x in enumerate(state):
        fold = None if chain is None else (chain, 1)
        y, z = sbox(builder, x, row[lane], fold)
        chain = z if z is not None else chain
        out.append(y)
    return out


def _partial_sbox(builder: Builder, state: State) -> State:
    """The S-box on the last lane, folding one term of the next S-box input
    ``Σ_{j<4} M[4][j]·s_j + M[4][4]·y`` into its last row."""
    row = poseidon.mds_matrix()[-1]
    rest = combine(zip(state[:-1], row[:-1], strict=True))
    fold = rest.terms[0] if rest.terms else None
    y, _ = sbox(builder, state[-1], row[-1], fold)
    return [*state[:-1], y]


def _mix(state: State) -> State:
    """The MDS layer: pure linear algebra, no rows."""
    mds = poseidon.mds_matrix()
    return [combine(zip(state, row, strict=True)) for row in mds]


def _flush(builder: Builder, state: State) -> State:
    return [Linear.of(builder.materialize(s)) if len(s.terms) > 1 else s for s in state]


def permutation_linear(builder: Builder, state: Sequence[Linear]) -> State:
    """The Hades permutation of a state of linear combinations (the result is linear too:
    callers materialize only the elements they use)."""
    if len(state) != poseidon.WIDTH:
        raise CryptoError("crypto.poseidon_state_width", "the state has 5 elements")
    constants = poseidon.round_constants()
    half = poseidon.FULL_ROUNDS // 2
    current = list(state)
    partial_count = 0
    for round_index in range(poseidon.ROUNDS):
        current = [s.add_constant(k) for s, k in zip(current, constants[round_index], strict=True)]
        is_full = round_index < half or round_index >= half + poseidon.PARTIAL_ROUNDS
        current = _full_sboxes(builder, current) if is_full else _partial_sbox(builder, current)
        current = _mix(current)
        if not is_full:
            partial_count += 1
            if partial_count % PARTIAL_FLUSH == 0:
                current = _flush(builder, current)
    return current


def permutation(builder: Builder, state: Sequence[Witness]) -> tuple[Witness, ...]:
    """The Hades permutation of five variables; returns five variables."""
    out = permutation_linear(builder, [Linear.of(w) for w in state])
    return tuple(builder.materialize(s) for s in out)


def sponge(
    builder: Builder, tag_value: int, inputs: Sequence[Witness], output_len: int = 1
) -> tuple[Witness, ...]:
    """SAFE: absorb ``inputs`` into ``[tag, 0, 0, 0, 0]`` four at a time, permuting before
    each further block, then permute and squeeze ``state[1..]`` (as the reference)."""
    state: State = [Linear.const(tag_value)] + [Linear() for _ in range(poseidon.RATE)]
    position = 0
    for w in inputs:
        if position == poseidon.RATE:
            state = permutation_linear(builder, state)
            position = 0
        state[1 + position] = state[1 + position].plus(Linear.of(w))
        position += 1
    output: list[Witness] = []
    while len(output) < output_len:
        state = permutation_linear(builder, state)
        take = min(poseidon.RATE, output_len - len(output))
        output.extend(builder.materialize(s) for s in state[1 : 1 + take])
    return tuple(output)


def hash(builder: Builder, domain: poseidon.Domain, inputs: Sequence[Witness]) -> Witness:
    """``poseidon.hash(domain, inputs)``: the first squeezed element."""
    if not inputs:
        raise CryptoError("crypto.poseidon_empty_input", "SAFE forbids an empty absorb")
    return sponge(builder, poseidon.tag(len(inputs), 1, domain), inputs)[0]


#: Digits of the truncated part (250 bits) and the bits above it (5 bits: two digits and a
#: boolean), so ``hash = low + 2^250·(h0 + 4·h1 + 16·h2)``.
TRUNCATED_DIGITS = poseidon.TRUNCATION_BITS // 2


def hash_truncated(
    builder: Builder, domain: poseidon.Domain, inputs: Sequence[Witness]
) -> tuple[Witness, tuple[Digit, ...]]:
    """``poseidon.hash_truncated``: the hash's low 250 bits as a variable and as 125 base-4
    digits (least significant first), for use as a Jubjub scalar."""
    full = hash(builder, domain, inputs)
    return split_truncated(builder, full, builder.value(full))


def split_truncated(
    builder: Builder, full: Witness, representative: int
) -> tuple[Witness, tuple[Digit, ...]]:
    """``full = low + 2^250·high`` with ``low < 2^250`` (125 digits) and ``high < 32`` (two
    digits and a boolean), computed from the integer ``representative`` of ``full``.

    Bound: the rows prove ``full ≡ low + 2^250·high (mod r)`` with ``low + 2^250·high <
    2^255``, so besides ``representative = full`` a prover may use ``full + r`` whenever it is
    below ``2^255`` and obtain another ``low`` (spec rule 13.6;
    ``test_truncation_accepts_the_second_representative``). ``full + 2r`` is above ``2^255``
    and raises ``crypto.plonk_range``."""
    if not 0 <= representative < 1 << 255:
        raise CryptoError("crypto.plonk_range", "a truncated hash is split below 2^255")
    low_value = representative & ((1 << poseidon.TRUNCATION_BITS) - 1)
    high_value = representative >> poseidon.TRUNCATION_BITS
    low = builder.append_witness(low_value)
    digits = tuple(
        append_digit(builder, (low_value >> (2 * i)) & 3) for i in range(TRUNCATED_DIGITS)
    )
    assert_digits_sum(builder, low, digits)
    h0 = append_digit(builder, high_value & 3)
    h1 = append_digit(builder, (high_value >> 2) & 3)
    h2 = builder.append_witness(high_value >> 4)
    builder.append_gate(a=h2, b=h2, q_m=1, q_l=-1)
    shift = 1 << poseidon.TRUNCATION_BITS
    high_terms = ((h0.d, shift), (h1.d, 4 * shift), (h2, 16 * shift))
    builder.assert_zero(Linear(((low, 1), *high_terms, (full, -1))))
    return low, digits
