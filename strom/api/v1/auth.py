from ninja.security import HttpBearer

from strom.accounts.actions import user_for_api_token


class PersonalTokenAuth(HttpBearer):
    """`Authorization: Bearer strom_…`: a personal token acts with its owner's memberships."""

    openapi_description = "A personal API token, created on the API tokens page and shown once."

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        return user
