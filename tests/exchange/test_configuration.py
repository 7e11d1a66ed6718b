"""Importing another node's published configuration: of this instance (its CA trusted once, by
fingerprint, and its members' certificates kept) and of another instance (federation: its
directory entries only). A document that fails any check changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Invalid
from nara.exchange import metaservices
from nara.exchange.configuration import import_configuration, publish
from nara.exchange.directory_admin.platform import PublishedEntries
from nara.exchange.trust import Keystore, MemberId, SubsystemId, fingerprint

MASTER = bytes(range(32))


def _document(keys: Path, instance: str, clock: FixedClock) -> tuple[dict[str, Any], str]:
    """A node of `instance` holding its CA and the signing key of member `<instance>/GOV/ACME`,
    serving `<instance>/GOV/ACME/shop/orders`; its signed document and its CA's fingerprint."""
    keystore = Keystore(keys, MASTER, clock=clock)
    keystore.create_ca(name=f"{instance} CA")
    member = MemberId(instance, "GOV", "ACME")
    keystore.ensure_signer(member)
    entries = PublishedEntries(
        subsystems=(f"{member}/shop",),
        services=(
            {
                "id": f"{member}/shop/orders",
                "description": "Orders",
                "enabled": True,
                "openapi": '{"openapi": "3.0.3"}',
            },
        ),
    )
    document = publish(
        keystore,
        instance=instance,
        node="node-acme",
        now=clock.now(),
        members=[(member, "Acme", "애크미")],
        entries=entries,
    )
    return document, fingerprint(keystore.ca_certificate)


def _importer(tmp_path: Path, clock: FixedClock) -> Keystore:
    return Keystore(tmp_path / "importer", MASTER, clock=clock, may_create_ca=False)


def _services(session: Session, instance: str) -> list[str] | None:
    found = metaservices.services_of(session, SubsystemId(instance, "GOV", "ACME", "shop"))
    return None if found is None else [s.code for s in found]


@pytest.fixture
def now_clock() -> FixedClock:
    # Certificates are checked against the time they were made.
    return FixedClock(dt.datetime.now(dt.UTC))


def test_a_node_of_this_instance_brings_its_ca_certificates_and_services(
    session: Session, tmp_path: Path, now_clock: FixedClock
) -> None:
    document, ca = _document(tmp_path / "node", "KR", now_clock)
    importer = _importer(tmp_path, now_clock)

    report = import_configuration(session, now_clock, importer, document, ca_fingerprint=ca)

    assert report.ca_fingerprint == ca
    assert fingerprint(importer.ca_certificate) == ca
    assert report.certificates == 1
    assert len(importer.certificates(MemberId("KR", "GOV", "ACME"))) == 1
    assert _services(session, "KR") == ["orders"]


def test_another_instance_brings_its_directory_entries_and_no_trust(
    session: Session, tmp_path: Path, now_clock: FixedClock
) -> None:
    document, ca = _document(tmp_path / "node", "EE", now_clock)
    importer = _importer(tmp_path, now_clock)

    report = import_configuration(session, now_clock, importer, document, ca_fingerprint=ca)

    assert (report.members, report.subsystems, report.services) == (1, 1, 1)
    assert report.certificates == 0
    assert not importer.ca_certificate_path.exists()
    assert _services(session, "EE") == ["orders"]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda d, ca: (d, "00" * 32), id="another-ca-fingerprint"),
        pytest.param(
            lambda d, ca: ({**d, "services": [{**d["services"][0], "enabled": False}]}, ca),
            id="altered-after-signing",
        ),
        pytest.param(lambda d, ca: ({**d, "format": "other/1"}, ca), id="not-a-configuration"),
        pytest.param(
            lambda d, ca: ({k: v for k, v in d.items() if k != "signature"}, ca), id="unsigned"
        ),
    ],
)
def test_a_document_that_fails_a_check_changes_nothing(
    session: Session, tmp_path: Path, now_clock: FixedClock, spoil: Any
) -> None:
    document, ca = _document(tmp_path / "node", "EE", now_clock)
    importer = _importer(tmp_path, now_clock)
    spoiled, given = spoil(document, ca)

    with pytest.raises(Invalid) as refused:
        import_configuration(session, now_clock, importer, spoiled, ca_fingerprint=given)

    assert refused.value.code == "configuration_invalid"
    assert _services(session, "EE") is None
    assert not importer.ca_certificate_path.exists()
