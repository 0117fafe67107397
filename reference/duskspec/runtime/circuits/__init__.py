"""Circuits the runtime verifies proofs of (spec/transactions.md): the Phoenix transfer
circuit in :mod:`.transfer`, and the wallet-side construction of its witness in
:mod:`.witness`."""
