"""Network layer (spec/network.md): Kadcast structured broadcast, a flooding-gossip baseline
and the deterministic discrete-event simulator every pure machine can run on.

Imports only ``encoding``, ``crypto``, ``errors`` and ``types``; never consensus or runtime.
"""
