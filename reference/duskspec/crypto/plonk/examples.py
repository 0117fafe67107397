"""Small hand-built circuits with satisfying witnesses (tests, vectors, the zk bench).

Each function returns ``(constraint system, witness, public inputs)``; the constraint
system uses :mod:`~duskspec.crypto.plonk.constraint_system` directly, not a builder.
"""

from __future__ import annotations

from duskspec.crypto.plonk.constraint_system import ConstraintSystem, Gate, R

Instance = tuple[ConstraintSystem, list[int], list[int]]

MINUS_ONE = R - 1


def public(var: int) -> Gate:
    """The contract's public-input row: ``PI - w = 0``."""
    return Gate(a=var, b=0, c=0, d=0, q_l=MINUS_ONE)


def mul_circuit() -> Instance:
    """x·y = z, z public (variables 1 x = 3, 2 y = 5, 3 z = 15)."""
    cs = ConstraintSystem(
        gates=(Gate(a=1, b=2, c=3, d=0, q_m=1, q_o=MINUS_ONE), public(3)),
        public_rows=(1,),
        variable_count=4,
    )
    return cs, [0, 3, 5, 15], [15]


def cubic_circuit() -> Instance:
    """x³ + x + 5 = out, out public (variables: 1 x, 2 x², 3 x³, 4 out)."""
    cs = ConstraintSystem(
        gates=(
            Gate(a=1, b=1, c=2, d=0, q_m=1, q_o=MINUS_ONE),
            Gate(a=2, b=1, c=3, d=0, q_m=1, q_o=MINUS_ONE),
            Gate(a=3, b=1, c=4, d=0, q_l=1, q_r=1, q_o=MINUS_ONE, q_c=5),
            public(4),
        ),
        public_rows=(3,),
        variable_count=5,
    )
    return cs, [0, 3, 9, 27, 35], [35]


def four_wire_circuit() -> Instance:
    """Every selector and wire in use, two public inputs, variables repeated across wires,
    and a row with ``q_arith = 0`` (no constraint)."""
    w = [0, 11, 22, 33, 44, 0, 0]
    w[5] = (w[1] * w[2] + 2 * w[1] + 3 * w[2] + 4 * w[4] + 7) % R
    w[6] = (w[5] * w[5] - w[3]) % R
    cs = ConstraintSystem(
        gates=(
            Gate(a=1, b=2, c=5, d=4, q_m=1, q_l=2, q_r=3, q_o=MINUS_ONE, q_4=4, q_c=7),
            Gate(a=5, b=5, c=6, d=3, q_m=1, q_o=MINUS_ONE, q_4=MINUS_ONE),
            Gate(a=1, b=6, c=5, d=2, q_m=123, q_arith=0),
            public(6),
            public(1),
        ),
        public_rows=(3, 4),
        variable_count=7,
    )
    return cs, w, [w[6], w[1]]


def no_public_circuit() -> Instance:
    """A chain of squarings with no public input: x = 2, x², x⁴, ..., x^(2^12)."""
    gates = tuple(Gate(a=i, b=i, c=i + 1, d=0, q_m=1, q_o=MINUS_ONE) for i in range(1, 13))
    w = [0, 2]
    for _ in range(12):
        w.append(w[-1] * w[-1] % R)
    return ConstraintSystem(gates, (), 14), w, []


def curve_add_circuit() -> Instance:
    """Jubjub ``2·(G + 5G)`` by the curve-addition gate, the result's ``u, v`` public."""
    from duskspec.crypto import jubjub
    from duskspec.crypto.plonk.builder import Builder

    builder = Builder()
    g, g5 = jubjub.GENERATOR, jubjub.scalar_mul(jubjub.GENERATOR, 5)
    p = [builder.append_witness(c) for c in (g.u, g.v, g5.u, g5.v)]
    u, v = builder.curve_add(*p)
    u, v = builder.curve_add(u, v, u, v)
    builder.assert_public(u)
    builder.assert_public(v)
    cs, witness, public_inputs = builder.compile()
    return cs, list(witness), list(public_inputs)


#: The hand-built circuits by name.
SMALL_CIRCUITS = {
    "mul": mul_circuit,
    "cubic": cubic_circuit,
    "four_wire": four_wire_circuit,
    "no_public": no_public_circuit,
    "curve_add": curve_add_circuit,
}


def arithmetic_circuit(log_size: int) -> Instance:
    """``2^log_size - 1`` rows, so the domain is exactly ``2^log_size``: a chain of width-4
    gates ``x_(k+2) = x_k·x_(k+1) + 2·x_k + 3·x_(k+1) + 5·x_(k/2) + i`` using every selector,
    ending in one public input."""
    rows = (1 << log_size) - 1
    witness = [0, 3, 5]
    gates = []
    for i in range(rows - 1):
        a, b = len(witness) - 2, len(witness) - 1
        d = max(1, b // 2)
        value = witness[a] * witness[b] + 2 * witness[a] + 3 * witness[b] + 5 * witness[d] + i
        gates.append(
            Gate(a=a, b=b, c=len(witness), d=d, q_m=1, q_l=2, q_r=3, q_o=MINUS_ONE, q_4=5, q_c=i)
        )
        witness.append(value % R)
    last = len(witness) - 1
    gates.append(public(last))
    cs = ConstraintSystem(tuple(gates), (len(gates) - 1,), len(witness))
    return cs, witness, [witness[last]]
