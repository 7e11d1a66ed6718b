"""The citizen's view of the usage log: `GET /api/exchange/data/myPersonalDataUsage`.

Shaped after GovStack Digital Registries' `myPersonalDataUsage` (one `PersonalDataUsage`
per read, with the reader, institution, system, time and references), paged, plus our
fields: service, purpose, lawful basis, statute, consent record and the fields read.
`userId` is the person's register id (an RRN never travels in a URL). The caller is the
channel acting for that person (scope `exchange:usage`; the portal checks the signed-in
citizen is `userId`) and names itself in `Information-Mediator-Client`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from nara.core.access import Caller, require
from nara.core.pagination import Page, PageParams, page_params
from nara.core.web import DbSession
from nara.exchange import usage
from nara.exchange.members import MEMBER_NAMES
from nara.exchange.trust.identifiers import SubsystemId

router = APIRouter(prefix="/api/exchange/data", tags=["exchange"])


class Reference(BaseModel):
    reference_id: str = Field(alias="ReferenceID")


class PersonalDataUsage(BaseModel):
    """One read of the person's data (GovStack `PersonalDataUsage`, with our additions).

    Field names on the wire are GovStack's camelCase (`readerId`, and its `refrences`).
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    reader_id: str = Field(description="The official or system user who read.")
    reader_initials: str
    reader_institution_id: str = Field(examples=["KR/GOV/SCOURT"])
    reader_institution_name: str
    reader_institution_name_ko: str
    reader_application_name: str = Field(examples=["KR/GOV/SCOURT/land"])
    search_date_time: str
    references: list[Reference] = Field(
        alias="refrences", description="The X-Road message id (GovStack's spelling)."
    )
    service: str
    purpose: str
    lawful_basis: str
    legal_reference: str
    consent_record_id: str | None
    fields: list[str]
    reader_id_asserted_by_system: bool = Field(
        description="True when the reader's id was stated by the calling information system "
        "and not established by the platform."
    )


class PersonalDataUsagePage(Page[PersonalDataUsage]):
    pass


def _institution(client: str) -> dict[str, Any]:
    member = SubsystemId.parse(client).member
    info = MEMBER_NAMES.get(member)
    return {
        "member": str(member),
        "name_en": info.name_en if info else str(member),
        "name_ko": info.name_ko if info else str(member),
    }


@router.get("/myPersonalDataUsage")
def my_personal_data_usage(
    *,
    user_id: Annotated[int, Query(alias="userId", description="The person's register id.")],
    client: Annotated[str, Header(alias="Information-Mediator-Client")],
    caller: Annotated[Caller, Depends(require("exchange:usage"))],
    session: DbSession,
    params: Annotated[PageParams, Depends(page_params)],
) -> PersonalDataUsagePage:
    """Who read this person's data, when, why and on what basis; newest first."""
    SubsystemId.parse(client)
    rows, total = usage.usage_of(session, user_id, offset=params.offset, limit=params.size)
    return PersonalDataUsagePage(
        items=[
            PersonalDataUsage.model_validate(usage.govstack_shape(row, _institution(row.client)))
            for row in rows
        ],
        page=params.page,
        size=params.size,
        total=total,
    )
