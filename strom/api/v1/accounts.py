from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from strom.accounts.queries import get_organisation_for, organisations_visible_to
from strom.accounts.roles import permissions_for
from strom.api.v1.paging import LimitOffset, Paged
from strom.api.v1.schemas import ErrorOut, MembershipOut, MeOut, OrganisationOut

router = Router(tags=["accounts"])


def _organisation_out(organisation) -> OrganisationOut:
    return OrganisationOut(
        id=organisation.pk,
        name=organisation.name,
        kind=organisation.kind,
        country=organisation.country_id,
        municipality=organisation.municipality_id,
        municipality_name=organisation.municipality.name if organisation.municipality_id else None,
        is_active=organisation.is_active,
    )


@router.get("/me", response=MeOut, summary="The signed-in user and their memberships")
def me(request: HttpRequest):
    user = request.auth
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.display_name,
        language=user.preferred_language,
        memberships=[
            MembershipOut(
                organisation=seat.organisation_id,
                organisation_name=seat.organisation_name,
                role=seat.role,
                permissions=sorted(permissions_for(seat.role)),
            )
            for seat in request.access.seats
        ],
    )


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations visible to the user")
@paginate(LimitOffset)
def organisation_list(request: HttpRequest):
    return Paged(organisations_visible_to(request.access).order_by("name", "pk"), _organisation_out)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation, if the user may see it",
)
def organisation_detail(request: HttpRequest, organisation_id: UUID):
    return _organisation_out(get_organisation_for(request.access, organisation_id))
