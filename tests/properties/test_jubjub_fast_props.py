"""The fast Jubjub routines agree with the textbook ones (spec/crypto.md §16, J1-J3):
``sqrt_fast`` with Tonelli–Shanks, ``in_subgroup`` (a Tate pairing) with ``t·P = O``, and
``decode_point`` (memoised) with ``decode_point_simple``, on random points of the subgroup,
on points with every small-order component, on the small-order points themselves and on
arbitrary 32-byte strings."""

from __future__ import annotations

from collections import Counter

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from duskspec.crypto import jubjub
from duskspec.crypto.jubjub import GENERATOR, IDENTITY, SUBGROUP_ORDER, Point
from duskspec.errors import CryptoError

FIELD = st.integers(0, jubjub.FIELD_MODULUS - 1)
SCALARS = st.integers(0, SUBGROUP_ORDER - 1)


def _small_order_points() -> list[Point]:
    """The eight points of order dividing 8, as multiples of one of order 8."""
    c = jubjub._pairing_constants()
    t8 = next(p for p in c.small if jubjub._order(p) == 8)
    return [jubjub.scalar_mul(t8, k) for k in range(8)]


SMALL = _small_order_points()


def _decoded(decode: object, data: bytes) -> Point | str:
    assert callable(decode)
    try:
        point = decode(data)
        assert isinstance(point, Point)
        return point
    except CryptoError as error:
        return error.code


def _both(data: bytes) -> Point | str:
    """The fast (memo cleared) and the simple decoding of ``data``, which must agree."""
    jubjub.clear_decode_memo()
    fast = _decoded(jubjub.decode_point, data)
    assert fast == _decoded(jubjub.decode_point, data)  # from the memo, or failing again
    assert fast == _decoded(jubjub.decode_point_simple, data)
    return fast


@given(a=FIELD)
@example(a=0)
@example(a=1)
@example(a=jubjub.FIELD_MODULUS - 1)
@example(a=7)  # the non-residue the roots of unity come from
def test_sqrt_fast_agrees_with_tonelli_shanks(a: int) -> None:
    root = jubjub.sqrt_fast(a)
    assert (root is None) == (jubjub._sqrt(a) is None)
    event("square" if root is not None else "non-square")
    if root is not None:
        assert root * root % jubjub.FIELD_MODULUS == a


def test_the_subgroup_check_and_decoding_agree_on_every_torsion_class() -> None:
    seen: Counter[str] = Counter()

    @settings(derandomize=True)
    @given(k=SCALARS, torsion=st.integers(0, 7))
    def run(k: int, torsion: int) -> None:
        point = jubjub.fixed_base_mul(GENERATOR, k) + SMALL[torsion]
        fast = jubjub.in_subgroup(point)
        assert fast == jubjub.is_torsion_free(point)
        assert fast == (torsion == 0)
        decoded = _both(point.encode())
        assert decoded == (point if torsion == 0 else "crypto.jubjub_point_subgroup")
        seen[f"torsion {torsion}"] += 1
        event(f"torsion {torsion}")

    run()
    assert all(seen[f"torsion {t}"] > 0 for t in range(8)), dict(seen)


def test_the_small_order_points_and_their_sign_variants() -> None:
    """Only the identity is in the subgroup; ``u = 0`` with the sign bit set is refused."""
    for point in SMALL:
        assert jubjub.in_subgroup(point) == (point == IDENTITY) == jubjub.is_torsion_free(point)
        encoding = point.encode()
        flipped = encoding[:31] + bytes([encoding[31] ^ 0x80])
        assert _both(encoding) == (point if point == IDENTITY else "crypto.jubjub_point_subgroup")
        _both(flipped)
    assert _both(IDENTITY.encode()[:31] + b"\x80") == "crypto.jubjub_point_noncanonical"


def test_decoding_agrees_on_arbitrary_bytes() -> None:
    seen: Counter[str] = Counter()

    @settings(derandomize=True)
    @given(data=st.binary(min_size=32, max_size=32))
    @example(data=jubjub.FIELD_MODULUS.to_bytes(32, "little"))
    @example(data=(jubjub.FIELD_MODULUS - 1).to_bytes(32, "little"))
    @example(data=bytes(31) + b"\x80")
    @example(data=GENERATOR.encode())
    def run(data: bytes) -> None:
        outcome = _both(data)
        label = outcome if isinstance(outcome, str) else "point"
        seen[label] += 1
        event(label)

    run()
    for label in (
        "point",
        "crypto.jubjub_point_subgroup",
        "crypto.jubjub_point_not_on_curve",
        "crypto.jubjub_point_noncanonical",
    ):
        assert seen[label] > 0, dict(seen)


def test_a_wrong_length_is_refused_and_the_memo_is_bounded() -> None:
    assert _both(bytes(31)) == "crypto.jubjub_point_length"
    jubjub.clear_decode_memo()
    for k in range(1, jubjub.DECODE_MEMO_SIZE + 3):
        jubjub._DECODED[b"x" + k.to_bytes(32, "little")] = IDENTITY  # no real encoding
        if len(jubjub._DECODED) > jubjub.DECODE_MEMO_SIZE:
            jubjub._DECODED.popitem(last=False)
    jubjub.decode_point(GENERATOR.encode())
    assert len(jubjub._DECODED) == jubjub.DECODE_MEMO_SIZE
    assert jubjub.decode_point(GENERATOR.encode()) == GENERATOR
    jubjub.clear_decode_memo()
