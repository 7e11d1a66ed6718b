"""What the applications API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from nara.applications.catalogue import ATTACHABLE, CivilService
from nara.applications.catalogue import Field as FormField
from nara.core.errors import Message


class Text(BaseModel):
    en: str
    ko: str

    @classmethod
    def of(cls, message: Message) -> Text:
        return cls(en=message.en, ko=message.ko)


class ChoiceRead(BaseModel):
    value: str
    label: Text


class FieldRead(BaseModel):
    name: str
    label: Text
    type: str
    required: bool
    max_length: int
    pattern: str | None
    choices: list[ChoiceRead]
    hint: Text | None

    @classmethod
    def of(cls, item: FormField) -> FieldRead:
        return cls(
            name=item.name,
            label=Text.of(item.label),
            type=item.type,
            required=item.required,
            max_length=item.max_length,
            pattern=item.pattern,
            choices=[ChoiceRead(value=v, label=Text.of(m)) for v, m in item.choices],
            hint=Text.of(item.hint) if item.hint else None,
        )


class StepRead(BaseModel):
    code: str
    title: Text
    fields: list[FieldRead]


class DocumentRequirementRead(BaseModel):
    kind: str
    kind_name: Text
    description: Text
    required: bool


class PrefillRead(BaseModel):
    service: str
    purpose: str
    fields: list[str]


class ServiceRead(BaseModel):
    """A civil service of the catalogue, with its whole form."""

    code: str
    name: Text
    description: Text
    agency: str
    keywords: list[str]
    outcome: Literal["auto_issue", "review"]
    auto_issue: str | None
    issuance_available: bool
    issuance_note: Text | None
    issue_on_approval: str | None = Field(
        default=None,
        description="The certificate kind issued to the applicant when an official approves.",
    )
    approval_issuance_available: bool = False
    fee_won: int
    steps: list[StepRead]
    prefill: list[PrefillRead]
    documents: list[DocumentRequirementRead]

    @classmethod
    def of(cls, service: CivilService) -> ServiceRead:
        note = None
        if service.outcome == "auto_issue" and not service.issuance_available:
            note = Text(
                en="Online issuance of this certificate is not available yet: "
                "an official issues it after you apply.",
                ko="이 증명서의 온라인 즉시 발급은 아직 준비 중입니다. "
                "신청하면 담당 공무원이 발급합니다.",
            )
        return cls(
            code=service.code,
            name=Text.of(service.name),
            description=Text.of(service.description),
            agency=service.agency,
            keywords=list(service.keywords),
            outcome=service.outcome,
            auto_issue=service.auto_issue,
            issuance_available=service.issuance_available,
            issuance_note=note,
            issue_on_approval=service.issue_on_approval,
            approval_issuance_available=service.approval_issuance_available,
            fee_won=service.fee_won,
            steps=[
                StepRead(
                    code=step.code,
                    title=Text.of(step.title),
                    fields=[FieldRead.of(item) for item in step.fields],
                )
                for step in service.steps
            ],
            prefill=[
                PrefillRead(service=p.service, purpose=p.purpose, fields=list(p.mapping))
                for p in service.prefill
            ],
            documents=[
                DocumentRequirementRead(
                    kind=d.kind,
                    kind_name=Text.of(ATTACHABLE[d.kind]),
                    description=Text.of(d.description),
                    required=d.required,
                )
                for d in service.documents
            ],
        )


class ServiceBrief(BaseModel):
    code: str
    name: Text
    description: Text
    agency: str
    outcome: Literal["auto_issue", "review"]
    fee_won: int


class CataloguePage(BaseModel):
    query: str
    items: list[ServiceBrief]


class DraftCreate(BaseModel):
    service_code: str = Field(min_length=1, max_length=64, examples=["vehicle-address-change"])


class FieldsUpdate(BaseModel):
    """Form values to set (a value of null clears the field)."""

    fields: dict[str, str | int | None]


class AttachmentRead(BaseModel):
    id: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class PaymentRead(BaseModel):
    amount_won: int
    receipt_number: str
    method: Literal["simulated"]
    simulated: bool = True
    note: str = "SIMULATED payment: no money was charged (모의 결제: 실제로 청구되지 않음)."
    paid_at: dt.datetime


class StatusChangeRead(BaseModel):
    from_status: str | None
    to_status: str
    reason: str | None
    actor: str
    changed_at: dt.datetime


class ApplicationRead(BaseModel):
    id: int
    number: str
    service_code: str
    service_name: Text
    agency: str
    status: str
    fields: dict[str, Any]
    prefilled: dict[str, str]
    summary: dict[str, Any] | None
    document_number: str | None
    decision_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    attachments: list[AttachmentRead]
    payment: PaymentRead | None
    fee_won: int


class DraftRead(ApplicationRead):
    prefill_notes: list[Text] = Field(
        default_factory=list, description="Registries that could not fill the form, and why."
    )


class SubmittedRead(ApplicationRead):
    possession_key: str | None = Field(
        default=None,
        description="The issued certificate's possession key, shown this once.",
    )
    note: Text | None = None


class ApplicationPage(BaseModel):
    items: list[ApplicationRead]
    total: int
    page: int
    size: int


class ValidationRead(BaseModel):
    step: str
    valid: Literal[True] = True


class SummaryRead(BaseModel):
    summary: dict[str, Any]


class DecisionCreate(BaseModel):
    decision: Literal["approve", "reject", "send_back"]
    reason: str | None = Field(default=None, max_length=1000)


class MessageCreate(BaseModel):
    body: str = Field(min_length=1, max_length=2000)


class MessageRead(BaseModel):
    id: int
    author_kind: str
    author_name: str
    body: str
    sent_at: dt.datetime


class InboxItemRead(BaseModel):
    id: int
    application_id: int | None
    kind: str
    subject: str
    body: str
    created_at: dt.datetime
    read: bool


class InboxPage(BaseModel):
    items: list[InboxItemRead]
    total: int
    unread: int
    page: int
    size: int
