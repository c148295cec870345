from django.apps import apps
from ninja import NinjaAPI

from strom.api.v1.accounts import router as accounts_router
from strom.api.v1.auth import PersonalTokenAuth
from strom.api.v1.limits import with_input_limits_documented
from strom.api.v1.throttling import answer_rate_limited, with_rate_limit_documented
from strom.core.ratelimit import RateLimited


def _signed_in_only(view):
    """The OpenAPI document needs a signed-in, second-factor-verified session (or is read from the
    committed snapshot in docs/api/)."""
    from functools import wraps

    from django.http import HttpResponseForbidden

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)

    return wrapped


class StromAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # Any operation can answer 429 (a token over its rate limit), 413 and 400 (InputLimitsMiddleware):
        # say so once, for all of them.
        schema = with_rate_limit_documented(super().get_openapi_schema(**kwargs))
        return with_input_limits_documented(schema)


api = StromAPI(
    title="Strom API",
    version="1",
    description=(
        "Strom's API for municipalities and their partners working against trafficking in human beings. "
        "Every call acts with the memberships of the token's owner; anything outside them answers 404."
    ),
    urls_namespace="api-v1",
    auth=PersonalTokenAuth(),
    docs_url=None,
    docs_decorator=_signed_in_only,
    openapi_url="/openapi.json",
)
api.add_router("/", accounts_router)
# A feature app's routers only where the app is installed: importing them would load its models.
if apps.is_installed("strom.directory"):
    from strom.api.v1.directory import router as directory_router
    from strom.api.v1.hsds import router as hsds_router

    api.add_router("/", directory_router)
    api.add_router("/hsds", hsds_router)
if apps.is_installed("strom.pathways"):
    from strom.api.v1.pathways import router as pathways_router

    api.add_router("/", pathways_router)
api.add_exception_handler(RateLimited, answer_rate_limited)
