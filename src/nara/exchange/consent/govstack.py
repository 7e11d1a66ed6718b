"""The consent store on GovStack Consent API paths, under /api/consent.

Nara's own API (/api/exchange/consent, `routes.py`) is unchanged; this router answers the
paths and shapes of the GovStack Consent building block (`govstack_shapes.py`), which its
conformance suite calls:

- `config/...` and `service/policy/...`: the data agreements and the policy they rest on,
  public (they say what may be read and why; no personal data).
- `service/individual/record/data-agreement/{id}`: the individual's consent record of an
  agreement (read, or give consent), under the rules of `acting.py` (the signed-in citizen
  himself, or a system under a mandate), the individual in `individualId`.

Ids are GovStack's, the row id as a number; anything else is 400 (`agreement_id_invalid`,
`policy_id_invalid`), an unknown number 404. Every path answers with and without the trailing
slash (the suite uses it), without a redirect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from nara.core.access import public
from nara.core.clock import Clock
from nara.core.web import ClockDep, DbSession
from nara.exchange.consent import errors, repository, service
from nara.exchange.consent.acting import ActingForQuery
from nara.exchange.consent.govstack_shapes import (
    PLATFORM_POLICY_ID,
    ConsentRecord,
    ConsentRecordAnswer,
    DataAgreement,
    DataAgreementAnswer,
    DataAgreementList,
    Policy,
    PolicyAnswer,
    agreement_revision,
    consent_revision,
    policy_revision,
)
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentPolicy,
    ExchangeConsentRecord,
)
from nara.exchange.consent.routes import KeystoreDep

router = APIRouter(prefix="/api/consent", tags=["consent (GovStack)"])

Published = Annotated[
    None,
    Depends(
        public(
            "the data agreements and their policy say what may be read and why, for anyone "
            "(GovStack's config reads); no personal data"
        )
    ),
]
_NUMBER: Final = re.compile(r"[0-9]{1,18}")
_PROBLEM: Final[dict[str, Any]] = {"application/problem+json": {}}
_AGREEMENT_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {"description": "agreement_id_invalid: the id is not a number.", "content": _PROBLEM},
    404: {"description": "agreement_unknown", "content": _PROBLEM},
}
_POLICY_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {"description": "policy_id_invalid: the id is not a number.", "content": _PROBLEM},
    404: {"description": "policy_unknown", "content": _PROBLEM},
}


def _route(method: str, path: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Register a route on `path/` (GovStack's form, in the OpenAPI) and on `path`."""

    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(f"{path}/", endpoint, methods=[method], **options)
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            include_in_schema=False,
            operation_id=f"{endpoint.__name__}_without_slash",
            **options,
        )
        return endpoint

    return register


def _base_url(request: Request) -> str:
    base: str = request.app.state.settings.public_base_url
    return base


def _policy_row(session: Session, value: str) -> ExchangeConsentPolicy:
    if not _NUMBER.fullmatch(value):
        raise errors.policy_id_invalid(value)
    row = repository.policy_by_id(session, int(value))
    if row is None:
        raise errors.policy_unknown(value)
    return row


def _agreement_row(session: Session, value: str) -> ExchangeConsentAgreement:
    if not _NUMBER.fullmatch(value):
        raise errors.agreement_id_invalid(value)
    row = repository.agreement_by_id(session, int(value))
    if row is None:
        raise errors.agreement_number_unknown(value)
    return row


class _Shapes:
    """Builds a request's GovStack objects, reading the platform's policy once."""

    def __init__(self, session: Session, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        self._policy: Policy | None = None

    def policy(self) -> Policy:
        if self._policy is None:
            row = _policy_row(self.session, str(PLATFORM_POLICY_ID))
            self._policy = Policy.of(row, base_url=self.base_url)
        return self._policy

    def agreement(self, row: ExchangeConsentAgreement) -> DataAgreement:
        return DataAgreement.of(row, policy=self.policy(), base_url=self.base_url)

    def record(
        self, row: ExchangeConsentRecord, agreement: ExchangeConsentAgreement, clock: Clock
    ) -> ConsentRecord:
        return ConsentRecord.of(
            row, agreement=self.agreement(agreement), agreement_row=agreement, now=clock.now()
        )


def _policy_answer(request: Request, session: Session, policy_id: str) -> PolicyAnswer:
    row = _policy_row(session, policy_id)
    policy = Policy.of(row, base_url=_base_url(request))
    return PolicyAnswer(policy=policy, revision=policy_revision(policy, row))


# config --------------------------------------------------------------------------------------


@_route("GET", "/config/policy/{policy_id}", responses=_POLICY_RESPONSES)
def config_policy(
    *, policy_id: str, request: Request, session: DbSession, _public: Published
) -> PolicyAnswer:
    """A policy and its current revision."""
    return _policy_answer(request, session, policy_id)


@_route("GET", "/config/data-agreement/{agreement_id}", responses=_AGREEMENT_RESPONSES)
def config_data_agreement(
    *, agreement_id: str, request: Request, session: DbSession, _public: Published
) -> DataAgreementAnswer:
    """A data agreement (one declared purpose of a service) and its current revision."""
    row = _agreement_row(session, agreement_id)
    agreement = _Shapes(session, _base_url(request)).agreement(row)
    return DataAgreementAnswer(
        data_agreement=agreement, revision=agreement_revision(agreement, row)
    )


@_route("GET", "/config/data-agreements")
def config_data_agreements(
    *,
    request: Request,
    session: DbSession,
    _public: Published,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> DataAgreementList:
    """The data agreements, active or not, by id (`offset`, `limit` as GovStack's)."""
    settings = request.app.state.settings
    size = min(limit or settings.page_size_default, settings.page_size_max)
    rows, _ = repository.agreements_by_id_page(session, offset=offset, limit=size)
    shapes = _Shapes(session, _base_url(request))
    return DataAgreementList(data_agreement=[shapes.agreement(row) for row in rows])


# service -------------------------------------------------------------------------------------


@_route("GET", "/service/policy/{policy_id}", responses=_POLICY_RESPONSES)
def service_policy(
    *, policy_id: str, request: Request, session: DbSession, _public: Published
) -> PolicyAnswer:
    """A policy and its current revision (GovStack's service read)."""
    return _policy_answer(request, session, policy_id)


@_route(
    "POST",
    "/service/individual/record/data-agreement/{agreement_id}",
    responses=_AGREEMENT_RESPONSES,
)
def give_consent(
    *,
    agreement_id: str,
    acting: ActingForQuery,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    keystore: KeystoreDep,
) -> ConsentRecordAnswer:
    """Give the individual's consent to an agreement (a record, or the same one again)."""
    agreement = _agreement_row(session, agreement_id)
    row = service.give_consent(
        session,
        clock=clock,
        sign=service.platform_signer(keystore),
        actor=acting.actor,
        agreement_id=agreement.uid,
        person_id=acting.person_id,
        mandate=acting.mandate,
    )
    latest = service.latest_revision(session, row)
    return ConsentRecordAnswer(
        consent_record=_Shapes(session, _base_url(request)).record(row, agreement, clock),
        revision=None if latest is None else consent_revision(row, latest),
    )


@_route(
    "GET",
    "/service/individual/record/data-agreement/{agreement_id}",
    responses=_AGREEMENT_RESPONSES,
)
def read_consent(
    *,
    agreement_id: str,
    acting: ActingForQuery,
    request: Request,
    session: DbSession,
    clock: ClockDep,
) -> ConsentRecordAnswer:
    """The individual's consent record of an agreement (404 `consent_unknown` if none)."""
    agreement = _agreement_row(session, agreement_id)
    row = service.record_for(session, agreement_id=agreement.uid, person_id=acting.person_id)
    latest = service.latest_revision(session, row)
    return ConsentRecordAnswer(
        consent_record=_Shapes(session, _base_url(request)).record(row, agreement, clock),
        revision=None if latest is None else consent_revision(row, latest),
    )
