"""Typed protocol errors.

Every invalid input raises a subclass of :class:`ProtocolError` carrying a stable ``code``
(``"<component>.<reason>"``). Conformance vectors record the code, never the message, so
codes are part of the protocol surface: renaming one is a breaking change listed in
``conformance-vectors/CHANGELOG.md``. A function that raises leaves its input state untouched.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """An input the protocol rejects. ``code`` is stable; the message is for humans."""

    #: Prefix every code of this class starts with (checked at construction).
    component = ""

    def __init__(self, code: str, message: str = "") -> None:
        if self.component and not code.startswith(self.component + "."):
            raise ValueError(f"{type(self).__name__} codes start with {self.component!r}: {code}")
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.detail = message


class EncodingError(ProtocolError):
    """Malformed bytes: truncated, overlong, trailing, out of range."""

    component = "encoding"


class CryptoError(ProtocolError):
    """Bad keys, points, signatures, proofs or ciphertexts."""

    component = "crypto"


class NetworkError(ProtocolError):
    """Kadcast wire and routing errors."""

    component = "network"


class ConsensusError(ProtocolError):
    """Succinct Attestation: votes, quorums, attestations, headers."""

    component = "consensus"


class RuntimeProtocolError(ProtocolError):
    """State transition: transactions, staking, contracts, VM."""

    component = "runtime"


class NodeError(ProtocolError):
    """A node's mempool and transaction topic (spec/node.md)."""

    component = "node"


class VectorError(ProtocolError):
    """A conformance vector or adapter answer that does not follow the vector format."""

    component = "vectors"
