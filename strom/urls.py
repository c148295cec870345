from django.urls import include, path

from strom.api.v1.api import api
from strom.core import views as core_views
from strom.directory.urls import public_urlpatterns

urlpatterns = [
    path("", include("strom.core.urls")),
    path("accounts/", include("strom.accounts.urls")),
    path("directory/", include("strom.directory.urls")),
    path("pathways/", include("strom.pathways.urls")),
    path("help/", include((public_urlpatterns, "help"))),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "strom.core.errors.bad_request"
handler403 = "strom.core.errors.permission_denied"
handler404 = "strom.core.errors.page_not_found"
handler500 = "strom.core.errors.server_error"
