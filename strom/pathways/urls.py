from django.urls import path

from strom.pathways import views, views_agreements, views_national

app_name = "pathways"

urlpatterns = [
    path("", views.pathway_list, name="pathway_list"),
    path("new/", views.pathway_new, name="pathway_new"),
    path("<uuid:pathway_id>/", views.pathway_detail, name="pathway_detail"),
    path("<uuid:pathway_id>/publish/", views.pathway_publish, name="pathway_publish"),
    path("<uuid:pathway_id>/versions/", views.version_list, name="version_list"),
    path("<uuid:pathway_id>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<uuid:pathway_id>/compare/", views.version_compare, name="version_compare"),
    path("<uuid:pathway_id>/card.pdf", views.pathway_card, name="pathway_card"),
    path("stages/<uuid:stage_id>/steps/new/", views.step_new, name="step_new"),
    path("stages/<uuid:stage_id>/note/", views.stage_note, name="stage_note"),
    path("steps/<uuid:step_id>/edit/", views.step_edit, name="step_edit"),
    path("steps/<uuid:step_id>/delete/", views.step_delete, name="step_delete"),
    path("agreements/", views_agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", views_agreements.agreement_new, name="agreement_new"),
    path("agreements/<uuid:agreement_id>/", views_agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:agreement_id>/edit/", views_agreements.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<uuid:agreement_id>/document/",
        views_agreements.agreement_document,
        name="agreement_document",
    ),
    path("national/<str:country_code>/", views_national.national_mechanism, name="national_mechanism"),
    path(
        "national/<str:country_code>/edit/",
        views_national.national_mechanism_edit,
        name="national_mechanism_edit",
    ),
]
