"""Page parameters and the page envelope shared by every list API."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query, Request
from pydantic import BaseModel, Field


class PageParams(BaseModel):
    page: int = Field(ge=1)
    size: int = Field(ge=1)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def page_params(
    request: Request,
    page: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
    size: Annotated[int | None, Query(ge=1, description="Items per page.")] = None,
) -> PageParams:
    settings = request.app.state.settings
    chosen = size or settings.page_size_default
    return PageParams(page=page, size=min(chosen, settings.page_size_max))


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list: the items, where it is, and how many there are in all."""

    items: list[ItemT]
    page: int
    size: int
    total: int
