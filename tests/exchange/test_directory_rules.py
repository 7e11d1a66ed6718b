"""The exchange directory: the start-up sync, enabling services, access rights and the gate."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nara.app import AGENCIES, Platform, build_exchange, create_app
from nara.core.clock import FixedClock
from nara.core.errors import Conflict, Forbidden, Invalid, NotFound
from nara.core.settings import Settings
from nara.exchange import Service
from nara.exchange.directory_admin import (
    AGENCY_MEMBERS,
    check_access,
    grant_access,
    register_platform,
    revoke_access,
    set_service_enabled,
)
from nara.exchange.directory_admin.models import ExchangeService
from nara.exchange.directory_admin.platform import service_id_of
from nara.exchange.messages import Reply
from nara.exchange.trust.identifiers import ServiceId, SubsystemId
from tests.support import api_routes, count_rows, empty_directory

RESIDENTS = ServiceId.parse("KR/GOV/MOIS/residents/person-summaries")
FAMILY = SubsystemId.parse("KR/GOV/SCOURT/family")
LAND = SubsystemId.parse("KR/GOV/SCOURT/land")
ACTOR = "token:admin"
TABLES = (
    "exchange_member",
    "exchange_subsystem",
    "exchange_service",
    "exchange_access_right",
    "exchange_change",
    "core_outbox",
)


@pytest.fixture(autouse=True)
def _empty_directory(session: Session) -> None:
    """These tests watch the sync write the directory, starting from none."""
    empty_directory(session)


def _counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


def _sync(session: Session, clock: FixedClock) -> Any:
    return register_platform(session, clock, build_exchange().services, agencies=AGENCIES)


@pytest.fixture
def directory(session: Session, clock: FixedClock) -> Session:
    _sync(session, clock)
    return session


def _events(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT event_type FROM core_outbox ORDER BY id")))


def test_the_sync_registers_every_declared_service_disabled(
    session: Session, clock: FixedClock
) -> None:
    declared = build_exchange().services
    changes_before = count_rows(session, "exchange_change")
    report = _sync(session, clock)

    assert report.members == len({AGENCY_MEMBERS[a].id for a in AGENCIES}) == 7
    assert report.subsystems == len(AGENCIES)
    assert sorted(report.services) == sorted(str(service_id_of(s)) for s in declared)
    rows = session.scalars(select(ExchangeService)).all()
    assert len(rows) == len(declared)
    assert not any(row.enabled for row in rows)
    assert "KR/GOV/MOIS/residents/person-summaries" in {row.xroad_id for row in rows}
    assert "KR/GOV/SCOURT/family/relations" in {row.xroad_id for row in rows}
    members = set(session.scalars(text("SELECT xroad_id FROM exchange_member")))
    assert members == {
        "KR/GOV/MOIS", "KR/GOV/SCOURT", "KR/GOV/MOLIT", "KR/GOV/NTS", "KR/GOV/MOHW", "KR/GOV/MOFA",
        "KR/GOV/FSS",
    }  # fmt: skip
    added = count_rows(session, "exchange_change") - changes_before
    assert added == 7 + len(AGENCIES) + len(declared)
    assert count_rows(session, "core_outbox") == 0  # a deployment's own services are not news


def test_the_sync_is_idempotent_and_keeps_state_and_rights(
    directory: Session, clock: FixedClock
) -> None:
    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)
    before = _counts(directory)

    report = _sync(directory, clock)

    assert (report.members, report.subsystems, report.services) == (0, 0, ())
    assert _counts(directory) == before
    check_access(directory, client=FAMILY, service=RESIDENTS, method="POST", path="/")


def test_a_newly_declared_service_starts_disabled(directory: Session, clock: FixedClock) -> None:
    new = Service.rest_service(
        "land/parcels",
        lambda ctx, request: Reply(body=b"[]"),
        description="Parcels of the land register.",
    )

    report = register_platform(directory, clock, [new])

    assert report.services == ("KR/GOV/SCOURT/land/parcels",)
    row = directory.scalars(
        select(ExchangeService).where(ExchangeService.service_code == "parcels")
    ).one()
    assert (row.enabled, row.version, row.description) == (
        False,
        "",
        "Parcels of the land register.",
    )


def test_an_agency_without_a_member_is_a_programming_error(
    session: Session, clock: FixedClock
) -> None:
    stray = Service.rest_service(
        "weather/forecast", lambda ctx, request: Reply(), description="Tomorrow's weather."
    )
    with pytest.raises(ValueError, match="weather"):
        register_platform(session, clock, [stray])


def test_enabling_and_disabling_a_service_is_logged_once(
    directory: Session, clock: FixedClock
) -> None:
    row = set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    assert row.enabled
    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=False)

    assert _events(directory) == ["exchange.service_enabled", "exchange.service_disabled"]
    assert not row.enabled


def test_enabling_an_unknown_service_is_404(directory: Session, clock: FixedClock) -> None:
    unknown = ServiceId.parse("KR/GOV/MOIS/residents/nothing")
    with pytest.raises(NotFound) as caught:
        set_service_enabled(directory, clock=clock, actor=ACTOR, service=unknown, enabled=True)
    assert caught.value.code == "service_unknown"


def test_grant_check_and_revoke(directory: Session, clock: FixedClock) -> None:
    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    right = grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)

    assert (right.granted_by, right.granted_at, right.revoked_at) == (ACTOR, clock.now(), None)
    assert (
        check_access(directory, client=FAMILY, service=RESIDENTS, method="POST", path="/persons")
        is right
    )
    # Without a version, the only version there is.
    unversioned = ServiceId(RESIDENTS.subsystem, RESIDENTS.service_code)
    check_access(directory, client=FAMILY, service=unversioned, method="GET", path="/")

    revoke_access(directory, clock=clock, actor=ACTOR, right_id=right.id)

    assert right.revoked_at == clock.now()
    with pytest.raises(Forbidden) as caught:
        check_access(directory, client=FAMILY, service=RESIDENTS, method="POST", path="/persons")
    assert caught.value.code == "access_denied"
    assert _events(directory)[-2:] == ["exchange.access_granted", "exchange.access_revoked"]
    change = directory.execute(
        text("SELECT entity, action, actor FROM exchange_change ORDER BY id DESC LIMIT 1")
    ).one()
    assert tuple(change) == ("access_right", "access_revoked", ACTOR)


def test_granting_twice_is_409_and_writes_nothing(directory: Session, clock: FixedClock) -> None:
    grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)
    before = _counts(directory)
    with pytest.raises(Conflict) as caught:
        grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)
    assert caught.value.code == "access_already_granted"
    assert _counts(directory) == before
    # A right on one endpoint is a different right.
    grant_access(
        directory,
        clock=clock,
        actor=ACTOR,
        client=FAMILY,
        service=RESIDENTS,
        method="get",
        path="/persons/*",
    )


@pytest.mark.parametrize(
    ("client", "service", "code"),
    [
        ("KR/GOV/XX/nobody", str(RESIDENTS), "subsystem_unknown"),
        (str(FAMILY), "KR/GOV/MOIS/residents/nothing", "service_unknown"),
        (str(FAMILY), "KR/GOV/MOIS/residents/person-summaries/v9", "service_unknown"),
    ],
)
def test_granting_on_unknown_ids_is_404(
    directory: Session,
    clock: FixedClock,
    client: str,
    service: str,
    code: str,
) -> None:
    with pytest.raises(NotFound) as caught:
        grant_access(
            directory,
            clock=clock,
            actor=ACTOR,
            client=SubsystemId.parse(client),
            service=ServiceId.parse(service),
        )
    assert caught.value.code == code
    assert count_rows(directory, "exchange_access_right") == 0


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [("FETCH", None, "method_invalid"), (None, "persons", "path_invalid")],
)
def test_a_malformed_endpoint_is_422(
    directory: Session, clock: FixedClock, method: str | None, path: str | None, code: str
) -> None:
    with pytest.raises(Invalid) as caught:
        grant_access(
            directory,
            clock=clock,
            actor=ACTOR,
            client=FAMILY,
            service=RESIDENTS,
            method=method,
            path=path,
        )
    assert caught.value.code == code


def test_revoking_twice_or_an_unknown_right(directory: Session, clock: FixedClock) -> None:
    right = grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)
    revoke_access(directory, clock=clock, actor=ACTOR, right_id=right.id)
    with pytest.raises(Conflict) as conflict:
        revoke_access(directory, clock=clock, actor=ACTOR, right_id=right.id)
    assert conflict.value.code == "access_already_revoked"
    with pytest.raises(NotFound) as missing:
        revoke_access(directory, clock=clock, actor=ACTOR, right_id=right.id + 1000)
    assert missing.value.code == "access_right_unknown"


def _refusal(session: Session, client: SubsystemId, service: ServiceId, path: str = "/") -> str:
    with pytest.raises(Forbidden) as caught:
        check_access(session, client=client, service=service, method="GET", path=path)
    assert caught.value.status == 403
    return caught.value.code


def test_check_access_refusals_each_have_their_code(directory: Session, clock: FixedClock) -> None:
    # Registered but disabled: refused even with a right.
    grant_access(directory, clock=clock, actor=ACTOR, client=FAMILY, service=RESIDENTS)
    assert _refusal(directory, FAMILY, RESIDENTS) == "service_disabled"

    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    # A client without a right, and a client that is not registered at all.
    assert _refusal(directory, LAND, RESIDENTS) == "access_denied"
    assert _refusal(directory, SubsystemId.parse("KR/COM/ACME/crm"), RESIDENTS) == "access_denied"
    # No such service.
    unknown = ServiceId.parse("KR/GOV/MOIS/residents/tax-records")
    assert _refusal(directory, FAMILY, unknown) == "service_unknown"


def test_check_access_honours_the_endpoint_of_a_right(
    directory: Session, clock: FixedClock
) -> None:
    set_service_enabled(directory, clock=clock, actor=ACTOR, service=RESIDENTS, enabled=True)
    grant_access(
        directory,
        clock=clock,
        actor=ACTOR,
        client=LAND,
        service=RESIDENTS,
        method="GET",
        path="/persons/*",
    )

    check_access(directory, client=LAND, service=RESIDENTS, method="get", path="/persons/7")
    assert _refusal(directory, LAND, RESIDENTS, "/households/7") == "access_denied"
    with pytest.raises(Forbidden, match="access_denied"):
        check_access(directory, client=LAND, service=RESIDENTS, method="POST", path="/persons/7")


def test_the_change_log_is_append_only(directory: Session) -> None:
    for statement in ("UPDATE exchange_change SET actor = 'x'", "DELETE FROM exchange_change"):
        with pytest.raises(DBAPIError, match="append-only"), directory.begin_nested():
            directory.execute(text(statement))


def test_the_app_starts_on_a_database_not_yet_migrated(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'empty.db'}",
        pii_key=base64.b64encode(bytes(32)).decode(),
        exchange_keys_dir=tmp_path / "keys",
    )
    platform = Platform.from_settings(settings)
    try:
        app = create_app(platform)
        with platform.engine.connect() as connection:
            assert not inspect(connection).has_table("exchange_service")
        assert any(
            getattr(r, "path", "") == "/api/exchange/members" for r in api_routes(app.routes)
        )
    finally:
        platform.engine.dispose()
