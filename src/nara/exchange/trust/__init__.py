"""The trust layer of the exchange: X-Road identifiers, the platform CA, members' signing keys.

See README.md in this package for the identifier and signature formats and the keystore layout.
"""

from nara.exchange.trust.ca import create_root_ca, fingerprint, issue_member_certificate, key_id
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId
from nara.exchange.trust.keystore import Keystore, MemberCertificate, Signer
from nara.exchange.trust.signatures import Signature
from nara.exchange.trust.store import keystore_passphrase

__all__ = [
    "Keystore",
    "MemberCertificate",
    "MemberId",
    "ServiceId",
    "Signature",
    "Signer",
    "SubsystemId",
    "create_root_ca",
    "fingerprint",
    "issue_member_certificate",
    "key_id",
    "keystore_passphrase",
]
