"""RRNs at rest: encrypted, blind-indexed, masked in logs."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
import structlog
from cryptography.exceptions import InvalidTag

from nara.core.logging import configure_logging, mask_identifiers
from nara.core.pii import PiiCipher, load_master_key
from nara.core.settings import Settings

RRN = "9001011234568"


def test_ciphertext_hides_the_number_and_decrypts_back(cipher: PiiCipher) -> None:
    token = cipher.encrypt(RRN)
    assert RRN.encode() not in token
    assert cipher.decrypt(token) == RRN


def test_the_same_number_encrypts_differently_each_time(cipher: PiiCipher) -> None:
    assert cipher.encrypt(RRN) != cipher.encrypt(RRN)


def test_the_blind_index_is_deterministic_and_keyed(cipher: PiiCipher) -> None:
    assert cipher.blind_index(RRN) == cipher.blind_index(RRN)
    assert cipher.blind_index(RRN) != cipher.blind_index("9001011234569")
    other = PiiCipher(bytes(32))
    assert other.blind_index(RRN) != cipher.blind_index(RRN)


def test_a_tampered_ciphertext_is_refused(cipher: PiiCipher) -> None:
    token = bytearray(cipher.encrypt(RRN))
    token[-1] ^= 1
    with pytest.raises(InvalidTag):
        cipher.decrypt(bytes(token))


def test_a_ciphertext_cannot_be_replayed_into_another_column(cipher: PiiCipher) -> None:
    with pytest.raises(InvalidTag):
        cipher.decrypt(cipher.encrypt(RRN, context=b"rrn"), context=b"phone")


def test_a_pilot_install_creates_its_key_file_private(tmp_path: Path) -> None:
    settings = Settings(environment="development", pii_key_file=tmp_path / "keys" / "pii.key")
    key = load_master_key(settings)
    assert len(key) == 32
    assert (tmp_path / "keys" / "pii.key").stat().st_mode & 0o777 == 0o600
    assert load_master_key(settings) == key


def test_production_refuses_to_invent_a_key(tmp_path: Path) -> None:
    settings = Settings(environment="production", pii_key_file=tmp_path / "absent.key")
    with pytest.raises(RuntimeError, match="PII master key missing"):
        load_master_key(settings)


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(RuntimeError, match="32 bytes"):
        load_master_key(Settings(pii_key=base64.b64encode(b"short").decode()))


def test_rrns_in_log_text_are_masked() -> None:
    text = "lookup 900101-1234568 and 8505052345678 done; phone 010-1234-5678"
    assert (
        mask_identifiers(text)
        == "lookup 900101-1****** and 850505-2****** done; phone 010-1234-5678"
    )


def test_structured_logs_never_carry_a_clear_rrn(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    structlog.get_logger("test").info("resident looked up", rrn="900101-1234568")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["rrn"] == "900101-1******"
    assert "1234568" not in line
    logging.getLogger().handlers.clear()


def test_batch_encryption_and_indexing_match_the_single_forms(cipher: PiiCipher) -> None:
    numbers = [RRN, "8505052345678", "2103014123456"]
    tokens = cipher.encrypt_many(numbers)
    assert [cipher.decrypt(t) for t in tokens] == numbers
    assert len({t[:12] for t in tokens}) == 3  # a fresh nonce for each
    assert cipher.blind_index_many(numbers) == [cipher.blind_index(n) for n in numbers]
