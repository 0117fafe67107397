"""The BLS12-381 scalar field Fr in two interchangeable backends (spec/crypto.md §12.1).

PLONK's prover is written once against :class:`Field`; a backend supplies element arithmetic
and vector loops. The two backends compute the same function and must give byte-identical
proofs (tests/crypto/test_plonk_field.py and the backend property in
tests/crypto/test_plonk_prover.py check it):

| backend | elements | role |
|---|---|---|
| :class:`IntField` (``reference``) | Python ``int`` in ``[0, r)`` | the readable oracle |
| :class:`ScalarField` (``fast``) | ``py_arkworks_bls12381.Scalar`` | default, ~4x faster |

Elements are opaque to callers (typed ``Fe``); :meth:`Field.from_int` and
:meth:`Field.to_int` cross the boundary. Group operations (MSM, pairing) always run on
arkworks: only the field arithmetic has two backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from py_arkworks_bls12381 import Scalar

from duskspec.crypto.plonk.constraint_system import R
from duskspec.errors import CryptoError

#: An element of Fr in the active backend (an ``int`` or a ``Scalar``).
Fe = Any

#: 2^32 divides r - 1: power-of-two domains exist up to 2^32 points.
TWO_ADICITY = 32

#: A generator of the multiplicative group of Fr (7); also the coset shift of the quotient.
MULTIPLICATIVE_GENERATOR = 7

#: A primitive 2^32-th root of unity: 7^((r-1)/2^32).
ROOT_OF_UNITY_2_32 = pow(MULTIPLICATIVE_GENERATOR, (R - 1) >> TWO_ADICITY, R)


def root_of_unity(size: int) -> int:
    """The primitive ``size``-th root of unity ω used for a domain of ``size`` points
    (``size`` a power of two, at most 2^32)."""
    log = size.bit_length() - 1
    if size <= 0 or size != 1 << log or log > TWO_ADICITY:
        raise ValueError(f"domain size {size} is not a power of two <= 2^32")
    return pow(ROOT_OF_UNITY_2_32, 1 << (TWO_ADICITY - log), R)


class Field:
    """Backend interface: element arithmetic plus the vector loops the prover needs."""

    name = ""

    def from_int(self, x: int) -> Fe:
        raise NotImplementedError

    def to_int(self, x: Fe) -> int:
        raise NotImplementedError

    def add(self, x: Fe, y: Fe) -> Fe:
        raise NotImplementedError

    def sub(self, x: Fe, y: Fe) -> Fe:
        raise NotImplementedError

    def mul(self, x: Fe, y: Fe) -> Fe:
        raise NotImplementedError

    def vadd(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        raise NotImplementedError

    def vsub(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        raise NotImplementedError

    def vmul(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        raise NotImplementedError

    def vscale(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        raise NotImplementedError

    def vshift(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        """``[x + c for x in xs]``."""
        raise NotImplementedError

    def butterflies(
        self, evens: Sequence[Fe], odds: Sequence[Fe], twiddles: Sequence[Fe]
    ) -> tuple[list[Fe], list[Fe]]:
        """``(e + w·o, e - w·o)`` elementwise: one radix-2 NTT stage."""
        raise NotImplementedError

    # --- derived operations, written once ---------------------------------------------------

    def from_ints(self, xs: Sequence[int]) -> list[Fe]:
        return [self.from_int(x) for x in xs]

    def to_ints(self, xs: Sequence[Fe]) -> list[int]:
        return [self.to_int(x) for x in xs]

    def zero(self) -> Fe:
        return self.from_int(0)

    def one(self) -> Fe:
        return self.from_int(1)

    def neg(self, x: Fe) -> Fe:
        return self.sub(self.zero(), x)

    def pow(self, x: Fe, e: int) -> Fe:
        return self.from_int(pow(self.to_int(x), e, R))

    def inv(self, x: Fe) -> Fe:
        """The inverse of a non-zero element (extended Euclid, as Python's pow(x, -1, r))."""
        value = self.to_int(x)
        if value == 0:
            raise ZeroDivisionError("inverse of zero in Fr")
        return self.from_int(pow(value, -1, R))

    def batch_inverse(self, xs: Sequence[Fe]) -> list[Fe]:
        """Montgomery's trick: every inverse for one inversion and 3(n-1) products. All
        elements must be non-zero."""
        prefix: list[Fe] = []
        acc = self.one()
        for x in xs:
            prefix.append(acc)
            acc = self.mul(acc, x)
        inv_acc = self.inv(acc)
        out: list[Fe] = [None] * len(xs)
        for i in range(len(xs) - 1, -1, -1):
            out[i] = self.mul(inv_acc, prefix[i])
            inv_acc = self.mul(inv_acc, xs[i])
        return out

    def powers(self, base: Fe, count: int) -> list[Fe]:
        """``[1, base, base^2, ..., base^(count-1)]``."""
        out = [self.one()]
        for _ in range(count - 1):
            out.append(self.mul(out[-1], base))
        return out[:count]


class IntField(Field):
    """Python integers reduced mod r after every operation."""

    name = "reference"

    def from_int(self, x: int) -> int:
        return x % R

    def to_int(self, x: Fe) -> int:
        return int(x)

    def add(self, x: Fe, y: Fe) -> int:
        return int((x + y) % R)

    def sub(self, x: Fe, y: Fe) -> int:
        return int((x - y) % R)

    def mul(self, x: Fe, y: Fe) -> int:
        return int(x * y % R)

    def vadd(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [(x + y) % R for x, y in zip(xs, ys, strict=True)]

    def vsub(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [(x - y) % R for x, y in zip(xs, ys, strict=True)]

    def vmul(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [x * y % R for x, y in zip(xs, ys, strict=True)]

    def vscale(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        return [x * c % R for x in xs]

    def vshift(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        return [(x + c) % R for x in xs]

    def butterflies(
        self, evens: Sequence[Fe], odds: Sequence[Fe], twiddles: Sequence[Fe]
    ) -> tuple[list[Fe], list[Fe]]:
        products = [o * w % R for o, w in zip(odds, twiddles, strict=True)]
        plus = [(e + t) % R for e, t in zip(evens, products, strict=True)]
        minus = [(e - t) % R for e, t in zip(evens, products, strict=True)]
        return plus, minus


class ScalarField(Field):
    """``py_arkworks_bls12381.Scalar``: Montgomery arithmetic in Rust, reduced internally."""

    name = "fast"

    def from_int(self, x: int) -> Scalar:
        return Scalar.from_le_bytes_mod_order((x % R).to_bytes(32, "little"))

    def to_int(self, x: Fe) -> int:
        return int(x)

    def add(self, x: Fe, y: Fe) -> Fe:
        return x + y

    def sub(self, x: Fe, y: Fe) -> Fe:
        return x - y

    def mul(self, x: Fe, y: Fe) -> Fe:
        return x * y

    def inv(self, x: Fe) -> Fe:
        if x.is_zero():
            raise ZeroDivisionError("inverse of zero in Fr")
        return x.inverse()

    def vadd(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [x + y for x, y in zip(xs, ys, strict=True)]

    def vsub(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [x - y for x, y in zip(xs, ys, strict=True)]

    def vmul(self, xs: Sequence[Fe], ys: Sequence[Fe]) -> list[Fe]:
        return [x * y for x, y in zip(xs, ys, strict=True)]

    def vscale(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        return [x * c for x in xs]

    def vshift(self, xs: Sequence[Fe], c: Fe) -> list[Fe]:
        return [x + c for x in xs]

    def butterflies(
        self, evens: Sequence[Fe], odds: Sequence[Fe], twiddles: Sequence[Fe]
    ) -> tuple[list[Fe], list[Fe]]:
        products = [o * w for o, w in zip(odds, twiddles, strict=True)]
        plus = [e + t for e, t in zip(evens, products, strict=True)]
        minus = [e - t for e, t in zip(evens, products, strict=True)]
        return plus, minus


#: The backends by name; ``fast`` is the default everywhere.
BACKENDS: dict[str, Field] = {"fast": ScalarField(), "reference": IntField()}


def field(name: str | None = None) -> Field:
    """The backend called ``name``; by default the one the crypto backend selection names
    (``duskspec.crypto.bls.backend_name``: ``use_backend``, else ``DUSKSPEC_CRYPTO``, else
    ``fast``), so that ``--crypto reference`` runs PLONK on :class:`IntField`."""
    from duskspec.crypto.bls import backend_name

    name = name or backend_name()
    if name not in BACKENDS:
        raise CryptoError("crypto.unknown_backend", f"{name!r}; known: fast, reference")
    return BACKENDS[name]
