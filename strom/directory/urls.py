from django.urls import path

from strom.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/capacity/", views.update_capacity, name="update_capacity"),
    path("services/<uuid:service_id>/confirm/", views.confirm_listing, name="confirm_listing"),
]

public_urlpatterns = [
    path("<uuid:municipality_id>/", views.public_help, name="public_help"),
]
