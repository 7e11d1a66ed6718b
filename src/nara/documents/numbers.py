"""Confirmation numbers and possession keys of issued documents.

A confirmation number is 16 digits written in groups of four (`1234-5678-9012-3456`): 15
random digits and a Luhn check digit, so that a mistyped digit or a swap of two neighbours is
caught before any look-up. A possession key is 12 characters from an alphabet without look-
alikes (`K7QM-2XWD-9HRT`), about 60 bits, shown to the holder once; only its keyed digest is
stored.
"""

from __future__ import annotations

import re
import secrets

from nara.core.pii import PiiCipher

KEY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
KEY_LENGTH = 12
_NUMBER = re.compile(r"\d{16}")


def luhn_digit(digits: str) -> int:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def new_number() -> str:
    """A new confirmation number: 16 digits, the last a Luhn check digit (unformatted)."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(15))
    return body + str(luhn_digit(body))


def parse_number(text: str) -> str | None:
    """The 16 digits of a confirmation number as typed (dashes and spaces ignored), or None
    when it is not one (wrong length or check digit)."""
    digits = re.sub(r"[\s-]", "", text)
    if not _NUMBER.fullmatch(digits) or luhn_digit(digits[:15]) != int(digits[15]):
        return None
    return digits


def format_number(digits: str) -> str:
    """`1234567890123456` → `1234-5678-9012-3456`."""
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def new_possession_key() -> str:
    """A new possession key, formatted `XXXX-XXXX-XXXX`."""
    raw = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, KEY_LENGTH, 4))


def normalise_key(text: str) -> str:
    """A possession key as typed: dashes and spaces dropped, upper case."""
    return re.sub(r"[\s-]", "", text).upper()


def key_digest(cipher: PiiCipher, number: str, key: str) -> bytes:
    """The keyed digest stored for a document's possession key (bound to its number)."""
    return cipher.blind_index(f"nara/documents/possession-key/v1:{number}:{normalise_key(key)}")
