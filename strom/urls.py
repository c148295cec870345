from django.urls import path

from strom.api.v1.api import api
from strom.core import registry
from strom.core import views as core_views

# Each installed app mounts its own pages (its contributions.py declares them): an app left out of
# INSTALLED_APPS leaves no URL behind.
urlpatterns = [
    *registry.url_patterns(),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "strom.core.errors.bad_request"
handler403 = "strom.core.errors.permission_denied"
handler404 = "strom.core.errors.page_not_found"
handler500 = "strom.core.errors.server_error"
