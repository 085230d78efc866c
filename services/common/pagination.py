"""Offset pagination with a hard maximum page size and a deterministic order."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(BaseModel):
    limit: int = DEFAULT_LIMIT
    offset: int = 0


async def page_params(  # async: no I/O, so no thread-pool round trip
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Pagination = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = None
    limit: int
    offset: int
    next_offset: int | None = None

    @classmethod
    def build(cls, items: list[T], params: PageParams, total: int | None = None) -> Page[T]:
        """``next_offset`` is set when more items may follow (fetch limit+1 to know for sure)."""
        has_more = (
            len(items) > params.limit if total is None else params.offset + params.limit < total
        )
        return cls(
            items=items[: params.limit],
            total=total,
            limit=params.limit,
            offset=params.offset,
            next_offset=params.offset + params.limit if has_more else None,
        )
