from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "strom.pathways"
    verbose_name = _("Local referral mechanism")
    label = "pathways"
