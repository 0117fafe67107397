"""Test access to the package's lockstep driver (duskspec.consensus.lockstep)."""

from duskspec.consensus.lockstep import TINY, Lockstep, make_keys, make_provisioners

__all__ = ["TINY", "Lockstep", "make_keys", "make_provisioners"]
