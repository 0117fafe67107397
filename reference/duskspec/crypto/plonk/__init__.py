"""PLONK over BLS12-381 with KZG commitments (spec/crypto.md §12).

:mod:`constraint_system` is the contract between circuits (the builder and its gadgets) and
the prover and verifier: a circuit compiles to a :class:`ConstraintSystem` and a witness.
:mod:`field` and :mod:`polynomial` are the scalar-field layer (two backends), :mod:`kzg` the
commitment scheme and SRS file, :mod:`transcript` the Fiat-Shamir transcript, :mod:`keys`
preprocessing and the key cache, :mod:`prover` and :mod:`verifier` the protocol, and
:mod:`examples` small hand-built circuits for tests, vectors and the bench.
"""
