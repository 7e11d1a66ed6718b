"""The catalogue of civil services (민원) the single window offers, declared in code.

Each service names the agency whose officials decide it (its queue), its form (steps of typed
fields with their rules), the fields filled from the registries through the exchange
(`prefill`), the documents the applicant attaches, its fee and how it ends: `auto_issue`
(a certificate issued at once through `nara.documents`, no official) or `review` (an official
of the agency decides).

The rule of the single window: **a service never asks for a document the state already
holds.** The registries' own documents are listed in `HELD_BY_STATE`; an applicant attaches
only what the state cannot know (`ATTACHABLE`). `catalogue_problems()` reports any service
that breaks the rule (a test walks the catalogue with it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from nara.applications.registers import READERS
from nara.core.errors import Message, NotFound

FieldType = Literal["text", "textarea", "date", "choice", "number", "phone", "postcode", "brn"]
Outcome = Literal["auto_issue", "review"]

HELD_BY_STATE: frozenset[str] = frozenset(
    {
        "resident_registration",
        "family_relation",
        "land_register",
        "vehicle_register",
        "business_registration",
    }
)
"""Documents the registries hold: the state reads them through the exchange, never asks."""

ATTACHABLE: dict[str, Message] = {
    "photo": Message("Photograph", "사진"),
    "signed_statement": Message("Signed statement", "서명한 진술서"),
    "foreign_document": Message(
        "Document issued by a foreign authority", "외국 기관이 발행한 서류"
    ),
}
"""The kinds of attachment an applicant may be asked for: things the state does not hold."""


@dataclass(frozen=True)
class Field:
    """One input of a form, with its rules."""

    name: str
    label: Message
    type: FieldType = "text"
    required: bool = True
    max_length: int = 200
    pattern: str | None = None
    choices: tuple[tuple[str, Message], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    hint: Message | None = None


@dataclass(frozen=True)
class Step:
    """One page of the wizard's form."""

    code: str
    title: Message
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Prefill:
    """Form fields filled from a registry through the exchange, for the signed-in citizen.

    `service` is an exchange service forms are read from (`residents/person-summaries`, one
    of `registers.READERS`), `purpose` one of its purposes, `mapping` form field → field of
    the service's answer about the person.
    """

    service: str
    purpose: str
    mapping: dict[str, str]


@dataclass(frozen=True)
class DocumentRequirement:
    """An attachment the applicant must provide (a kind of `ATTACHABLE`)."""

    kind: str
    description: Message
    required: bool = True


@dataclass(frozen=True)
class CivilService:
    """One civil service of the catalogue."""

    code: str
    name: Message
    description: Message
    agency: str
    keywords: tuple[str, ...]
    steps: tuple[Step, ...]
    outcome: Outcome
    fee_won: int = 0
    prefill: tuple[Prefill, ...] = ()
    documents: tuple[DocumentRequirement, ...] = ()
    auto_issue: str | None = None
    """The certificate kind issued at once (`family-relation`) when `outcome` is auto."""
    issue_on_approval: str | None = None
    """The certificate kind issued when an official approves a review service
    (`vehicle-register`), to the applicant, in the transaction of the decision."""
    subject_field: str | None = None
    """The form field naming the register entry that certificate is about (`plate`); None
    when the certificate is about the applicant himself."""
    guide: Message = field(default_factory=lambda: Message("", ""))

    def field_named(self, name: str) -> Field | None:
        for step in self.steps:
            for item in step.fields:
                if item.name == name:
                    return item
        return None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(item.name for step in self.steps for item in step.fields)

    @property
    def issuance_available(self) -> bool:
        """Whether the certificate kind of an auto-issue service can be issued now."""
        return _kind_available(self.auto_issue)

    @property
    def approval_issuance_available(self) -> bool:
        """Whether the certificate kind issued on approval can be issued now (a kind the
        documents package does not offer yet means approval only approves)."""
        return _kind_available(self.issue_on_approval)


def _kind_available(kind: str | None) -> bool:
    if kind is None:
        return False
    from nara.documents.kinds import KINDS

    return kind in KINDS


# The seeded services --------------------------------------------------------------------------

_APPLICANT = Step(
    "applicant",
    Message("Applicant", "신청인"),
    (
        Field("name_ko", Message("Name (Hangul)", "성명(한글)"), max_length=40),
        Field("birth_date", Message("Date of birth", "생년월일"), type="date"),
        Field("phone", Message("Mobile phone", "휴대전화"), type="phone"),
    ),
)
_PERSON_PREFILL = Prefill(
    "residents/person-summaries",
    "register-check",
    {"name_ko": "name_ko", "birth_date": "birth_date"},
)
_CERTIFICATE_USE = Field(
    "use",
    Message("Purpose of use", "용도"),
    type="choice",
    choices=(
        ("submission", Message("To submit to an institution", "기관 제출용")),
        ("personal", Message("Personal reference", "개인 확인용")),
    ),
)
_PLATE_HINT = Message("e.g. 12가3456", "예: 12가3456")
_NEW_ADDRESS = (
    Field("new_address", Message("New road-name address", "새 도로명주소"), max_length=200),
    Field("postcode", Message("Postcode", "우편번호"), type="postcode"),
)

SERVICES: tuple[CivilService, ...] = (
    CivilService(
        code="family-relation-certificate",
        name=Message("Family relation certificate", "가족관계증명서 발급"),
        description=Message(
            "Issued at once online: your parents, spouse and children as registered.",
            "온라인으로 즉시 발급: 등록된 부모, 배우자, 자녀.",
        ),
        agency="family",
        keywords=("가족관계", "증명서", "family", "certificate", "relations", "가족"),
        steps=(
            Step("applicant", _APPLICANT.title, _APPLICANT.fields[:2]),
            Step("use", Message("Use", "용도"), (_CERTIFICATE_USE,)),
        ),
        prefill=(_PERSON_PREFILL,),
        outcome="auto_issue",
        auto_issue="family-relation",
        fee_won=0,
    ),
    CivilService(
        code="resident-abstract",
        name=Message("Abstract of resident registration", "주민등록표 초본 발급"),
        description=Message(
            "Your addresses over time, issued at once online.",
            "주소 변동 이력을 온라인으로 즉시 발급합니다.",
        ),
        agency="residents",
        keywords=("주민등록", "초본", "resident", "registration", "abstract", "address history"),
        steps=(
            Step("applicant", _APPLICANT.title, _APPLICANT.fields[:2]),
            Step("use", Message("Use", "용도"), (_CERTIFICATE_USE,)),
        ),
        prefill=(_PERSON_PREFILL,),
        outcome="auto_issue",
        auto_issue="resident-abstract",
        fee_won=0,
    ),
    CivilService(
        code="vehicle-address-change",
        name=Message("Vehicle register: owner's address change", "자동차 소유자 주소변경 신고"),
        description=Message(
            "Tell the vehicle register your new address; an official of the register reviews it.",
            "자동차등록원부의 소유자 주소 변경을 신고합니다. 담당 공무원이 검토합니다.",
        ),
        agency="vehicles",
        keywords=("자동차", "주소변경", "vehicle", "car", "address", "change", "차량"),
        steps=(
            _APPLICANT,
            Step(
                "vehicle",
                Message("Vehicle and new address", "차량과 새 주소"),
                (
                    Field(
                        "plate",
                        Message("Registration plate", "자동차등록번호"),
                        max_length=12,
                        pattern=r"^\d{2,3}[가-힣]\d{4}$",
                        hint=_PLATE_HINT,
                    ),
                    *_NEW_ADDRESS,
                ),
            ),
        ),
        prefill=(_PERSON_PREFILL,),
        outcome="review",
    ),
    CivilService(
        code="land-owner-address-change",
        name=Message("Land register: owner's address change", "토지 소유자 주소변경 신고"),
        description=Message(
            "Update the owner's address on the land register; a land official reviews it.",
            "토지대장의 소유자 주소를 변경합니다. 토지 담당 공무원이 검토합니다.",
        ),
        agency="land",
        keywords=("토지", "주소변경", "land", "parcel", "owner", "address", "change", "부동산"),
        steps=(
            _APPLICANT,
            Step(
                "parcel",
                Message("Parcel and new address", "필지와 새 주소"),
                (
                    Field(
                        "pnu",
                        Message("Parcel number (PNU)", "필지고유번호(PNU)"),
                        max_length=19,
                        pattern=r"^\d{19}$",
                    ),
                    *_NEW_ADDRESS,
                ),
            ),
        ),
        prefill=(_PERSON_PREFILL,),
        outcome="review",
    ),
    CivilService(
        code="business-registration-correction",
        name=Message("Correction of business registration", "사업자등록 정정신고"),
        description=Message(
            "Correct your business's trade name, address or business type.",
            "상호, 사업장 소재지 또는 업종을 정정합니다.",
        ),
        agency="business",
        keywords=("사업자", "정정", "business", "registration", "correction", "상호", "업종"),
        steps=(
            _APPLICANT,
            Step(
                "business",
                Message("Correction", "정정 내용"),
                (
                    Field(
                        "brn",
                        Message("Business registration number", "사업자등록번호"),
                        type="brn",
                    ),
                    Field(
                        "item",
                        Message("What changes", "정정 사항"),
                        type="choice",
                        choices=(
                            ("trade_name", Message("Trade name", "상호")),
                            ("address", Message("Place of business", "사업장 소재지")),
                            ("business_type", Message("Business type", "업종")),
                        ),
                    ),
                    Field(
                        "details",
                        Message("Details", "정정 내용"),
                        type="textarea",
                        max_length=1000,
                    ),
                ),
            ),
        ),
        prefill=(_PERSON_PREFILL,),
        documents=(
            DocumentRequirement(
                "signed_statement",
                Message(
                    "The correction request signed by the representative",
                    "대표자가 서명한 정정신고서",
                ),
            ),
        ),
        outcome="review",
    ),
    CivilService(
        code="vehicle-certificate-reissue",
        name=Message("Re-issue of a vehicle registration card", "자동차등록증 재발급"),
        description=Message(
            "A new registration card for a lost or damaged one; fee 1,000 won.",
            "분실하거나 훼손된 자동차등록증을 다시 발급합니다. 수수료 1,000원.",
        ),
        agency="vehicles",
        keywords=("자동차등록증", "재발급", "분실", "vehicle", "registration card", "reissue"),
        steps=(
            _APPLICANT,
            Step(
                "vehicle",
                Message("Vehicle", "차량"),
                (
                    Field(
                        "plate",
                        Message("Registration plate", "자동차등록번호"),
                        max_length=12,
                        pattern=r"^\d{2,3}[가-힣]\d{4}$",
                        hint=_PLATE_HINT,
                    ),
                    Field(
                        "reason",
                        Message("Reason", "사유"),
                        type="choice",
                        choices=(
                            ("lost", Message("Lost", "분실")),
                            ("damaged", Message("Damaged", "훼손")),
                        ),
                    ),
                ),
            ),
        ),
        prefill=(_PERSON_PREFILL,),
        documents=(
            DocumentRequirement(
                "signed_statement",
                Message("A signed statement of the loss", "분실 사유를 적고 서명한 진술서"),
            ),
        ),
        fee_won=1000,
        outcome="review",
        issue_on_approval="vehicle-register",
        subject_field="plate",
    ),
    CivilService(
        code="foreign-marriage-report",
        name=Message("Report of a marriage concluded abroad", "외국에서 한 혼인의 신고"),
        description=Message(
            "Report a marriage made before a foreign authority, with its certificate.",
            "외국 방식으로 한 혼인을 그 나라의 혼인증서와 함께 신고합니다.",
        ),
        agency="family",
        keywords=("혼인", "외국", "혼인신고", "marriage", "abroad", "foreign", "report"),
        steps=(
            _APPLICANT,
            Step(
                "marriage",
                Message("The marriage", "혼인"),
                (
                    Field("spouse_name", Message("Spouse's name", "배우자 성명"), max_length=80),
                    Field("married_on", Message("Date of marriage", "혼인일"), type="date"),
                    Field("country", Message("Country", "혼인한 나라"), max_length=60),
                ),
            ),
        ),
        prefill=(_PERSON_PREFILL,),
        documents=(
            DocumentRequirement(
                "foreign_document",
                Message(
                    "The marriage certificate of the foreign authority, with a translation",
                    "외국 기관의 혼인증서와 번역문",
                ),
            ),
            DocumentRequirement(
                "photo",
                Message("A recent photograph of the spouse (optional)", "배우자 최근 사진(선택)"),
                required=False,
            ),
        ),
        outcome="review",
    ),
)

CATALOGUE: dict[str, CivilService] = {service.code: service for service in SERVICES}


def service_of(code: str) -> CivilService:
    """The civil service `code`; 404 `service_code_unknown` for no such service."""
    service = CATALOGUE.get(code)
    if service is None:
        raise NotFound(
            "service_code_unknown",
            Message(f"There is no civil service {code!r}.", f"{code!r} 민원은 없습니다."),
        )
    return service


def agencies() -> tuple[str, ...]:
    """The agencies that decide at least one service (each has a work queue)."""
    return tuple(dict.fromkeys(service.agency for service in SERVICES))


def catalogue_problems(services: tuple[CivilService, ...] = SERVICES) -> list[str]:
    """Every break of the catalogue's rules, as readable lines (none when the catalogue is sound).

    A service may not ask for a document the state holds, nor for an undeclared kind; an
    auto-issue service names its certificate kind; field names are unique per service.
    """
    problems: list[str] = []
    for service in services:
        for document in service.documents:
            if document.kind in HELD_BY_STATE:
                problems.append(
                    f"{service.code} asks for {document.kind}, which the state already holds"
                )
            elif document.kind not in ATTACHABLE:
                problems.append(f"{service.code} asks for undeclared attachment {document.kind}")
        if (service.outcome == "auto_issue") != (service.auto_issue is not None):
            problems.append(f"{service.code}: auto_issue must name a kind exactly when auto")
        names = service.field_names
        if service.issue_on_approval is not None and service.outcome != "review":
            problems.append(f"{service.code}: only a review service issues on approval")
        if service.subject_field is not None and service.subject_field not in names:
            problems.append(f"{service.code}: subject field {service.subject_field} is no field")
        if len(names) != len(set(names)):
            problems.append(f"{service.code} repeats a field name")
        for prefill in service.prefill:
            if prefill.service not in READERS:
                problems.append(f"{service.code} prefills from {prefill.service}, read by none")
            for target in prefill.mapping:
                if target not in names:
                    problems.append(f"{service.code} prefills unknown field {target}")
    return problems


# Search ---------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Compatibility-normalised, case-folded, punctuation turned into single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _haystack(service: CivilService) -> tuple[str, str]:
    names = normalise(f"{service.name.ko} {service.name.en} {service.code.replace('-', ' ')}")
    rest = normalise(" ".join((service.description.ko, service.description.en, *service.keywords)))
    return names, rest


def search(query: str | None) -> list[CivilService]:
    """Services matching `query` in Korean or English, best first (all when the query is empty).

    A service matches when the query without spaces is part of its text without spaces, or
    every word of the query is part of its text. Matches in the name rank first.
    """
    wanted = normalise(query or "")
    if not wanted:
        return list(SERVICES)
    tokens = wanted.split()
    compact = wanted.replace(" ", "")
    ranked: list[tuple[int, int, CivilService]] = []
    for order, service in enumerate(SERVICES):
        names, rest = _haystack(service)
        everything = f"{names} {rest}"
        if compact in names.replace(" ", "") or all(token in names for token in tokens):
            ranked.append((0, order, service))
        elif compact in everything.replace(" ", "") or all(token in everything for token in tokens):
            ranked.append((1, order, service))
    return [service for _, _, service in sorted(ranked, key=lambda item: item[:2])]
