"""Loading the fictional demo: every installed app's loader (declared in its contributions.py), each
after the apps it depends on, in one transaction. Only ever run where STROM_DEMO_ENABLED is set (the
`load_demo` command checks)."""

from django.db import transaction

from strom.core import registry


@transaction.atomic
def load_demo() -> bool:
    """Create or restore the demo data of every installed app. Returns whether anything changed."""
    demo: dict = {}
    changed = False
    for _label, contributions in registry.in_dependency_order():
        if contributions.demo is not None:
            changed |= contributions.demo(demo)
    return changed


def after_demo_loaded() -> None:
    """What the apps do once new demo data is in (a reminder that has become due, say)."""
    for _label, contributions in registry.in_dependency_order():
        if contributions.after_demo is not None:
            contributions.after_demo()
