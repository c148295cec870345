from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "strom.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from strom.accounts import signals  # noqa: F401  (connects sign-in auditing)
