"""TLA+ tooling: the TLC bridge (:mod:`.tlc`). Only the CLI and tests import this package."""
