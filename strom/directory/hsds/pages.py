"""The HSDS API's pages (hsds_page, in the shape of openapi.json's Page) and the queries behind its
lists; strom/api/v1/hsds.py adapts them to HTTP. Reads only: it never writes, and recording a revealed
confidential address belongs to the caller (an action).
"""

import math
from collections.abc import Callable

from django.db.models import QuerySet

from strom.accounts.access import Access
from strom.accounts.models import Organisation
from strom.accounts.queries import organisations_visible_to
from strom.directory import queries
from strom.directory.hsds.mapping import with_hsds_details
from strom.directory.models import Service

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def _whole(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def hsds_page(items, *, page=1, per_page=DEFAULT_PER_PAGE, to_hsds: Callable = lambda item: item) -> dict:
    """One page in the shape of the HSDS API (openapi.json, Page). Pages count from 1; per_page is kept
    between 1 and MAX_PER_PAGE; an empty result has 0 pages and is both the first and the last."""
    page = max(1, _whole(page, 1))
    per_page = min(MAX_PER_PAGE, max(1, _whole(per_page, DEFAULT_PER_PAGE)))
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    contents = [to_hsds(item) for item in items[start : start + per_page]] if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def services_listed_for(access: Access) -> QuerySet[Service]:
    """The services the API lists for a user, in its order, with everything service_to_hsds reads."""
    return with_hsds_details(queries.active_services_for(access).order_by("name", "pk"))


def organisations_listed_for(access: Access) -> QuerySet[Organisation]:
    """The organisations the API lists for a user, in its order."""
    return organisations_visible_to(access).order_by("name", "pk")
