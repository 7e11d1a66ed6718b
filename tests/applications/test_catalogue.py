"""The catalogue: the single window never asks for a document the state holds; search."""

from __future__ import annotations

from dataclasses import replace

from nara.applications.catalogue import (
    ATTACHABLE,
    HELD_BY_STATE,
    SERVICES,
    DocumentRequirement,
    Prefill,
    catalogue_problems,
    search,
)
from nara.core.errors import Message


def test_no_service_asks_for_a_document_the_state_holds() -> None:
    for service in SERVICES:
        for document in service.documents:
            assert document.kind not in HELD_BY_STATE, (service.code, document.kind)
            assert document.kind in ATTACHABLE, (service.code, document.kind)
    assert catalogue_problems() == []


def test_the_rule_catches_a_service_asking_for_a_register_extract() -> None:
    bad = replace(
        SERVICES[2],
        documents=(DocumentRequirement("vehicle_register", Message("extract", "원부")),),
    )
    assert catalogue_problems((bad,)) == [
        f"{bad.code} asks for vehicle_register, which the state already holds"
    ]


def test_the_rule_catches_a_form_filled_from_a_service_no_reader_reads() -> None:
    bad = replace(
        SERVICES[0],
        prefill=(Prefill("family/relations", "family-register", {"name_ko": "name_ko"}),),
    )
    assert catalogue_problems((bad,)) == [
        f"{bad.code} prefills from family/relations, read by none"
    ]


def test_the_catalogue_has_both_outcomes_and_prefills_declared_fields() -> None:
    assert len(SERVICES) >= 6
    assert {s.outcome for s in SERVICES} == {"auto_issue", "review"}
    by_code = {s.code: s for s in SERVICES}
    assert by_code["family-relation-certificate"].issuance_available
    pending = replace(by_code["resident-abstract"], auto_issue="not-issued-online-yet")
    assert not pending.issuance_available


def test_search_in_korean_and_english() -> None:
    assert next(s.code for s in search("가족관계")) == "family-relation-certificate"
    assert next(s.code for s in search("가족관계 증명서")) == "family-relation-certificate"
    assert "vehicle-address-change" in [s.code for s in search("Vehicle  ADDRESS")]
    assert "land-owner-address-change" in [s.code for s in search("주소변경")]
    assert [s.code for s in search("사업자등록 정정")] == ["business-registration-correction"]
    assert search("no such thing at all") == []
    assert len(search("")) == len(SERVICES)
