"""Succinct Attestation consensus (spec/consensus.md).

Pure functions and frozen dataclasses only: ``constants`` (one table per preset),
``provisioners`` and ``sortition`` (eligibility, committees, bitsets), ``rewards`` and
``slashing`` (integer arithmetic the runtime calls), ``finality`` (rolling finality labels,
PNI, fork choice). Nothing here imports ``network`` or ``runtime``.
"""
