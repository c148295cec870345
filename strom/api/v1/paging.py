"""API lists are paged in the database: only the rows of the page asked for are read and built.

ninja's paginators slice what a view returns (items[offset:offset + limit]) and count it. Given a
list, the view would first have built every item of the directory; given a queryset of ORM objects,
the response schema could not add what a person may see of each one. Paged pairs the queryset with
the function that builds one item, so the slice becomes LIMIT/OFFSET in SQL and prefetching runs for
that page only.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

MAX_LIMIT = 100  # as the HSDS lists' per_page
# Far past any real list, and inside every database's integer range: an offset beyond 2**63 made
# SQLite answer "datatype mismatch" (a 500) and PostgreSQL refuse the bigint.
MAX_OFFSET = 1_000_000_000


class LimitOffset(LimitOffsetPagination):
    """ninja's limit/offset paging with a ceiling: ninja's own has none, so ?limit=1000000 would
    build the whole list again. A larger limit is refused (422), as the OpenAPI document says."""

    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class Paged:
    """A queryset that builds its items only when a page of it is taken: build_one(row) per row, or
    build_page(rows) for builders that read something for the whole page in one query."""

    def __init__(
        self,
        queryset: QuerySet,
        build_one: Callable[[Any], Any] | None = None,
        *,
        build_page: Callable[[list], list] | None = None,
    ):
        self.queryset = queryset
        self.build_page = build_page or (lambda rows: [build_one(row) for row in rows])

    def all(self) -> "Paged":
        return self  # the paginators count through .all().count()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        if not isinstance(page, slice):
            raise TypeError("Paged gives whole pages only")
        return self.build_page(list(self.queryset[page]))
