"""X-Road identifiers: formats, round trips and refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.core.errors import Invalid
from nara.exchange.trust import MemberId, ServiceId, SubsystemId

parts = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'()+,-.=?",
    min_size=1,
    max_size=20,
).filter(lambda p: p not in {".", ".."})


def test_the_formats() -> None:
    subsystem = SubsystemId.parse("KR/GOV/MOIS/residents")
    assert subsystem == SubsystemId("KR", "GOV", "MOIS", "residents")
    assert subsystem.member == MemberId.parse("KR/GOV/MOIS")
    assert str(subsystem.member) == "KR/GOV/MOIS"
    service = ServiceId.parse("KR/GOV/MOIS/residents/person-summaries/v1")
    assert service == subsystem.service("person-summaries", "v1")
    assert service.member == subsystem.member
    assert str(service) == "KR/GOV/MOIS/residents/person-summaries/v1"
    unversioned = ServiceId.parse("KR/GOV/MOIS/residents/person-summaries")
    assert unversioned.version is None
    assert str(unversioned) == "KR/GOV/MOIS/residents/person-summaries"
    assert str(MemberId("KR", "GOV", "1.0(x)=y?")) == "KR/GOV/1.0(x)=y?"


def test_identifiers_are_frozen_and_hashable() -> None:
    member = MemberId.parse("KR/GOV/MOIS")
    with pytest.raises(AttributeError):
        member.member_code = "MOLIT"  # type: ignore[misc]
    assert {member, MemberId("KR", "GOV", "MOIS")} == {member}


@given(st.lists(parts, min_size=5, max_size=5), st.one_of(st.none(), parts))
def test_round_trips(texts: list[str], version: str | None) -> None:
    instance, cls, code, subsystem, service = texts
    member = MemberId(instance, cls, code)
    assert MemberId.parse(str(member)) == member
    sub = member.subsystem(subsystem)
    assert SubsystemId.parse(str(sub)) == sub
    svc = sub.service(service, version)
    assert ServiceId.parse(str(svc)) == svc


@pytest.mark.parametrize(
    ("kind", "text", "code", "field"),
    [
        (MemberId, "KR/GOV", "member_id_invalid", None),
        (MemberId, "KR/GOV/MOIS/residents", "member_id_invalid", None),
        (MemberId, "KR//MOIS", "member_id_invalid", "member_class"),
        (MemberId, "KR/GOV/MO;IS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/MO:IS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/MO%IS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/MO\\IS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/MO\nIS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/MO\x00IS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/_MOIS", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/행정안전부", "member_id_invalid", "member_code"),
        (MemberId, "KR/GOV/..", "member_id_invalid", "member_code"),
        (MemberId, "./GOV/MOIS", "member_id_invalid", "instance"),
        (MemberId, "KR/GOV/" + "M" * 256, "member_id_invalid", "member_code"),
        (SubsystemId, "KR/GOV/MOIS", "subsystem_id_invalid", None),
        (SubsystemId, "KR/GOV/MOIS/", "subsystem_id_invalid", "subsystem_code"),
        (ServiceId, "KR/GOV/MOIS/residents", "service_id_invalid", None),
        (ServiceId, "KR/GOV/MOIS/residents/a/v1/x", "service_id_invalid", None),
        (ServiceId, "KR/GOV/MOIS/residents/a/", "service_id_invalid", "version"),
        (ServiceId, "KR/GOV/MO%IS/residents/a", "service_id_invalid", "member_code"),
    ],
)
def test_bad_identifiers_are_refused(
    kind: type[MemberId | SubsystemId | ServiceId], text: str, code: str, field: str | None
) -> None:
    with pytest.raises(Invalid) as caught:
        kind.parse(text)
    assert caught.value.code == code
    assert caught.value.extra.get("field") == field
    assert caught.value.message.en
    assert caught.value.message.ko != caught.value.message.en


def test_constructing_a_bad_identifier_is_refused_too() -> None:
    with pytest.raises(Invalid, match="member_id_invalid"):
        MemberId("KR", "GOV", "a/b")
    with pytest.raises(Invalid, match="service_id_invalid"):
        ServiceId(SubsystemId("KR", "GOV", "MOIS", "residents"), "x;y")
