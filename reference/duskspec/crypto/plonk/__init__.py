"""PLONK over BLS12-381 with KZG commitments (spec/crypto.md, PLONK chapter).

:mod:`constraint_system` is the contract between circuits (the builder and its gadgets) and
the prover and verifier: a circuit compiles to a :class:`ConstraintSystem` and a witness.
"""
