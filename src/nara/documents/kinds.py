"""The kinds of document this platform issues, and what each reads through the exchange.

A kind has a code (`family-relation`), Korean and English titles, the issuing authority's
name, its HTML template under `templates/`, and `fetch`, which reads the data it shows through
`nara.exchange` as the single window (`gov24`) and returns the content snapshot: plain JSON,
kept with the issuance and shown again by the verification page.

Resident registration numbers are not offered through the exchange, so certificates show
dates of birth where the paper certificate shows RRNs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nara.core.errors import Forbidden, Invalid, Message, NotFound, invalid
from nara.core.identifiers import Brn
from nara.exchange import CallContext, Exchange

ContextFor = Callable[[str], CallContext]
"""Gives the exchange call context for a purpose code (client `gov24`, the requester...)."""

SEX_TEXT = {"M": "남 M", "F": "여 F"}
STATUS_TEXT = {
    "alive": "생존 Alive",
    "deceased": "사망 Deceased",
    "emigrated": "국외이주 Emigrated",
}
KIND_TEXT = {
    "birth": "",
    "adoption": "입양 Adoption",
    "full_adoption": "친양자 입양 Full adoption",
}


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title_ko: str
    title_en: str
    issuer: str
    template: str
    fetch: Callable[[Exchange, ContextFor, int, dt.date, str | None], dict[str, Any]]
    """Reads the content: (exchange, context, person id, as-of date, subject). The subject
    names the register entry when it is not the person (a parcel's PNU)."""
    uses: tuple[tuple[str, str], ...]
    """The exchange services (and purposes) `fetch` calls."""
    attest_ko: str = "위 기록 사항은 가족관계등록부의 기록 사항과 틀림없음을 증명합니다."
    attest_en: str = "We certify that the above agrees with the family relations register."


def _summaries(exchange: Exchange, ctx: CallContext, ids: list[int]) -> dict[int, dict[str, Any]]:
    answer = exchange.call("residents/person-summaries", ctx, person_ids=ids)
    return {int(key): value for key, value in answer.items()}


def _person(summary: dict[str, Any] | None, person_id: int) -> dict[str, Any]:
    if summary is None:
        return {
            "person_id": person_id,
            "name_ko": "(미확인)",
            "name_en": "(unknown)",
            "birth_date": "",
            "sex_text": "",
            "status_text": "",
        }
    return {
        "person_id": person_id,
        "name_ko": summary.get("name_ko", ""),
        "name_en": summary.get("name_en", ""),
        "birth_date": summary.get("birth_date", ""),
        "sex_text": SEX_TEXT.get(summary.get("sex", ""), ""),
        "status_text": STATUS_TEXT.get(summary.get("status", ""), summary.get("status", "")),
    }


def family_relation(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The family relation certificate (가족관계증명서): the person, parents, spouse, children."""
    relations = exchange.call(
        "family/relations", context("family-register"), person_id=person_id, on=as_of.isoformat()
    )
    parents = relations.get("parents") or []
    spouse = relations.get("spouse")
    children = relations.get("children") or []
    ids = [person_id] + [int(p["person_id"]) for p in parents]
    ids += [int(spouse["person_id"])] if spouse else []
    ids += [int(c["person_id"]) for c in children]
    summaries = _summaries(exchange, context("register-check"), list(dict.fromkeys(ids)))
    if person_id not in summaries:
        raise NotFound(
            "person_unknown",
            Message(
                f"The resident register has no person {person_id}.",
                f"주민등록에 {person_id}번 사람이 없습니다.",
            ),
        )

    def row(link: dict[str, Any], relation_ko: str, relation_en: str, note: str) -> dict[str, Any]:
        pid = int(link["person_id"])
        return {
            **_person(summaries.get(pid), pid),
            "relation_ko": relation_ko,
            "relation_en": relation_en,
            "note": note,
        }

    parent_rows = [
        row(
            p,
            "부" if p["role"] == "father" else "모",
            "Father" if p["role"] == "father" else "Mother",
            KIND_TEXT.get(p.get("kind", "birth"), ""),
        )
        for p in sorted(parents, key=lambda p: 0 if p["role"] == "father" else 1)
    ]
    spouse_rows = (
        [row(spouse, "배우자", "Spouse", f"혼인 Married {spouse['married_on']}")] if spouse else []
    )
    child_rows = [
        row(c, "자녀", "Child", KIND_TEXT.get(c.get("kind", "birth"), ""))
        for c in sorted(
            children, key=lambda c: summaries.get(int(c["person_id"]), {}).get("birth_date", "")
        )
    ]
    return {
        "as_of": as_of.isoformat(),
        "person": _person(summaries[person_id], person_id),
        "parents": parent_rows,
        "spouse": spouse_rows,
        "children": child_rows,
    }


def _person_known(summaries: dict[int, dict[str, Any]], person_id: int) -> dict[str, Any]:
    if person_id not in summaries:
        raise NotFound(
            "person_unknown",
            Message(
                f"The resident register has no person {person_id}.",
                f"주민등록에 {person_id}번 사람이 없습니다.",
            ),
        )
    return _person(summaries[person_id], person_id)


MARITAL_TEXT = {
    "never_married": "미혼 Never married",
    "married": "혼인 중 Married",
    "divorced": "이혼 Divorced",
    "widowed": "사별 Widowed",
    "annulled": "혼인취소 Annulled",
}
ADOPTION_EVENT = {
    "adoption": ("입양", "Adoption"),
    "full_adoption": ("친양자 입양", "Full adoption"),
}
END_TEXT = {
    "divorce": "이혼 Divorce",
    "death": "사별 Death of a spouse",
    "annulment": "혼인취소 Annulment",
}
RELATION_TEXT = {
    "head": ("본인(세대주)", "Head of household"),
    "spouse": ("배우자", "Spouse"),
    "child": ("자녀", "Child"),
    "parent": ("부모", "Parent"),
    "parent_in_law": ("배우자의 부모", "Parent-in-law"),
    "child_in_law": ("자녀의 배우자", "Child-in-law"),
    "grandchild": ("손자녀", "Grandchild"),
    "grandparent": ("조부모", "Grandparent"),
    "sibling": ("형제자매", "Sibling"),
    "cohabitant": ("동거인", "Cohabitant"),
    "other": ("기타", "Other"),
}


def basic(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The basic certificate (기본증명서): the person's own registration facts and events."""
    relations = exchange.call(
        "family/relations",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    marriages = exchange.call(
        "family/marriages-of-person",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    adoptive = [p for p in relations.get("parents") or [] if p.get("kind", "birth") != "birth"]
    ids = [person_id] + [int(p["person_id"]) for p in adoptive]
    summaries = _summaries(exchange, context("register-check"), list(dict.fromkeys(ids)))
    person = _person_known(summaries, person_id)
    events: list[dict[str, Any]] = [
        {"on": person["birth_date"], "event_ko": "출생", "event_en": "Birth", "detail": ""}
    ]
    for link in sorted(adoptive, key=lambda p: p.get("since", "")):
        parent = _person(summaries.get(int(link["person_id"])), int(link["person_id"]))
        role = "양부 Adoptive father" if link["role"] == "father" else "양모 Adoptive mother"
        event_ko, event_en = ADOPTION_EVENT.get(link["kind"], ADOPTION_EVENT["adoption"])
        events.append(
            {
                "on": link.get("since", ""),
                "event_ko": event_ko,
                "event_en": event_en,
                "detail": f"{role}: {parent['name_ko']} ({parent['name_en']})",
            }
        )
    summary = summaries[person_id]
    if summary.get("status") in {"deceased", "emigrated"}:
        ko, en = STATUS_TEXT[summary["status"]].split(" ", 1)
        events.append({"on": "", "event_ko": ko, "event_en": en, "detail": ""})
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(marriages.get("marital_status", ""), ""),
        "events": events,
    }


def marriage(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The marriage relation certificate (혼인관계증명서): current and past marriages."""
    found = exchange.call(
        "family/marriages-of-person",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    marriages = found.get("marriages") or []
    ids = [person_id] + [int(m["spouse_id"]) for m in marriages]
    summaries = _summaries(exchange, context("register-check"), list(dict.fromkeys(ids)))
    person = _person_known(summaries, person_id)
    rows = [
        {
            **_person(summaries.get(int(m["spouse_id"])), int(m["spouse_id"])),
            "married_on": m["married_on"],
            "ended_on": m.get("ended_on") or "",
            "end_text": END_TEXT.get(m.get("end_cause") or "", "") if m.get("ended_on") else "",
            "current": not m.get("ended_on"),
        }
        for m in marriages
    ]
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(found.get("marital_status", ""), ""),
        "current": [row for row in rows if row["current"]],
        "past": [row for row in rows if not row["current"]],
    }


def resident_abstract(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The abstract of the resident register (주민등록표 초본): the person's addresses."""
    history = exchange.call(
        "residents/address-history",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    summaries = _summaries(exchange, context("register-check"), [person_id])
    person = _person_known(summaries, person_id)
    residences = (history or {}).get("residences") or []
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "residences": [
            {
                "address_ko": r["address_ko"],
                "address_en": r["address_en"],
                "moved_in": r["moved_in"],
                "moved_out": r.get("moved_out") or "",
                "reported_on": r.get("reported_on") or "",
            }
            for r in residences
        ],
    }


def resident_copy(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The copy of the resident register (주민등록표 등본): the household, its address and
    members with their relation to the head."""
    household = exchange.call(
        "residents/household-members",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    history = exchange.call(
        "residents/address-history",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    summaries = _summaries(exchange, context("register-check"), [person_id])
    person = _person_known(summaries, person_id)
    residences = (history or {}).get("residences") or []
    current = [r for r in residences if not r.get("moved_out")]
    members = []
    for member in (household or {}).get("members") or []:
        ko, en = RELATION_TEXT.get(member["relation"], (member["relation"], member["relation"]))
        members.append(
            {
                "person_id": member["person_id"],
                "name_ko": member["name_ko"],
                "name_en": member["name_en"],
                "birth_date": member["birth_date"],
                "relation_ko": ko,
                "relation_en": en,
                "joined_on": member["joined_on"],
            }
        )
    head = next((m for m in members if m["relation_en"] == "Head of household"), None)
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "address_ko": current[-1]["address_ko"] if current else "",
        "address_en": current[-1]["address_en"] if current else "",
        "head_name_ko": head["name_ko"] if head else "",
        "head_name_en": head["name_en"] if head else "",
        "members": members,
    }


RIGHT_TEXT = {
    "mortgage": "근저당권 Mortgage",
    "jeonse": "전세권 Jeonse",
    "easement": "지역권 Easement",
    "lease": "임차권 Lease",
}
CAUSE_TEXT = {
    "preservation": "소유권보존 Preservation",
    "sale": "매매 Sale",
    "inheritance": "상속 Inheritance",
    "gift": "증여 Gift",
    "auction": "경매 Auction",
}


def land_register(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The certified copy of a parcel's land register (등기사항전부증명서): title, section A
    (owners with shares and history) and section B (rights). `subject` is the PNU."""
    if not subject:
        raise invalid(
            "document_subject_missing",
            "A land register copy names its parcel: give the PNU as the subject.",
            "등기사항증명서는 필지를 지정해야 합니다: subject에 고유번호(PNU)를 주십시오.",
            field_name="subject",
        )
    register = exchange.call(
        "land/register-of-parcel",
        context("certificate-issuance"),
        pnu=subject,
        as_of=as_of.isoformat(),
    )
    if not register:
        raise NotFound(
            "parcel_unknown",
            Message(
                f"No parcel {subject} is on the register.",
                f"필지 {subject}은(는) 등기되어 있지 않습니다.",
            ),
        )
    title = register["title"]
    return {
        "as_of": as_of.isoformat(),
        "pnu": register["pnu"],
        "title": {
            "land_category": title["land_category"],
            "land_category_en": title.get("land_category_en", ""),
            "area_m2": title["area_m2"],
            "registered_on": title["registered_on"],
            "buildings": [b["name"] for b in title.get("buildings") or []],
        },
        "section_a": [
            {
                "rank_no": e["rank_no"],
                "cause_text": CAUSE_TEXT.get(e["cause"], e["cause"]),
                "cause_on": e["cause_on"],
                "registered_on": e["registered_on"],
                "receipt_no": e["receipt_no"],
                "owner_name": e["owner_name"],
                "share": e["share"],
                "ended_on": e.get("ended_on") or "",
            }
            for e in register.get("section_a") or []
        ],
        "section_b": [
            {
                "rank_no": r["rank_no"],
                "kind_text": RIGHT_TEXT.get(r["kind"], r["kind"]),
                "holder_name": r["holder_name"],
                "amount_won": f"{int(r['amount_won']):,}",
                "registered_on": r["registered_on"],
                "receipt_no": r["receipt_no"],
                "cancelled_on": r.get("cancelled_on") or "",
            }
            for r in register.get("section_b") or []
        ],
    }


VEHICLE_TYPE_TEXT = {
    "passenger": "승용 Passenger car",
    "van": "승합 Van",
    "truck": "화물 Truck",
    "special": "특수 Special",
}
FUEL_TEXT = {
    "gasoline": "휘발유 Gasoline",
    "diesel": "경유 Diesel",
    "lpg": "LPG",
    "hybrid": "하이브리드 Hybrid",
    "electric": "전기 Electric",
    "hydrogen": "수소 Hydrogen",
}
VEHICLE_STATUS_TEXT = {
    "registered": "등록 Registered",
    "deregistered": "말소 Deregistered",
}
ACQUISITION_TEXT = {
    "new": "신규등록 New registration",
    "transfer": "이전등록 Transfer",
    "inheritance": "상속 Inheritance",
    "auction": "경매 Auction",
}


def _subject_missing(what_en: str, what_ko: str) -> Invalid:
    return invalid(
        "document_subject_missing",
        f"This certificate names its register entry: give {what_en} as the subject.",
        f"이 증명서는 대상을 지정해야 합니다: subject에 {what_ko}을(를) 주십시오.",
        field_name="subject",
    )


def vehicle_register(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The copy of a vehicle's register (자동차등록원부 등본): the vehicle and its owners,
    issued to a current owner. `subject` is the plate."""
    if not subject:
        raise _subject_missing("the plate", "자동차 등록번호")
    register = exchange.call(
        "vehicles/register-of-vehicle",
        context("certificate-issuance"),
        plate=subject,
        as_of=as_of.isoformat(),
    )
    if not register:
        raise NotFound(
            "vehicle_unknown",
            Message(
                f"No vehicle carries the plate {subject}.",
                f"등록번호 {subject}인 자동차가 없습니다.",
            ),
        )
    owners = register.get("owners") or []
    if not any(
        o.get("current") and o.get("owner_kind") == "person" and o.get("owner_id") == person_id
        for o in owners
    ):
        raise Forbidden(
            "vehicle_not_owned",
            Message(
                f"The vehicle register of {register['plate']} is issued only to a current "
                "owner of the vehicle.",
                f"자동차등록원부({register['plate']})는 현재 소유자에게만 발급합니다.",
            ),
        )
    return {
        "as_of": as_of.isoformat(),
        "plate": register["plate"],
        "vin": register["vin"],
        "make": register["make"],
        "model": register["model"],
        "model_year": register["model_year"],
        "vehicle_type_text": VEHICLE_TYPE_TEXT.get(
            register["vehicle_type"], register["vehicle_type"]
        ),
        "fuel_text": FUEL_TEXT.get(register.get("fuel") or "", register.get("fuel") or ""),
        "first_registered_on": register["first_registered_on"],
        "status_text": VEHICLE_STATUS_TEXT.get(register["status"], register["status"]),
        "deregistered_on": register.get("deregistered_on") or "",
        "owners": [
            {
                "owner_name": o["owner_name"],
                "owner_kind_text": "개인 Person"
                if o["owner_kind"] == "person"
                else "법인 Business",
                "cause_text": ACQUISITION_TEXT.get(o["cause"], o["cause"]),
                "acquired_on": o["acquired_on"],
                "released_on": o.get("released_on") or "",
                "current": bool(o.get("current")),
            }
            for o in owners
        ],
    }


BUSINESS_KIND_TEXT = {"individual": "개인 Individual", "corporation": "법인 Corporation"}
BUSINESS_STATUS_TEXT = {
    "active": "계속사업자 Active",
    "suspended": "휴업자 Suspended",
    "closed": "폐업자 Closed",
}


def business_registration(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The business registration certificate (사업자등록증명): the business registered under
    a BRN, issued to its representative. `subject` is the BRN."""
    if not subject:
        raise _subject_missing("the business registration number", "사업자등록번호")
    registration = exchange.call(
        "business/registration-certificate", context("certificate-issuance"), brn=subject
    )
    if not registration:
        raise NotFound(
            "business_unknown",
            Message(
                f"No business is registered under {subject}.",
                f"{subject}(으)로 등록된 사업자가 없습니다.",
            ),
        )
    if registration.get("representative_person_id") != person_id:
        raise Forbidden(
            "business_not_represented",
            Message(
                "A business registration certificate is issued only to the business's "
                "representative.",
                "사업자등록증명은 해당 사업자의 대표자에게만 발급합니다.",
            ),
        )
    return {
        "as_of": as_of.isoformat(),
        "brn": Brn(registration["brn"]).formatted,
        "name": registration["name"],
        "kind_text": BUSINESS_KIND_TEXT.get(registration["kind"], registration["kind"]),
        "representative_name": registration["representative_name"],
        "industry_code": registration["industry_code"],
        "opened_on": registration["opened_on"],
        "closed_on": registration.get("closed_on") or "",
        "status_text": BUSINESS_STATUS_TEXT.get(registration["status"], registration["status"]),
        "address_ko": registration.get("address_ko") or "",
        "address_en": registration.get("address_en") or "",
    }


FAMILY_ISSUER = "법원행정처장 Minister of National Court Administration"
RESIDENT_ISSUER = "행정안전부장관 Minister of the Interior and Safety"
RESIDENT_ATTEST_KO = "이 등·초본은 주민등록표의 원본 내용과 틀림없음을 증명합니다."
RESIDENT_ATTEST_EN = "We certify that the above agrees with the resident register."

KINDS: dict[str, DocumentKind] = {
    kind.code: kind
    for kind in (
        DocumentKind(
            code="family-relation",
            title_ko="가족관계증명서",
            title_en="Certificate of Family Relations",
            issuer=FAMILY_ISSUER,
            template="family-relation.html",
            fetch=family_relation,
            uses=(
                ("family/relations", "family-register"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="basic",
            title_ko="기본증명서",
            title_en="Basic Certificate",
            issuer=FAMILY_ISSUER,
            template="basic.html",
            fetch=basic,
            uses=(
                ("family/relations", "certificate-issuance"),
                ("family/marriages-of-person", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="marriage",
            title_ko="혼인관계증명서",
            title_en="Certificate of Marriage Relations",
            issuer=FAMILY_ISSUER,
            template="marriage.html",
            fetch=marriage,
            uses=(
                ("family/marriages-of-person", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
        DocumentKind(
            code="resident-abstract",
            title_ko="주민등록표 초본",
            title_en="Abstract of Resident Registration",
            issuer=RESIDENT_ISSUER,
            template="resident-abstract.html",
            fetch=resident_abstract,
            uses=(
                ("residents/address-history", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
            attest_ko=RESIDENT_ATTEST_KO,
            attest_en=RESIDENT_ATTEST_EN,
        ),
        DocumentKind(
            code="resident-copy",
            title_ko="주민등록표 등본",
            title_en="Copy of Resident Registration",
            issuer=RESIDENT_ISSUER,
            template="resident-copy.html",
            fetch=resident_copy,
            uses=(
                ("residents/household-members", "certificate-issuance"),
                ("residents/address-history", "certificate-issuance"),
                ("residents/person-summaries", "register-check"),
            ),
            attest_ko=RESIDENT_ATTEST_KO,
            attest_en=RESIDENT_ATTEST_EN,
        ),
        DocumentKind(
            code="land-register",
            title_ko="등기사항전부증명서 (토지)",
            title_en="Certified Copy of the Land Register",
            issuer="등기관 Registrar, Court Registry Office",
            template="land-register.html",
            fetch=land_register,
            uses=(("land/register-of-parcel", "certificate-issuance"),),
            attest_ko="이 증명서는 등기기록의 내용과 틀림없음을 증명합니다.",
            attest_en="We certify that the above agrees with the land register.",
        ),
        DocumentKind(
            code="vehicle-register",
            title_ko="자동차등록원부 등본",
            title_en="Copy of the Vehicle Register",
            issuer="국토교통부장관 Minister of Land, Infrastructure and Transport",
            template="vehicle-register.html",
            fetch=vehicle_register,
            uses=(("vehicles/register-of-vehicle", "certificate-issuance"),),
            attest_ko="이 등본은 자동차등록원부의 기록 사항과 틀림없음을 증명합니다.",
            attest_en="We certify that the above agrees with the vehicle register.",
        ),
        DocumentKind(
            code="business-registration",
            title_ko="사업자등록증명",
            title_en="Certificate of Business Registration",
            issuer="국세청장 Commissioner of the National Tax Service",
            template="business-registration.html",
            fetch=business_registration,
            uses=(("business/registration-certificate", "certificate-issuance"),),
            attest_ko="위의 사업자등록 사항이 사실과 다름없음을 증명합니다.",
            attest_en="We certify that the above agrees with the business register.",
        ),
    )
}
"""Every kind this platform issues, by code."""


def kind_of(code: str) -> DocumentKind:
    """The kind `code`, or 404 `document_kind_unknown`."""
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(
            "document_kind_unknown",
            Message(
                f"No document of kind {code!r} is issued here.",
                f"{code!r} 종류의 증명서는 발급하지 않습니다.",
            ),
        )
    return kind
