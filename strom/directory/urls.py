from django.urls import path

from strom.directory import views, views_gaps, views_hsds, views_map

app_name = "directory"

urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/capacity/", views.update_capacity, name="update_capacity"),
    path("services/<uuid:service_id>/confirm/", views.confirm_listing, name="confirm_listing"),
    path("gaps/", views_gaps.gap_analysis, name="gap_analysis"),
    path("hsds/export.json", views_hsds.export_json, name="export_json"),
    path("hsds/export.zip", views_hsds.export_zip, name="export_zip"),
    path("hsds/import/", views_hsds.import_start, name="import_start"),
    path("hsds/import/<uuid:import_id>/", views_hsds.import_detail, name="import_detail"),
    path("hsds/import/<uuid:import_id>/apply/", views_hsds.import_apply, name="import_apply"),
    path("gaps.csv", views_gaps.gap_analysis_csv, name="gap_analysis_csv"),
    path("gaps.xlsx", views_gaps.gap_analysis_xlsx, name="gap_analysis_xlsx"),
    path("map/", views_map.service_map, name="service_map"),
    path("map.json", views_map.service_map_data, name="service_map_data"),
]

public_urlpatterns = [
    path("<uuid:municipality_id>/", views.public_help_by_id, name="public_help_by_id"),
    # A readable address, for public pages only: strom/directory/public_address.py says why.
    path("<str:country>/<slug:slug>/", views.public_help, name="public_help"),
    path("<str:country>/<slug:slug>/poster.pdf", views.public_poster, name="public_poster"),
]
