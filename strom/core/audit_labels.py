"""What each audit action means, in the reader's language. The stored code never changes; the label
can. Each app declares the labels of the actions it writes in its contributions.py (`audit_labels`);
every action written anywhere in Strom has one (a test checks the source)."""

from collections.abc import Iterator, Mapping

from strom.core import registry


class _AllLabels(Mapping):
    """The labels of every installed app, read from the registry when asked."""

    def __getitem__(self, action: str):
        return registry.audit_labels()[action]

    def __iter__(self) -> Iterator[str]:
        return iter(registry.audit_labels())

    def __len__(self) -> int:
        return len(registry.audit_labels())


ACTION_LABELS: Mapping = _AllLabels()


def label_for(action: str) -> str:
    """The action's label; never its code, even for an action whose app is no longer installed."""
    from django.utils.translation import gettext

    label = registry.audit_labels().get(action)
    return str(label) if label is not None else gettext("Other event")
