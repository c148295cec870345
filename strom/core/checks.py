"""System checks of the app registry: run by `manage.py check`, `migrate` and the web server."""

from django.core.checks import Error, register

from strom.core import registry


@register()
def check_app_dependencies(app_configs=None, **kwargs):
    return [
        Error(
            f"The app {label!r} depends on {', '.join(missing)}, which is not installed.",
            hint=f"Remove {label!r} from INSTALLED_APPS too, or install what it needs.",
            id="strom.E001",
        )
        for label, missing in registry.missing_dependencies()
    ]
