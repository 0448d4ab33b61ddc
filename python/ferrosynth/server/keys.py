"""Provider keys of queued tasks, kept encrypted at rest and wiped when the task is done.

A task's ``api_key`` must survive a crash (the task is retried after a restart), so it is stored,
but never in plain text: each distinct key is sealed with a key derived from the server secret
(``--secret``/``FERROSYNTH_SERVER_SECRET``, else the API key), stored once under an opaque id (a
keyed hash, which reveals nothing about the key), referenced by the tasks that need it, and
deleted when no unfinished task refers to it. Every server sharing a store needs the same secret.

The cipher is built from the standard library: a keystream of HMAC-SHA256 blocks over a random
nonce (HMAC as a PRF in counter mode), then HMAC-SHA256 over nonce and ciphertext
(encrypt-then-MAC). Keys are short; speed does not matter here.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from ferrosynth.errors import FerrosynthError

__all__ = ["Keyring", "SealedKeyError"]

_NONCE = 16
_TAG = 16


class SealedKeyError(FerrosynthError):
    """A stored key cannot be opened (the server secret changed, or the record was altered)."""


class Keyring:
    """Seals and opens provider keys with one server secret."""

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        root = hashlib.sha256(b"ferrosynth-server-keys\x00" + raw).digest()
        self._enc = hmac.new(root, b"enc", hashlib.sha256).digest()
        self._mac = hmac.new(root, b"mac", hashlib.sha256).digest()
        self._ids = hmac.new(root, b"id", hashlib.sha256).digest()

    def key_id(self, api_key: str) -> str:
        """An opaque, stable id for a key (the same key -> the same id under one secret)."""
        return hmac.new(self._ids, api_key.encode(), hashlib.sha256).hexdigest()[:32]

    def _stream(self, nonce: bytes, length: int) -> bytes:
        blocks = []
        for counter in range((length + 31) // 32):
            blocks.append(
                hmac.new(self._enc, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
            )
        return b"".join(blocks)[:length]

    def seal(self, api_key: str) -> bytes:
        plain = api_key.encode()
        nonce = os.urandom(_NONCE)
        cipher = bytes(a ^ b for a, b in zip(plain, self._stream(nonce, len(plain)), strict=True))
        tag = hmac.new(self._mac, nonce + cipher, hashlib.sha256).digest()[:_TAG]
        return nonce + cipher + tag

    def open(self, sealed: bytes) -> str:
        if len(sealed) < _NONCE + _TAG:
            raise SealedKeyError("stored key record is truncated")
        nonce, cipher, tag = sealed[:_NONCE], sealed[_NONCE:-_TAG], sealed[-_TAG:]
        expected = hmac.new(self._mac, nonce + cipher, hashlib.sha256).digest()[:_TAG]
        if not hmac.compare_digest(tag, expected):
            raise SealedKeyError(
                "stored key cannot be opened: the server secret differs from the one it was "
                "sealed with"
            )
        plain = bytes(a ^ b for a, b in zip(cipher, self._stream(nonce, len(cipher)), strict=True))
        return plain.decode()
