"""The directory's admin API under /api/exchange: lists, enabling services, access rights."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.app import build_exchange
from tests.support import assert_problem, count_rows

Auth = Callable[..., dict[str, str]]
# Not among the services the install grants by default (no package `USES` it).
PROPERTIES = "KR/GOV/NTS/business/employments-of-person"
"""A service no agency of the install uses: disabled and without rights after start-up."""
ENABLE = f"/api/exchange/services/{PROPERTIES}/enable"
DISABLE = f"/api/exchange/services/{PROPERTIES}/disable"
TABLES = ("exchange_service", "exchange_access_right", "exchange_change", "core_outbox")


def _counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


@pytest.fixture
def admin(auth: Auth) -> dict[str, str]:
    return auth("exchange:admin", "exchange:read")


def test_the_app_registers_the_platform_at_start_up(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = client.get("/api/exchange/members", headers=admin).json()

    assert body["total"] == 7
    assert [m["id"] for m in body["items"]] == [
        "KR/GOV/FSS",
        "KR/GOV/MOFA",
        "KR/GOV/MOHW",
        "KR/GOV/MOIS",
        "KR/GOV/MOLIT",
        "KR/GOV/NTS",
        "KR/GOV/SCOURT",
    ]
    mois = next(m for m in body["items"] if m["id"] == "KR/GOV/MOIS")
    assert mois | {"name_ko": "행정안전부"} == mois
    assert (
        mois["object_type"],
        mois["instance_id"],
        mois["member_class"],
        mois["member_code"],
    ) == (
        "MEMBER",
        "KR",
        "GOV",
        "MOIS",
    )


def test_list_subsystems_of_a_member(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/exchange/members/KR/GOV/SCOURT/subsystems", headers=admin)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(s["id"], s["subsystem_code"]) for s in items] == [
        ("KR/GOV/SCOURT/family", "family"),
        ("KR/GOV/SCOURT/land", "land"),
    ]


def test_list_services_of_a_subsystem_paged(client: TestClient, auth: Auth) -> None:
    reader = auth("exchange:read")
    url = "/api/exchange/subsystems/KR/GOV/NTS/business/services"
    declared = [s for s in build_exchange().services if s.provider == "business"]

    first = client.get(url, params={"size": 1}, headers=reader).json()
    everything = client.get(url, headers=reader).json()

    assert (first["total"], len(first["items"])) == (len(declared), 1)
    service = everything["items"][0]
    assert service["id"] == "KR/GOV/NTS/business/" + service["service_code"]
    assert (service["object_type"], service["service_version"]) == ("SERVICE", None)
    # Only what an agency of the install calls is enabled at install (`USES`).
    used = {s for uses in build_exchange().uses.values() for s in uses}
    assert {i["service_code"]: i["enabled"] for i in everything["items"]} == {
        s.code: s.id in used for s in declared
    }
    assert {"openapi", "openapi_url", "description"} <= service.keys()
    assert {s["description"] for s in everything["items"]} == {s.description for s in declared}


def test_enable_grant_list_and_revoke(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    enabled = client.post(ENABLE, headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] is True

    granted = client.post(
        "/api/exchange/rights",
        json={
            "client": "KR/GOV/MOIS/residents",
            "service": PROPERTIES,
            "method": "GET",
            "path": "/persons/*",
        },
        headers=admin,
    )
    assert granted.status_code == 201, granted.text
    right = granted.json()
    assert (
        right
        | {
            "client": "KR/GOV/MOIS/residents",
            "service": PROPERTIES,
            "method": "GET",
            "path": "/persons/*",
            "revoked_at": None,
        }
        == right
    )
    assert right["granted_by"].startswith("token:")

    listed = client.get(
        "/api/exchange/rights", params={"client": "KR/GOV/MOIS/residents"}, headers=admin
    ).json()
    assert [r["id"] for r in listed["items"]] == [right["id"]]

    revoked = client.post(f"/api/exchange/rights/{right['id']}/revoke", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    # The residents' right on the service (the single window holds its own, granted at install).
    of_properties = {"service": PROPERTIES, "client": "KR/GOV/MOIS/residents"}
    assert (
        client.get("/api/exchange/rights", params=of_properties, headers=admin).json()["total"] == 0
    )
    with_revoked = client.get(
        "/api/exchange/rights", params={**of_properties, "include_revoked": True}, headers=admin
    ).json()
    assert with_revoked["total"] == 1

    disabled = client.post(DISABLE, headers=admin)
    assert disabled.json()["enabled"] is False
    events = session.scalars(text("SELECT event_type FROM core_outbox ORDER BY id")).all()
    assert events == [
        "exchange.service_enabled",
        "exchange.access_granted",
        "exchange.access_revoked",
        "exchange.service_disabled",
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"client": "KR/GOV/family", "service": PROPERTIES}, 422, "subsystem_id_invalid"),
        ({"client": "KR/GOV/SCOURT/fa;mily", "service": PROPERTIES}, 422, "subsystem_id_invalid"),
        ({"client": "KR/GOV/MOIS/residents", "service": "KR/GOV/MOIS"}, 422, "service_id_invalid"),
        ({"client": "KR/GOV/MOIS/residents"}, 422, "validation_failed"),
        (
            {"client": "KR/GOV/MOIS/residents", "service": PROPERTIES, "method": "FETCH"},
            422,
            "method_invalid",
        ),
        ({"client": "KR/GOV/XX/nobody", "service": PROPERTIES}, 404, "subsystem_unknown"),
        (
            {"client": "KR/GOV/MOIS/residents", "service": "KR/GOV/MOIS/residents/none"},
            404,
            "service_unknown",
        ),
    ],
)
def test_a_refused_grant_writes_nothing(
    *,
    client: TestClient,
    admin: dict[str, str],
    session: Session,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    before = _counts(session)
    assert_problem(client.post("/api/exchange/rights", json=body, headers=admin), status, code)
    assert _counts(session) == before


def test_a_double_grant_is_409_and_writes_nothing(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    body = {"client": "KR/GOV/SCOURT/land", "service": PROPERTIES}
    assert client.post("/api/exchange/rights", json=body, headers=admin).status_code == 201
    before = _counts(session)

    response = client.post("/api/exchange/rights", json=body, headers=admin)

    assert assert_problem(response, 409, "access_already_granted")["right_id"] > 0
    assert _counts(session) == before


def test_revoking_unknown_or_revoked_rights(client: TestClient, admin: dict[str, str]) -> None:
    assert_problem(
        client.post("/api/exchange/rights/999999/revoke", headers=admin),
        404,
        "access_right_unknown",
    )
    body = {"client": "KR/GOV/SCOURT/land", "service": PROPERTIES}
    right = client.post("/api/exchange/rights", json=body, headers=admin).json()
    client.post(f"/api/exchange/rights/{right['id']}/revoke", headers=admin)
    response = client.post(f"/api/exchange/rights/{right['id']}/revoke", headers=admin)
    assert_problem(response, 409, "access_already_revoked")


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/exchange/members/KR/GOV/NOPE/subsystems", 404, "member_unknown"),
        ("/api/exchange/members/KR/GOV/MO:IS/subsystems", 422, "member_id_invalid"),
        ("/api/exchange/subsystems/KR/GOV/MOIS/nothing/services", 404, "subsystem_unknown"),
        ("/api/exchange/subsystems/KR/GOV/MOIS/res;idents/services", 422, "subsystem_id_invalid"),
        ("/api/exchange/rights?client=KR/GOV", 422, "subsystem_id_invalid"),
        ("/api/exchange/rights?service=KR/GOV/MOIS/residents/nothing", 404, "service_unknown"),
    ],
)
def test_bad_or_unknown_ids_in_reads(
    client: TestClient, admin: dict[str, str], url: str, status: int, code: str
) -> None:
    assert_problem(client.get(url, headers=admin), status, code)


def test_enabling_an_unknown_or_malformed_service(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    before = _counts(session)
    unknown = "/api/exchange/services/KR/GOV/MOIS/residents/nothing/enable"
    malformed = "/api/exchange/services/KR/GOV/MOIS/residents/no:thing/enable"
    assert_problem(client.post(unknown, headers=admin), 404, "service_unknown")
    assert_problem(client.post(malformed, headers=admin), 422, "service_id_invalid")
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("GET", "/api/exchange/members", "exchange:read"),
        ("GET", "/api/exchange/rights", "exchange:read"),
        ("POST", ENABLE, "exchange:admin"),
        ("POST", DISABLE, "exchange:admin"),
        ("POST", "/api/exchange/rights", "exchange:admin"),
        ("POST", "/api/exchange/rights/1/revoke", "exchange:admin"),
    ],
)
def test_tokens_and_scopes_are_required(
    *, client: TestClient, auth: Auth, session: Session, method: str, url: str, scope: str
) -> None:
    before = _counts(session)
    body = {"client": "KR/GOV/MOIS/residents", "service": PROPERTIES}
    kwargs = {"json": body} if method == "POST" else {}
    assert_problem(client.request(method, url, **kwargs), 401, "token_missing")
    problem = assert_problem(
        client.request(method, url, headers=auth("residents:read"), **kwargs), 403, "scope_missing"
    )
    assert problem["scope"] == scope
    if scope == "exchange:admin":  # reading is not enough to change anything
        response = client.request(method, url, headers=auth("exchange:read"), **kwargs)
        assert_problem(response, 403, "scope_missing")
    assert _counts(session) == before
