"""Typed contracts of the exchange's services: what a caller sends and what it gets back.

Every service an agency offers is declared here, at the platform level, by a `Contract`: its
identifier (`residents/person-summaries`), a Pydantic model of its request and the type of
its answer (a model, a list or mapping of models, or a model or nothing). A caller imports
the contract, never the provider: `exchange.call(PERSON_SUMMARIES, ctx, request)` returns the
answer as that type, validated. The provider binds a handler to the contract in its own
`exchange.py` (`Service.typed`). The same models describe the service in its OpenAPI document
(`getOpenAPI`), requests, answers and errors alike.

One module per providing agency: `nara.exchange.contracts.residents`, ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Final, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from nara.core.address import RoadAddress
from nara.core.errors import invalid

Req = TypeVar("Req", bound=BaseModel)
Ans = TypeVar("Ans")


class Model(BaseModel):
    """The base of contract models: unknown fields refused, instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Record(BaseModel):
    """The base of answer records: a purpose's view may leave fields out, so every field a
    view can drop has a default; unknown fields are ignored (a newer provider may add some)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Id = Annotated[int, Field(gt=0, le=2**63 - 1)]
"""A register's row id as a request names it: positive, and within the databases' 64-bit
integers (a larger number is refused as the caller's error, never sent to a database)."""


MAX_IDS: Final = 1000
"""The most ids one request may name: a page of a register, never the whole of it."""


class Address(Model):
    """A road-name address (도로명주소) in its parts, as a request gives it; the register that
    receives it checks that the district is known and the postcode lies in its province."""

    sigungu_code: str = Field(pattern=r"^\d{5}$", examples=["11680"])
    road_name: str = Field(min_length=1, max_length=60, examples=["테헤란로"])
    building_main: int = Field(ge=1, le=9999, examples=[152])
    building_sub: int = Field(default=0, ge=0, le=9999)
    address_detail: str = Field(default="", max_length=100, examples=["12층 1201호"])
    postcode: str = Field(pattern=r"^\d{5}$", examples=["06236"])

    def registered(self) -> RoadAddress:
        """The address as a register keeps it, once its district is known and its postcode
        lies in the district's province; 422 `address_invalid` (field `address`) otherwise."""
        try:
            return RoadAddress.model_validate(self.model_dump())
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'address'}: {e['msg']}" for e in error.errors()
            )
            raise invalid(
                "address_invalid",
                f"The address is not a valid road-name address ({problems}).",
                f"올바른 도로명주소가 아닙니다 ({problems}).",
                field_name="address",
            ) from None


@dataclass(frozen=True, eq=False)
class Contract(Generic[Req, Ans]):
    """A service's identifier, request model and answer type.

    `answer` is the runtime form of `Ans` (a model class, `dict[int, Model]`, `Model | None`,
    ...); declare the constant with its type, `PERSON_SUMMARIES: Contract[Request, Answer]`.
    """

    service: str
    request: type[Req]
    answer: Any
    summary: str = ""

    @cached_property
    def answers(self) -> TypeAdapter[Ans]:
        adapter: TypeAdapter[Ans] = TypeAdapter(self.answer)
        return adapter

    @property
    def provider(self) -> str:
        return self.service.partition("/")[0]

    @property
    def code(self) -> str:
        return self.service.partition("/")[2]

    def __repr__(self) -> str:
        return f"Contract({self.service})"
