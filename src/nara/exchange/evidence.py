"""Evidence bundles an auditor re-checks offline, with nothing of Nara's but the bundle.

`evidence_bundle` is `messagelog.export_evidence` (the entries of a range, their chain and the
time-stamps ending in it) plus what verifying their signatures needs: the platform CA's
certificate (`ca`, PEM; the auditor compares its SHA-256 fingerprint with the one the CA's
holder publishes) and every signing certificate of the members that signed an entry of the
range (`certificates`: member id → PEM list). `scripts/verify_evidence.py` checks such a
bundle with the standard library, `cryptography` and `asn1crypto` alone: the chain, every
signature against the heads and digests each entry keeps, and every time-stamp token.
"""

from __future__ import annotations

from typing import Any, Final

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.orm import Session

from nara.core.errors import NaraError
from nara.exchange.messagelog import export_evidence
from nara.exchange.trust import Keystore, MemberId, ServiceId, SubsystemId, fingerprint

FORMAT: Final = "nara-message-log-evidence/3"
"""Version 3 adds `ca` and `certificates` to version 2's entries and time-stamps."""


def _members(entry: dict[str, Any]) -> list[MemberId]:
    found: list[MemberId] = []
    try:
        found.append(SubsystemId.parse(str(entry["client"])).member)
        found.append(ServiceId.parse(str(entry["service"])).member)
    except NaraError:
        pass
    return found


def evidence_bundle(
    session: Session, keystore: Keystore, *, seq_from: int, seq_to: int
) -> dict[str, Any]:
    """The entries `seq_from`..`seq_to` with their time-stamps and certificates."""
    bundle = export_evidence(session, seq_from=seq_from, seq_to=seq_to)
    members = {member for entry in bundle["entries"] for member in _members(entry)}
    ca = keystore.ensure_ca()
    bundle["format"] = FORMAT
    bundle["ca"] = ca.public_bytes(Encoding.PEM).decode()
    bundle["ca_fingerprint"] = fingerprint(ca)
    bundle["certificates"] = {
        str(member): [
            c.certificate.public_bytes(Encoding.PEM).decode() for c in keystore.certificates(member)
        ]
        for member in sorted(members, key=str)
    }
    return bundle
