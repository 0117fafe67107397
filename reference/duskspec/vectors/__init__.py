"""Conformance vectors: generation, format, schema, replay (spec/vectors.md).

Nothing in the protocol packages imports this package; only :mod:`duskspec.cli` and the
tests do (docs/architecture.md §1).
"""
