from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import Field

# A code from a list Strom keeps (a need, a language): a need's code is at most 50 characters.
Code = Annotated[str, Field(max_length=50)]


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
