from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: the pages that bring every app together (the home page, the navigation, the audit
    trail) from what each app contributes through core's registry. Nothing imports it."""

    name = "strom.site"
    label = "site"
    verbose_name = _("Site")
