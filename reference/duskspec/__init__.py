"""duskspec: the executable reference of a Dusk-style proof-of-stake protocol.

Layers (docs/architecture.md §1), imported in one direction only:
``encoding`` <- ``crypto`` <- (``network``, ``consensus``, ``runtime``) <- ``node`` <- ``cli``.
"""

__version__ = "0.1.0"

#: Version of the normative text in spec/; recorded in every conformance vector's manifest.
SPEC_VERSION = "0.2.0"
