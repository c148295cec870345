from uuid import UUID

from ninja import Schema


class OrganisationOut(Schema):
    id: UUID
    name: str
    kind: str
    country: str
    municipality: UUID | None
    municipality_name: str | None
    is_active: bool


class MembershipOut(Schema):
    organisation: UUID
    organisation_name: str
    role: str
    permissions: list[str]


class MeOut(Schema):
    id: UUID
    username: str
    name: str
    language: str
    memberships: list[MembershipOut]


class ErrorOut(Schema):
    detail: str
