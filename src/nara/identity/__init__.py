"""Identity for the single window: citizens bound to residents, officials bound to agencies.

Citizens open an account by naming their RRN, name and birth date, checked against the
resident register through the exchange (`residents/identity-check`, purpose
`account-binding`, client `gov24`); officials are created by their agency's administrator.
Sign-in is by passkey (two factors in one step) or password and TOTP; sessions live on the
server and can be revoked. See docs/identity.md.
"""

from nara.identity.access import (
    Principal,
    current_principal,
    require_citizen,
    require_official,
    require_signed_in,
)
from nara.identity.audit import audit_action

__all__ = [
    "Principal",
    "audit_action",
    "current_principal",
    "require_citizen",
    "require_official",
    "require_signed_in",
]
