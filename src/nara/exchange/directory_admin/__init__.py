"""The exchange's directory of members, subsystems and services, and the access rights on them.

Like X-Road's central server and security server configuration: every agency is a member
(`KR/GOV/MOIS`) with a subsystem (`KR/GOV/MOIS/residents`) offering services
(`KR/GOV/MOIS/residents/person-summaries`). A service starts disabled; a client subsystem
may call it only while the service is enabled and the client holds an unrevoked access right,
optionally limited to an endpoint (method and path pattern). `check_access` is the gate every
exchanged message passes. (`nara.exchange.directory` is a different module: the typed client
of the residents' services.)
"""

from nara.exchange.directory_admin.platform import SyncReport, register_platform
from nara.exchange.directory_admin.service import (
    check_access,
    grant_access,
    revoke_access,
    set_service_enabled,
)
from nara.exchange.members import AGENCY_MEMBERS

__all__ = [
    "AGENCY_MEMBERS",
    "SyncReport",
    "check_access",
    "grant_access",
    "register_platform",
    "revoke_access",
    "set_service_enabled",
]
