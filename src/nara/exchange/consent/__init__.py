"""The consent store of the exchange, in the GovStack Consent model.

Every declared purpose of a personal-data service is a data agreement (`register_agreements`).
A resident opts in to or out of an agreement in a consent record; every change of a record
appends a revision, hash-chained and signed by the platform (`verify_record` checks them).
`grounds_for` is the check the exchange gateway makes on every personal-data call: the
agreement of the service and purpose, and, when its lawful basis is consent, a consent in
force of every person read. Only the individual himself (the signed-in citizen) or a system
under a mandate recorded for him (`record_mandate`) gives or withdraws his consent. The same
store answers on GovStack Consent API paths (`govstack.py`). See docs/consent.md.
"""

from nara.exchange.consent.mandates import record_mandate, revoke_mandate
from nara.exchange.consent.service import (
    GENESIS_HASH,
    PLATFORM_MEMBER,
    Grounds,
    Sign,
    Verification,
    agreement_uid,
    give_consent,
    grounds_for,
    platform_signer,
    register_agreements,
    set_consent,
    verify_record,
    withdraw_consent,
)

__all__ = [
    "GENESIS_HASH",
    "PLATFORM_MEMBER",
    "Grounds",
    "Sign",
    "Verification",
    "agreement_uid",
    "give_consent",
    "grounds_for",
    "platform_signer",
    "record_mandate",
    "register_agreements",
    "revoke_mandate",
    "set_consent",
    "verify_record",
    "withdraw_consent",
]
