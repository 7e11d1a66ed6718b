"""The refusals of the applications package, each with a stable code and English + Korean text."""

from __future__ import annotations

from nara.core.errors import Conflict, Invalid, Message, NotFound


def application_unknown() -> NotFound:
    return NotFound(
        "application_unknown",
        Message("There is no such application.", "해당 신청이 없습니다."),
    )


def inbox_item_unknown() -> NotFound:
    return NotFound(
        "inbox_item_unknown",
        Message("There is no such notification.", "해당 알림이 없습니다."),
    )


def fields_invalid(errors: dict[str, Message], step: str | None) -> Invalid:
    return Invalid(
        "field_invalid",
        Message(
            "Some fields need correcting: " + ", ".join(sorted(errors)),
            "고쳐야 할 항목이 있습니다: " + ", ".join(sorted(errors)),
        ),
        {
            "step": step,
            "fields": {name: {"en": m.en, "ko": m.ko} for name, m in sorted(errors.items())},
        },
    )


def step_unknown(step: str) -> Invalid:
    return Invalid(
        "step_unknown",
        Message(f"This form has no step {step!r}.", f"이 서식에는 {step!r} 단계가 없습니다."),
        {"field": "step"},
    )


def field_unknown(name: str) -> Invalid:
    return Invalid(
        "field_unknown",
        Message(f"This form has no field {name!r}.", f"이 서식에는 {name!r} 항목이 없습니다."),
        {"field": name},
    )


def field_prefilled(name: str) -> Invalid:
    return Invalid(
        "field_prefilled",
        Message(
            f"{name!r} comes from the register and cannot be changed here; "
            "correct the register instead.",
            f"{name!r} 항목은 공부(公簿)에서 가져온 값이라 여기서 바꿀 수 없습니다. "
            "공부를 정정하십시오.",
        ),
        {"field": name},
    )


def not_editable(status: str) -> Conflict:
    return Conflict(
        "application_not_editable",
        Message(
            f"An application that is {status} cannot be changed.",
            f"'{status}' 상태의 신청은 고칠 수 없습니다.",
        ),
        {"current_status": status},
    )


def transition_invalid(current: str, wanted: str) -> Conflict:
    return Conflict(
        "transition_invalid",
        Message(
            f"An application that is {current} cannot become {wanted}.",
            f"'{current}' 상태의 신청은 '{wanted}' 상태가 될 수 없습니다.",
        ),
        {"current_status": current, "wanted": wanted},
    )


def reason_required() -> Invalid:
    return Invalid(
        "reason_required",
        Message(
            "Rejecting or sending back needs a reason for the applicant.",
            "반려하거나 보완 요청할 때는 신청인에게 알릴 사유가 필요합니다.",
        ),
        {"field": "reason"},
    )


def attachment_kind_unexpected(kind: str) -> Invalid:
    return Invalid(
        "attachment_kind_unexpected",
        Message(
            f"This service does not ask for a {kind!r} attachment.",
            f"이 민원은 {kind!r} 첨부를 요구하지 않습니다.",
        ),
        {"field": "kind"},
    )


def attachment_empty() -> Invalid:
    return Invalid(
        "attachment_empty",
        Message("The attached file is empty.", "첨부 파일이 비어 있습니다."),
    )


def attachment_too_large(limit: int) -> Invalid:
    return Invalid(
        "attachment_too_large",
        Message(
            f"An attachment may be at most {limit // 1024} KiB.",
            f"첨부 파일은 최대 {limit // 1024} KiB입니다.",
        ),
        {"limit": limit},
    )


def attachment_type_invalid(allowed: tuple[str, ...]) -> Invalid:
    return Invalid(
        "attachment_type_invalid",
        Message(
            "The file's content is not of an accepted type: " + ", ".join(allowed) + ".",
            "파일 내용이 허용된 형식이 아닙니다: " + ", ".join(allowed) + ".",
        ),
        {"allowed": list(allowed)},
    )


def attachment_missing(kinds: list[str]) -> Invalid:
    return Invalid(
        "attachment_missing",
        Message(
            "Required attachments are missing: " + ", ".join(kinds) + ".",
            "필수 첨부 서류가 없습니다: " + ", ".join(kinds) + ".",
        ),
        {"kinds": kinds},
    )


def payment_required(amount: int) -> Invalid:
    return Invalid(
        "payment_required",
        Message(
            f"Pay the fee of {amount:,} won before submitting.",
            f"제출 전에 수수료 {amount:,}원을 납부하십시오.",
        ),
        {"amount_won": amount},
    )


def payment_not_needed() -> Conflict:
    return Conflict(
        "payment_not_needed",
        Message(
            "This application owes no fee, or it is paid already.",
            "이 신청은 수수료가 없거나 이미 납부되었습니다.",
        ),
    )
