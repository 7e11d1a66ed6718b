"""Every documents route declares who may call it; only the holder's and anyone's checks are
public."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from nara.core.access import access_of
from nara.documents.routes import router


def _marks(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        mark = access_of(sub.call)
        if mark:
            yield mark
        yield from _marks(sub)


def test_issuing_and_revoking_need_scopes_and_only_verification_is_public() -> None:
    declared = {}
    for route in router.routes:
        assert isinstance(route, APIRoute)
        marks = list(_marks(route.dependant))
        assert len(marks) == 1, (route.path, marks)
        declared[route.path] = marks[0]
    holder = "public:the confirmation number with its possession key is the holder's credential"
    assert declared == {
        "/api/documents/issue": "scope:documents:issue",
        "/api/documents/download": holder,
        "/api/documents/verify": holder,
        "/api/documents/verify/upload": "public:anyone may check an issued document",
        "/api/documents/{number}/revoke": "scope:documents:revoke",
    }
