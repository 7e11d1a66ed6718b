"""X-Road identifiers of members, subsystems and services.

Formats (parts joined by `/`, each part validated as X-Road does):

- `MemberId`: `INSTANCE/CLASS/MEMBER`, e.g. `KR/GOV/MOIS`;
- `SubsystemId`: `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `KR/GOV/MOIS/residents`;
- `ServiceId`: `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]`,
  e.g. `KR/GOV/MOIS/residents/person-summaries/v1`.

A part is 1 to 255 of the characters PR-REST 4.8 allows in identifiers: letters `A-Z a-z`,
digits and `' ( ) + , - . = ?`. Nara also refuses `.` and `..` as a whole part, because member
identifiers name directories of the keystore. The version of a service is optional: five
parts name a service without a version (every REST service), six parts name one version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nara.core.errors import Invalid, Message

ALLOWED = re.compile(r"[A-Za-z0-9'()+,\-.=?]+")
"""The characters of an identifier part (PR-REST 4.8)."""
MAX_PART_LENGTH = 255


def _check_part(value: str, *, code: str, part: str) -> str:
    problem: Message | None = None
    if not value:
        problem = Message(f"The {part} is empty.", f"{part} 값이 비어 있습니다.")
    elif len(value) > MAX_PART_LENGTH:
        problem = Message(
            f"The {part} is longer than {MAX_PART_LENGTH} characters.",
            f"{part} 값이 {MAX_PART_LENGTH}자를 넘습니다.",
        )
    elif value in {".", ".."}:
        problem = Message(
            f"The {part} may not be '{value}'.", f"{part} 값으로 '{value}'는 쓸 수 없습니다."
        )
    elif not ALLOWED.fullmatch(value):
        problem = Message(
            f"The {part} may hold only letters A-Z a-z, digits and ' ( ) + , - . = ? "
            "(X-Road identifiers).",
            f"{part} 값에는 영문자, 숫자와 ' ( ) + , - . = ? 만 쓸 수 있습니다 (X-Road 식별자).",
        )
    if problem is not None:
        raise Invalid(code, problem, {"field": part})
    return value


def _split(text: str, *, code: str, kind: str, counts: tuple[int, ...], shape: str) -> list[str]:
    if not isinstance(text, str):
        raise Invalid(code, Message(f"A {kind} must be text.", f"{kind}는 문자열이어야 합니다."))
    parts = text.split("/")
    if len(parts) not in counts:
        raise Invalid(
            code,
            Message(
                f"A {kind} has the form {shape}; got {text!r}.",
                f"{kind}의 형식은 {shape}입니다. 받은 값: {text!r}",
            ),
        )
    return parts


@dataclass(frozen=True, slots=True)
class MemberId:
    """An X-Road member: `INSTANCE/CLASS/MEMBER`, e.g. `KR/GOV/MOIS`."""

    instance: str
    member_class: str
    member_code: str

    CODE = "member_id_invalid"

    def __post_init__(self) -> None:
        _check_part(self.instance, code=self.CODE, part="instance")
        _check_part(self.member_class, code=self.CODE, part="member_class")
        _check_part(self.member_code, code=self.CODE, part="member_code")

    @classmethod
    def parse(cls, text: str) -> MemberId:
        parts = _split(
            text, code=cls.CODE, kind="member id", counts=(3,), shape="INSTANCE/CLASS/MEMBER"
        )
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member_code}"

    def subsystem(self, subsystem_code: str) -> SubsystemId:
        return SubsystemId(self.instance, self.member_class, self.member_code, subsystem_code)


@lru_cache(maxsize=1024)
def _member(instance: str, member_class: str, member_code: str) -> MemberId:
    """The member of a subsystem or service, made (and checked) once per member."""
    return MemberId(instance, member_class, member_code)


@dataclass(frozen=True, slots=True)
class SubsystemId:
    """A subsystem of a member: `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `KR/GOV/MOIS/residents`."""

    instance: str
    member_class: str
    member_code: str
    subsystem_code: str

    CODE = "subsystem_id_invalid"

    def __post_init__(self) -> None:
        _check_part(self.instance, code=self.CODE, part="instance")
        _check_part(self.member_class, code=self.CODE, part="member_class")
        _check_part(self.member_code, code=self.CODE, part="member_code")
        _check_part(self.subsystem_code, code=self.CODE, part="subsystem_code")

    @classmethod
    def parse(cls, text: str) -> SubsystemId:
        parts = _split(
            text,
            code=cls.CODE,
            kind="subsystem id",
            counts=(4,),
            shape="INSTANCE/CLASS/MEMBER/SUBSYSTEM",
        )
        return cls(*parts)

    @property
    def member(self) -> MemberId:
        return _member(self.instance, self.member_class, self.member_code)

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member_code}/{self.subsystem_code}"

    def service(self, service_code: str, version: str | None = None) -> ServiceId:
        return ServiceId(self, service_code, version)


@dataclass(frozen=True, slots=True)
class ServiceId:
    """A service of a subsystem: `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]`.

    e.g. `KR/GOV/MOIS/residents/person-summaries/v1`, or without a version
    `KR/GOV/MOIS/residents/person-summaries`.
    """

    subsystem: SubsystemId
    service_code: str
    version: str | None = None

    CODE = "service_id_invalid"

    def __post_init__(self) -> None:
        _check_part(self.service_code, code=self.CODE, part="service_code")
        if self.version is not None:
            _check_part(self.version, code=self.CODE, part="version")

    @classmethod
    def parse(cls, text: str) -> ServiceId:
        parts = _split(
            text,
            code=cls.CODE,
            kind="service id",
            counts=(5, 6),
            shape="INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]",
        )
        try:
            subsystem = SubsystemId(*parts[:4])
        except Invalid as error:
            raise Invalid(cls.CODE, error.message, error.extra) from None
        return cls(subsystem, parts[4], parts[5] if len(parts) == 6 else None)

    @property
    def member(self) -> MemberId:
        return self.subsystem.member

    def __str__(self) -> str:
        base = f"{self.subsystem}/{self.service_code}"
        return base if self.version is None else f"{base}/{self.version}"
