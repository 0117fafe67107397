"""Circuit gadgets (spec/crypto.md §13.2): each appends the rows that constrain one
out-of-circuit function of :mod:`duskspec.crypto` and returns its result as variables.

- :mod:`.boolean` and :mod:`.range_check`: bits and 64-bit (or any even width) range checks;
- :mod:`.poseidon`: the Hades permutation and the SAFE sponge;
- :mod:`.jubjub`: points, addition, fixed- and variable-base scalar multiplication;
- :mod:`.merkle`: an opening of the arity-4 Poseidon notes tree;
- :mod:`.schnorr`: single- and double-key Schnorr verification;
- :mod:`.commitment` and :mod:`.elgamal`: value commitments and ElGamal encryption.
"""
