"""Confirmation numbers and possession keys."""

from __future__ import annotations

import base64

from nara.core.pii import PiiCipher
from nara.documents.numbers import (
    format_number,
    key_digest,
    luhn_digit,
    new_number,
    new_possession_key,
    parse_number,
)


def test_numbers_carry_a_luhn_check_digit_that_catches_typos() -> None:
    number = new_number()
    assert len(number) == 16 and number.isdigit()
    formatted = format_number(number)
    assert formatted.count("-") == 3
    assert parse_number(formatted) == number
    assert parse_number(f" {number[:8]} {number[8:]} ") == number
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    assert parse_number(typo) is None
    assert parse_number("1234") is None
    assert luhn_digit("7992739871") == 3  # the textbook example


def test_possession_keys_are_random_and_only_their_keyed_digest_is_kept() -> None:
    cipher = PiiCipher(base64.b64decode(base64.b64encode(bytes(range(32)))))
    key = new_possession_key()
    assert len(key) == 14 and key.count("-") == 2
    assert key != new_possession_key()
    digest = key_digest(cipher, "1234567890123452", key)
    assert digest == key_digest(cipher, "1234567890123452", key.lower().replace("-", ""))
    assert digest != key_digest(cipher, "1234567890123460", key)
    assert key.encode() not in digest
