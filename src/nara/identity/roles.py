"""Officials' roles and the permissions each grants within the official's agency."""

from __future__ import annotations

from collections.abc import Iterable

ROLES: dict[str, tuple[str, ...]] = {
    "viewer": ("{agency}:applications:read",),
    "clerk": ("{agency}:applications:read", "{agency}:applications:decide"),
    "admin": ("{agency}:officials:manage", "{agency}:audit:read"),
}
"""Role → permission templates; `{agency}` is the official's agency (`land`)."""


def permissions_of(agency: str, roles: Iterable[str]) -> frozenset[str]:
    """The permissions an official of `agency` holds through `roles` (unknown roles grant none)."""
    return frozenset(
        template.format(agency=agency) for role in roles for template in ROLES.get(role, ())
    )
