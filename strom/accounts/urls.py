from django.urls import path

from strom.accounts import views, views_areas, views_platform, views_team

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("two-factor/backup-codes/new/", views.regenerate_backup_codes, name="regenerate_backup_codes"),
    path("security/", views.security, name="security"),
    path("security/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/new-password/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/<uidb64>/<token>/", views.open_password_reset, name="open_password_reset"),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("language/", views.set_language, name="set_language"),
    path("invitations/accept/", views.accept_invitation, name="accept_invitation"),
    path("invitations/<str:secret>/", views.open_invitation, name="open_invitation"),
    path("organisations/", views_team.my_organisations, name="my_organisations"),
    path("organisations/<uuid:organisation_id>/members/", views_team.members, name="members"),
    path("memberships/<uuid:membership_id>/end/", views_team.end_membership, name="end_membership"),
    path("invitation/<uuid:invitation_id>/revoke/", views_team.revoke_invitation, name="revoke_invitation"),
    path(
        "municipalities/<uuid:municipality_id>/serving-organisations/",
        views_areas.serving_organisations,
        name="serving_organisations",
    ),
    path(
        "countries/<str:country_code>/national-organisations/",
        views_areas.national_organisations,
        name="national_organisations",
    ),
    path("organisation-areas/<uuid:area_id>/revoke/", views_areas.revoke_area, name="revoke_area"),
    path("api-tokens/", views_team.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:token_id>/revoke/", views_team.revoke_api_token, name="revoke_api_token"),
    path("platform/organisations/", views_platform.organisation_list, name="platform_organisations"),
    path("platform/organisations/new/", views_platform.organisation_edit, name="platform_organisation_new"),
    path(
        "platform/organisations/<uuid:organisation_id>/",
        views_platform.organisation_edit,
        name="platform_organisation_edit",
    ),
    path("platform/municipalities/", views_platform.municipality_list, name="platform_municipalities"),
    path("platform/users/", views_platform.user_list, name="platform_users"),
    path("platform/users/<uuid:user_id>/status/", views_platform.user_status, name="platform_user_status"),
]
