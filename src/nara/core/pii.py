"""Protection of personal identifiers at rest.

An RRN is stored twice, neither time in clear: AES-256-GCM ciphertext (random 96-bit nonce,
the column name as associated data) for reading it back, and an HMAC-SHA-256 blind index
for finding it. Both keys are derived from one master key with HKDF, so one secret is
managed; rotating it means re-encrypting (a later command).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nara.core.settings import Settings

NONCE_BYTES = 12
BLIND_INDEX_BYTES = 16


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class PiiCipher:
    """Encrypts, decrypts and blind-indexes personal identifiers with one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the PII master key must be 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"nara/pii/aes-gcm/v1"))
        self._index_key = _derive(master_key, b"nara/pii/blind-index/v1")

    def encrypt(self, plaintext: str, *, context: bytes = b"rrn") -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), context)

    def decrypt(self, token: bytes, *, context: bytes = b"rrn") -> str:
        nonce, ciphertext = token[:NONCE_BYTES], token[NONCE_BYTES:]
        return self._aead.decrypt(nonce, ciphertext, context).decode()

    def encrypt_many(self, plaintexts: Sequence[str], *, context: bytes = b"rrn") -> list[bytes]:
        """`encrypt` for a batch: one draw of random nonces for all (bulk loads)."""
        nonces = os.urandom(NONCE_BYTES * len(plaintexts))
        encrypt = self._aead.encrypt
        out = []
        for i, plaintext in enumerate(plaintexts):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(nonce + encrypt(nonce, plaintext.encode(), context))
        return out

    def blind_index_many(self, plaintexts: Sequence[str]) -> list[bytes]:
        """`blind_index` for a batch."""
        key = self._index_key
        return [hmac.digest(key, p.encode(), "sha256")[:BLIND_INDEX_BYTES] for p in plaintexts]

    def blind_index(self, plaintext: str) -> bytes:
        """A keyed, deterministic digest used to look a value up without decrypting."""
        digest = hmac.new(self._index_key, plaintext.encode(), hashlib.sha256).digest()
        return digest[:BLIND_INDEX_BYTES]


def load_master_key(settings: Settings) -> bytes:
    """The PII master key from the settings, or from its key file.

    Outside production a missing key file is created (mode 0600) so that a pilot install
    works out of the box; production refuses to start without a key.
    """
    if settings.pii_key:
        return _decode_key(settings.pii_key)
    path = Path(settings.pii_key_file)
    if path.exists():
        return _decode_key(path.read_text().strip())
    if settings.environment == "production":
        raise RuntimeError(f"PII master key missing: set NARA_PII_KEY or create {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key


def _decode_key(text: str) -> bytes:
    key = base64.b64decode(text)
    if len(key) != 32:
        raise RuntimeError("the PII master key must be 32 bytes, base64-encoded")
    return key


def cipher_from_settings(settings: Settings) -> PiiCipher:
    return PiiCipher(load_master_key(settings))
