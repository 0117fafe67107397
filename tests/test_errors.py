from __future__ import annotations

import pytest

from duskspec.errors import CryptoError, EncodingError, ProtocolError


def test_code_and_message_are_kept_apart() -> None:
    err = EncodingError("encoding.truncated", "need 8 bytes")
    assert err.code == "encoding.truncated"
    assert err.detail == "need 8 bytes"
    assert isinstance(err, ProtocolError)


def test_a_component_class_refuses_a_foreign_code() -> None:
    with pytest.raises(ValueError, match="codes start with 'crypto'"):
        CryptoError("encoding.truncated")
