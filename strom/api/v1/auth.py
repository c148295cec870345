from ninja.security import HttpBearer

from strom.accounts.access import attach_access
from strom.accounts.actions import user_for_api_token
from strom.core.ratelimit import RateLimited, hit


class PersonalTokenAuth(HttpBearer):
    """`Authorization: Bearer strom_…`: a personal token acts with its owner's memberships."""

    openapi_description = "A personal API token, created on the API tokens page and shown once."

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        attach_access(request)  # routers pass request.access to queries, as views do
        refusal = hit(request, "api_token")
        if refusal is not None:
            raise RateLimited(refusal)
        return user
