"""Message signatures and their wire form, and the errors verification raises.

A signature is ECDSA P-256 over SHA-256 of the message bytes, made with a member's signing
key. It carries the key id of that key (the first 16 bytes of the signing certificate's
SHA-256 fingerprint, as 32 lowercase hex digits), so the verifier knows which certificate to use.

Wire form (a JSON string): `<key id>.<base64url of r || s>`: the key id, a dot, and the
64-byte raw signature (`r` and `s` as 32-byte big-endian integers, the JWS ES256 layout)
in base64url without padding; 119 characters in all, e.g.
`3f2a...9c.MEUCIQ...` (32 + 1 + 86).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from nara.core.errors import Invalid, Message, Unauthorized

RAW_SIGNATURE_BYTES = 64
KEY_ID = re.compile(r"[0-9a-f]{32}")
_WIRE = re.compile(r"([0-9a-f]{32})\.([A-Za-z0-9_-]{86})")


def refused(code: str, en: str, ko: str, **extra: str) -> Unauthorized:
    """A signature or certificate the exchange does not accept (401, with a stable code)."""
    return Unauthorized(code, Message(en, ko), dict(extra))


@dataclass(frozen=True, slots=True)
class Signature:
    """A member's signature of some bytes: which key made it and the raw `r || s` value."""

    key_id: str
    value: bytes

    def to_wire(self) -> str:
        encoded = base64.urlsafe_b64encode(self.value).rstrip(b"=").decode()
        return f"{self.key_id}.{encoded}"

    @classmethod
    def from_wire(cls, text: str) -> Signature:
        match = _WIRE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise _malformed()
        try:
            value = base64.urlsafe_b64decode(match.group(2) + "==")
        except (binascii.Error, ValueError):
            raise _malformed() from None
        if len(value) != RAW_SIGNATURE_BYTES or cls(match.group(1), value).to_wire() != text:
            raise _malformed()  # also refuses non-canonical trailing bits
        return cls(match.group(1), value)


def _malformed() -> Invalid:
    return Invalid(
        "signature_malformed",
        Message(
            "A signature has the form <32 hex digits>.<86 base64url characters>.",
            "서명의 형식은 <16진수 32자>.<base64url 86자>입니다.",
        ),
        {"field": "signature"},
    )
