"""The directory as the Open Referral HSDS 3.0 API describes it (paths and paginated pages).

Each call acts with the token owner's memberships, exactly as on the pages: lists show a confidential
location by name only; one service's call reveals its confidential addresses to those who may see
them, with one audit event per address."""

from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from strom.accounts.queries import get_organisation_for
from strom.directory import actions, queries
from strom.directory.hsds import mapping, pages

router = Router(tags=["hsds"])


@router.get("/services", response=dict, summary="HSDS services, paginated")
def services(request: HttpRequest, page: int = 1, per_page: int = pages.DEFAULT_PER_PAGE):
    return pages.hsds_page(
        pages.services_listed_for(request.access),
        page=page,
        per_page=per_page,
        to_hsds=lambda service: mapping.service_to_hsds(
            service, location_filter=mapping.every_location, reveal=mapping.public_location
        ),
    )


@router.get("/services/{uuid:service_id}", response={200: dict, 404: dict}, summary="One HSDS service")
def service(request: HttpRequest, service_id: UUID):
    found = queries.get_service_for(request.access, service_id)  # a refusal is audited and kept
    reveal = mapping.visible_with(request.access)
    with transaction.atomic():
        found = pages.services_listed_for(request.access).get(pk=found.pk)
        revealed = [loc for loc in found.locations.all() if loc.is_confidential and reveal(loc)]
        actions.record_confidential_reads(actor=request.auth, locations=revealed, channel="api")
        return mapping.service_to_hsds(found, location_filter=mapping.every_location, reveal=reveal)


@router.get("/organizations", response=dict, summary="HSDS organizations, paginated")
def organizations(request: HttpRequest, page: int = 1, per_page: int = pages.DEFAULT_PER_PAGE):
    return pages.hsds_page(
        pages.organisations_listed_for(request.access),
        page=page,
        per_page=per_page,
        to_hsds=mapping.organization_to_hsds,
    )


@router.get(
    "/organizations/{uuid:organization_id}", response={200: dict, 404: dict}, summary="One HSDS organization"
)
def organization(request: HttpRequest, organization_id: UUID):
    return mapping.organization_to_hsds(get_organisation_for(request.access, organization_id))


@router.get("/taxonomies", response=dict, summary="HSDS taxonomies")
def taxonomies(request: HttpRequest, page: int = 1, per_page: int = pages.DEFAULT_PER_PAGE):
    return pages.hsds_page(mapping.taxonomies(), page=page, per_page=per_page)


@router.get("/taxonomy_terms", response=dict, summary="HSDS taxonomy terms")
def taxonomy_terms(request: HttpRequest, page: int = 1, per_page: int = pages.DEFAULT_PER_PAGE):
    return pages.hsds_page(mapping.taxonomy_terms(), page=page, per_page=per_page)
