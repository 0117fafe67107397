"""Cryptographic primitives (spec/crypto.md). Imports only :mod:`duskspec.encoding`."""
