"""The directory as the Open Referral HSDS 3.0 API describes it (paths and paginated pages).

Each call acts with the token owner's memberships: confidential locations appear only for those who
may see them, exactly as on the pages."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from strom.accounts.access import get_access
from strom.accounts.queries import get_organisation_for_user, organisations_visible_to
from strom.directory import hsds, queries

router = Router(tags=["hsds"])


def _services(request):
    return hsds.with_hsds_details(queries.active_services_for(request.auth).order_by("name", "pk"))


def _filter(request):
    return hsds.visible_with(get_access(request.auth))


@router.get("/services", response=dict, summary="HSDS services, paginated")
def services(request: HttpRequest, page: int = 1, per_page: int = hsds.DEFAULT_PER_PAGE):
    location_filter = _filter(request)
    return hsds.hsds_page(
        _services(request),
        page=page,
        per_page=per_page,
        to_hsds=lambda service: hsds.service_to_hsds(service, location_filter=location_filter),
    )


@router.get("/services/{uuid:service_id}", response={200: dict, 404: dict}, summary="One HSDS service")
def service(request: HttpRequest, service_id: UUID):
    found = queries.get_service_for_user(request.auth, service_id)
    found = _services(request).get(pk=found.pk)
    return hsds.service_to_hsds(found, location_filter=_filter(request))


@router.get("/organizations", response=dict, summary="HSDS organizations, paginated")
def organizations(request: HttpRequest, page: int = 1, per_page: int = hsds.DEFAULT_PER_PAGE):
    return hsds.hsds_page(
        organisations_visible_to(request.auth).order_by("name", "pk"),
        page=page,
        per_page=per_page,
        to_hsds=hsds.organization_to_hsds,
    )


@router.get(
    "/organizations/{uuid:organization_id}", response={200: dict, 404: dict}, summary="One HSDS organization"
)
def organization(request: HttpRequest, organization_id: UUID):
    return hsds.organization_to_hsds(get_organisation_for_user(request.auth, organization_id))


@router.get("/taxonomies", response=dict, summary="HSDS taxonomies")
def taxonomies(request: HttpRequest, page: int = 1, per_page: int = hsds.DEFAULT_PER_PAGE):
    return hsds.hsds_page(hsds.taxonomies(), page=page, per_page=per_page)


@router.get("/taxonomy_terms", response=dict, summary="HSDS taxonomy terms")
def taxonomy_terms(request: HttpRequest, page: int = 1, per_page: int = hsds.DEFAULT_PER_PAGE):
    return hsds.hsds_page(hsds.taxonomy_terms(), page=page, per_page=per_page)
