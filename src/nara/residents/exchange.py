"""What the resident register offers other agencies through the exchange, and its events."""

from __future__ import annotations

from collections.abc import Sequence

from nara.core.address import RoadAddress
from nara.core.clock import today
from nara.core.errors import NaraError
from nara.core.idempotency import check_step_key
from nara.core.identifiers import Rrn
from nara.exchange import CallContext, Service
from nara.exchange.contracts.residents import (
    ADDRESS_HISTORY,
    CURRENT_ADDRESSES,
    HOUSEHOLD_MEMBERS,
    IDENTITY_CHECK,
    LIVING_PERSONS,
    MOVING_IN,
    MOVING_IN_FACTS,
    PERSON_SUMMARIES,
    AddressHistory,
    CurrentAddress,
    CurrentAddressesRequest,
    HouseholdMembers,
    IdentityCheckRequest,
    IdentityMatch,
    LivingPersons,
    LivingPersonsRequest,
    Member,
    MovedIn,
    MovingInFacts,
    MovingInFactsRequest,
    MovingInRequest,
    PersonOnDayRequest,
    PersonSummariesRequest,
    PersonSummary,
    Residence,
)
from nara.exchange.purposes import Purpose
from nara.exchange.services import persons_answered
from nara.residents import births, deaths, reports, repository

SUMMARY_FIELDS = frozenset({"person_id", "name_ko", "name_en", "birth_date", "sex", "status"})

REGISTER_CHECK = Purpose(
    code="register-check",
    fields=SUMMARY_FIELDS,
    lawful_basis="public_task",
    legal_reference="전자정부법 제36조 (행정정보의 공동이용)",
    en="Another register checks that the persons it records exist, are alive, and are who "
    "it names.",
    ko="다른 공부(公簿)가 기록하는 사람의 존재·생존·성명을 확인합니다.",
)

CERTIFICATE_ISSUANCE_REFERENCE = "주민등록법 제29조 (열람 또는 등·초본의 교부)"
LIFE_EVENT_REFERENCE = "주민등록법 제16조 (거주지의 이동)"
LIVING_PERSONS_PAGE = 5000
"""The most ids one page of `residents/living-persons` holds."""


def person_summaries(ctx: CallContext, request: PersonSummariesRequest) -> dict[int, PersonSummary]:
    """Name, birth date, sex and status of each known person (no RRN); unknown ids are absent."""
    if not request.person_ids:
        return {}
    return {
        row.id: PersonSummary(
            person_id=row.id,
            name_ko=row.name_ko,
            name_en=row.name_en,
            birth_date=row.birth_date,
            sex=row.sex,
            status=row.status,
        )
        for row in repository.person_summary_rows(ctx.session, request.person_ids)
    }


def household_members(ctx: CallContext, request: PersonOnDayRequest) -> HouseholdMembers | None:
    """The household a person belonged to on a date (today by default) and its members then.

    None when the person was in no household that day (or is not registered).
    """
    as_of = request.on or today(ctx.clock)
    membership = repository.membership_on(ctx.session, request.person_id, as_of)
    if membership is None:
        return None
    rows = repository.members_with_persons(ctx.session, membership.household_id, on=as_of)
    return HouseholdMembers(
        person_id=request.person_id,
        as_of=as_of,
        household_id=membership.household_id,
        members=tuple(
            Member(
                person_id=person.id,
                name_ko=person.name_ko,
                name_en=person.name_en,
                birth_date=person.birth_date,
                relation=member.relation,
                joined_on=member.joined_on,
            )
            for member, person in rows
        ),
    )


def address_history(ctx: CallContext, request: PersonOnDayRequest) -> AddressHistory | None:
    """Every address a person lived at up to a date (today by default), oldest first: the
    abstract of the resident register (주민등록표 초본). None when the person is not registered.

    A residence left after the date is shown as it stood then (still lived in).
    """
    as_of = request.on or today(ctx.clock)
    if repository.get_person(ctx.session, request.person_id) is None:
        return None
    residences = []
    for residence, address in repository.residences_with_addresses(ctx.session, request.person_id):
        if residence.moved_in > as_of:
            continue
        road = RoadAddress.of(address)
        moved_out = residence.moved_out
        residences.append(
            Residence(
                address_ko=road.label("ko"),
                address_en=road.label("en"),
                postcode=road.postcode,
                household_id=residence.household_id,
                moved_in=residence.moved_in,
                moved_out=None if moved_out is None or moved_out > as_of else moved_out,
                reported_on=residence.reported_on,
            )
        )
    return AddressHistory(person_id=request.person_id, as_of=as_of, residences=tuple(residences))


def identity_check(ctx: CallContext, request: IdentityCheckRequest) -> IdentityMatch | None:
    """The person whose RRN, Hangul name and birth date all match, with his status; else None.

    Which of the three failed to match is not told: the answer is the person or nothing.
    The RRN is found by its blind index and never returned.
    """
    try:
        digits = Rrn.parse(request.rrn).digits
    except (NaraError, ValueError):
        return None
    person = repository.person_by_rrn_index(ctx.session, ctx.cipher.blind_index(digits))
    if (
        person is None
        or person.name_ko != request.name_ko.strip()
        or person.birth_date != request.birth_date
    ):
        return None
    return IdentityMatch(person_id=person.id, status=person.status)


def moving_in_facts(ctx: CallContext, request: MovingInFactsRequest) -> MovingInFacts | None:
    """What filing a moving-in report needs: the filer's age and status, current address and
    household, and the household at the new address whose head bears `head_name`."""
    facts = reports.moving_in_facts(
        ctx.session,
        person_id=request.person_id,
        address=None if request.address is None else request.address.registered(),
        head_name=request.head_name,
    )
    return None if facts is None else MovingInFacts.model_validate(facts)


def moving_in(ctx: CallContext, request: MovingInRequest) -> MovedIn:
    """Apply a moving-in report's move once per step key: from where, to where, which household."""
    step_key = check_step_key(request.step_key)
    answer = reports.apply_moving_in(
        ctx.session,
        ctx.clock,
        step_key=step_key,
        person_id=request.person_id,
        moved_on=request.moved_on,
        address=request.address.registered(),
        join_household_id=request.join_household_id,
        relation=request.relation,
        new_head_person_id=request.new_head_person_id,
        actor=f"{ctx.client}:{ctx.user_id}",
    )
    return MovedIn.model_validate(answer)


def current_addresses(
    ctx: CallContext, request: CurrentAddressesRequest
) -> dict[int, CurrentAddress]:
    """Where each person lives now (the address fields, household, moving-in day)."""
    found = reports.current_addresses(ctx.session, request.person_ids)
    return {person_id: CurrentAddress.model_validate(row) for person_id, row in found.items()}


def living_persons(ctx: CallContext, request: LivingPersonsRequest) -> LivingPersons:
    """A page of the ids of living persons, in order, after `after_id` (to walk the register);
    a page holds 1 to 5000 ids, whatever the limit asked."""
    size = max(1, min(request.limit, LIVING_PERSONS_PAGE))
    ids = reports.living_person_ids(ctx.session, after_id=request.after_id, limit=size)
    return LivingPersons(person_ids=tuple(ids))


def _nobody_named(request: IdentityCheckRequest) -> Sequence[int]:
    """An identity check names no person id: who it is, is what the check finds out."""
    return []


def _person_found(answer: IdentityMatch | None) -> list[int]:
    return [] if answer is None else [answer.person_id]


def _members_read(answer: HouseholdMembers | None) -> list[int]:
    return [] if answer is None else [member.person_id for member in answer.members]


def _join_read(answer: MovingInFacts | None) -> list[int]:
    """The members who would stay and the head of the household joined, which facts reveal."""
    if answer is None:
        return []
    found = [] if answer.current is None else [o.person_id for o in answer.current.others]
    if answer.join is not None:
        found.append(answer.join.head_person_id)
    return found


ADDRESS_FIELDS = frozenset(
    {
        "person_id", "household_id", "moved_in", "sido_code", "sigungu_code", "road_name",
        "building_main", "building_sub", "address_detail", "postcode", "label_ko", "label_en",
    }
)  # fmt: skip


SERVICES: list[Service] = [
    Service.typed(
        PERSON_SUMMARIES,
        person_summaries,
        subjects=lambda request: request.person_ids,
        found=persons_answered,
        purposes=(
            REGISTER_CHECK,
            Purpose(
                code="benefit-decision",
                fields=SUMMARY_FIELDS,
                lawful_basis="public_task",
                legal_reference="사회보장급여의 이용·제공 및 수급권자 발굴에 관한 법률 제12조",
                en="A welfare office deciding a benefit checks the age, sex and status of the "
                "persons it concerns.",
                ko="복지 급여를 결정하기 위해 대상자의 나이·성별·생존 여부를 확인합니다.",
            ),
            Purpose(
                code="passport-eligibility",
                fields=SUMMARY_FIELDS,
                lawful_basis="public_task",
                legal_reference="여권법 제9조 (여권의 발급 신청)",
                en="The passport office checks that an applicant is a living resident, and his "
                "age for the passport's validity.",
                ko="여권 발급을 위해 신청인의 생존 여부와 나이(유효기간)를 확인합니다.",
            ),
            Purpose(
                code="life-event-report",
                fields=SUMMARY_FIELDS,
                lawful_basis="public_task",
                legal_reference="주민등록법 제16조 (거주지의 이동)",
                en="The single window checks who files a life-event report (an adult, alive) "
                "and the persons it names.",
                ko="정부24가 생애 신고의 신고인(성인, 생존)과 신고 대상을 확인합니다.",
            ),
            Purpose(
                code="identity-confirmation",
                fields=frozenset({"person_id", "name_ko", "name_en", "status"}),
                lawful_basis="consent",
                legal_reference="",
                en="A service the person applied for confirms his name and that he is alive.",
                ko="본인이 신청한 서비스가 성명과 생존 여부를 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        HOUSEHOLD_MEMBERS,
        household_members,
        subjects=lambda request: [request.person_id],
        answer_subjects=_members_read,
        purposes=(
            Purpose(
                code="household-check",
                fields=frozenset({"person_id", "as_of", "household_id", "members"}),
                lawful_basis="public_task",
                legal_reference="주민등록법 제29조 (열람 또는 등·초본의 교부)",
                en="An agency deciding a case checks who lives in the applicant's household.",
                ko="처분을 위해 신청인 세대의 구성원을 확인합니다.",
            ),
            Purpose(
                code="certificate-issuance",
                fields=frozenset({"person_id", "as_of", "household_id", "members"}),
                lawful_basis="public_task",
                legal_reference=CERTIFICATE_ISSUANCE_REFERENCE,
                en="The single window issues a copy of the resident register (주민등록표 등본) "
                "to a member of the household at his request.",
                ko="정부24가 세대원의 신청에 따라 주민등록표 등본을 발급합니다.",
            ),
            Purpose(
                code="benefit-eligibility",
                fields=frozenset({"person_id", "as_of", "household_id", "members"}),
                lawful_basis="consent",
                legal_reference="",
                en="A benefit the person applied for counts the members of his household.",
                ko="본인이 신청한 급여의 가구원 수를 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        ADDRESS_HISTORY,
        address_history,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="certificate-issuance",
                fields=frozenset({"person_id", "as_of", "residences"}),
                lawful_basis="public_task",
                legal_reference=CERTIFICATE_ISSUANCE_REFERENCE,
                en="The single window issues an abstract of the resident register "
                "(주민등록표 초본) to the person at his request.",
                ko="정부24가 본인의 신청에 따라 주민등록표 초본을 발급합니다.",
            ),
        ),
    ),
    Service.typed(
        IDENTITY_CHECK,
        identity_check,
        subjects=_nobody_named,
        answer_subjects=_person_found,
        purposes=(
            Purpose(
                code="employment-report",
                fields=frozenset({"person_id", "status"}),
                lawful_basis="public_task",
                legal_reference="고용보험법 제15조 (피보험자격에 관한 신고 등)",
                en="The single window finds the employee an employer's report of a hire names, "
                "by name, birth date and resident registration number, and checks he is alive.",
                ko="정부24가 채용 신고에 적힌 근로자를 성명·생년월일·주민등록번호로 확인하고 생존 "
                "여부를 확인합니다.",
            ),
            Purpose(
                code="account-binding",
                fields=frozenset({"person_id", "status"}),
                lawful_basis="public_task",
                legal_reference="전자정부법 제9조 (방문에 의하지 아니하는 민원처리)",
                en="The single window binds a citizen's account to the resident he says he is.",
                ko="정부24가 시민의 계정을 본인의 주민등록 정보와 연결합니다.",
            ),
        ),
    ),
    Service.typed(
        MOVING_IN_FACTS,
        moving_in_facts,
        subjects=lambda request: [request.person_id],
        answer_subjects=_join_read,
        purposes=(
            Purpose(
                code="life-event-report",
                fields=frozenset({"person_id", "birth_date", "status", "current", "join"}),
                lawful_basis="public_task",
                legal_reference=LIFE_EVENT_REFERENCE,
                en="The single window checks a moving-in report against the register before "
                "filing it: who files, from where, and the household joined.",
                ko="정부24가 전입신고를 접수하기 전에 신고인, 전출지, 편입할 세대를 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        MOVING_IN,
        moving_in,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="moving-in-report",
                fields=frozenset(
                    {
                        "person_id",
                        "moved_on",
                        "residence_id",
                        "household_id",
                        "household_formed",
                        "address",
                        "from_address",
                        "repeated",
                    }
                ),
                lawful_basis="public_task",
                legal_reference=LIFE_EVENT_REFERENCE,
                en="A moving-in report filed online is entered in the resident register.",
                ko="온라인으로 접수된 전입신고를 주민등록에 반영합니다.",
            ),
        ),
    ),
    Service.typed(LIVING_PERSONS, living_persons, personal=False),
    Service.typed(
        CURRENT_ADDRESSES,
        current_addresses,
        subjects=lambda request: request.person_ids,
        found=persons_answered,
        purposes=(
            Purpose(
                code="register-consistency",
                fields=ADDRESS_FIELDS,
                lawful_basis="public_task",
                legal_reference="전자정부법 제36조 (행정정보의 효율적 관리 및 이용)",
                en="Operators check that the addresses other registers keep agree with the "
                "resident register.",
                ko="운영자가 다른 공부의 주소가 주민등록과 일치하는지 점검합니다.",
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""
SERVICES += births.SERVICES + deaths.SERVICES

EVENTS: dict[str, str] = {
    "resident.registered": "A person was registered (RRN masked; name, birth date, sex, "
    "nationality).",
    "resident.status_changed": "A person died or emigrated; their residence and household "
    "membership ended that day.",
    "resident.moved": "A person moved to an address, forming or joining a household there.",
    "household.formed": "A household was formed at an address with a person as its head.",
    "household.member_added": "A person joined a household, with their relation to the head.",
    "household.member_removed": "A member left a household and their residence there ended.",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ()
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
