"""Where the apps plug in. Each installed app may have a `contributions.py` module that declares, in one
place, what it adds to the rest of Strom: its URLs, navigation entries and home-page tasks (with the
permissions they need, as functions of the Access snapshot), its demo loader and the apps it depends on,
its audit action labels, its public pages, its URL-walk fixtures for the tests, and the panels and
timeline events it adds to another app's pages.

The registry finds these modules the way Django admin's autodiscover finds `admin.py`: it walks
INSTALLED_APPS in order and imports `<app>.contributions` where it exists. Core never names an app, so
adding or removing an app touches only that app and INSTALLED_APPS; an app whose dependency is not
installed fails Django's system checks (strom.core.checks) with a message that names both.

Functions here take the Access snapshot as `access` without importing its class: core sits below
accounts (see docs/architecture.md).
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString

from strom.core.ids import uuids_among

Text = str | Promise  # a string, or a lazily translated one


@dataclass(frozen=True)
class Task:
    """Something a person can do next, on the home page."""

    title: Text
    description: Text
    url: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str
    tasks: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class NavItem:
    label: Text
    url: str
    url_name: str


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown where `visible(access)` holds. Entries of all apps are
    sorted by `order` (Home 0, the feature apps 10-29, organisations 30-49, audit 50, account 90)."""

    order: int
    label: Text
    url_name: str
    visible: Callable[[Any], bool]


@dataclass(frozen=True)
class TaskEntry:
    """Home-page tasks for one of the person's organisations: `tasks(access, organisation_id)` returns
    those the person's permissions there allow. Entries of all apps are sorted by `order`."""

    order: int
    tasks: Callable[[Any, str], Iterable[Task]]


@dataclass(frozen=True)
class UrlMount:
    """`prefix` + the app's URL module. With `namespace`, `attribute` names a list of patterns in that
    module that is mounted under its own namespace (the directory's public help pages, say)."""

    prefix: str
    module: str
    attribute: str = "urlpatterns"
    namespace: str | None = None

    def pattern(self):
        if self.namespace is None:
            return path(self.prefix, include(self.module))
        patterns = getattr(import_module(self.module), self.attribute)
        return path(self.prefix, include((patterns, self.namespace)))


@dataclass(frozen=True)
class TimelineEvent:
    """One entry on another app's timeline. `html` comes from a template (render_to_string); a plain
    string is escaped when the registry collects it."""

    at: datetime
    html: SafeString
    app: str = ""


@dataclass(frozen=True)
class Panel:
    """A rendered fragment one app adds to another app's page."""

    app: str
    html: SafeString


@dataclass(frozen=True)
class AuditObject:
    """What the audit trail shows of an event's object: its name, and a link where the viewer may
    open it. `name` is empty when the viewer may not know the object's name (the trail then says
    only what kind of thing it was)."""

    name: Text
    url: str | None = None


AuditResolver = Callable[[Any, list], Mapping[str, AuditObject]]


def object_uuids(events) -> set[str]:
    """The events' object ids that are UUIDs (others, from apps keyed otherwise, are left out), for a
    resolver's one `pk__in` query."""
    return uuids_among(event.object_id for event in events)


@dataclass(frozen=True)
class AppContributions:
    """What one app adds to the rest of Strom. Every field is optional.

    depends_on: labels of the apps this one needs (its demo data, its models); they load first.
    demo: `loader(demo) -> bool` creates or restores the app's demo data, idempotently, and says
        whether anything changed. `demo` is a dict shared by all loaders in dependency order: accounts
        puts the demo's `organisations` and `municipalities` (by name) there.
    after_demo: runs once after a demo load that changed something (send the reminders it makes due).
    public_pages: URL names reachable without sign-in or second factor (a security decision).
    url_walk_objects: `objects(world, canary) -> {url kwarg: value}`: one object of the home
        municipality for each URL parameter of the app's pages, for tests/test_url_walk.py; put
        `canary` into something confidential, so the walk can check it never leaks.
    audit_objects: by the trail's object type ("pathways.step"): `resolve(access, events)` returns
        {object id: AuditObject} for the events' objects, in a fixed number of queries however
        many events, naming only what the viewer may see.
    panels / timeline_events: by the host page's name ("cases.case_detail"): `panel(request, obj)`
        returns rendered HTML or None; `events(request, obj)` returns TimelineEvents.
    """

    depends_on: tuple[str, ...] = ()
    urls: tuple[UrlMount, ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    tasks: tuple[TaskEntry, ...] = ()
    platform_tasks: tuple[TaskEntry, ...] = ()
    demo: Callable[[dict], bool] | None = None
    after_demo: Callable[[], None] | None = None
    audit_labels: Mapping[str, Text] = field(default_factory=dict)
    audit_objects: Mapping[str, AuditResolver] = field(default_factory=dict)
    public_pages: frozenset[str] = frozenset()
    url_walk_objects: Callable[[Any, str], Mapping[str, Any]] | None = None
    panels: Mapping[str, Callable[[Any, Any], str | None]] = field(default_factory=dict)
    timeline_events: Mapping[str, Callable[[Any, Any], Iterable[TimelineEvent]]] = field(default_factory=dict)


# Contributions registered at run time (by a test, say), on top of the discovered ones.
_extra: dict[str, AppContributions] = {}


@cache
def _discovered() -> tuple[tuple[str, AppContributions], ...]:
    found = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "contributions"):
            continue
        module = import_module(f"{config.name}.contributions")
        contributions = getattr(module, "contributions", None)
        if not isinstance(contributions, AppContributions):
            raise ImproperlyConfigured(
                f"{config.name}.contributions must define `contributions = AppContributions(...)`"
            )
        found.append((config.label, contributions))
    return tuple(found)


def contributions() -> list[tuple[str, AppContributions]]:
    """(app label, its contributions), in INSTALLED_APPS order."""
    return [*_discovered(), *_extra.items()]


@contextmanager
def contributed(label: str, extra: AppContributions) -> Iterator[None]:
    """Add one app's contributions for the duration of the block (for tests of a host page)."""
    _extra[label] = extra
    try:
        yield
    finally:
        del _extra[label]


def missing_dependencies() -> list[tuple[str, list[str]]]:
    """(app, the apps it depends on that are not installed): a system check stops the site on these."""
    labels = {config.label for config in apps.get_app_configs()} | set(_extra)
    found = []
    for label, c in contributions():
        missing = [name for name in c.depends_on if name not in labels]
        if missing:
            found.append((label, missing))
    return found


def in_dependency_order() -> list[tuple[str, AppContributions]]:
    """Each app after the installed apps it depends on; otherwise in INSTALLED_APPS order."""
    pending = contributions()
    present = {label for label, _c in pending}
    done: list[tuple[str, AppContributions]] = []
    while pending:
        loaded = {label for label, _c in done}
        ready = [item for item in pending if set(item[1].depends_on) & present <= loaded]
        if not ready:
            circle = ", ".join(label for label, _c in pending)
            raise ImproperlyConfigured(f"Apps depend on each other in a circle: {circle}")
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def url_patterns() -> list:
    return [mount.pattern() for _label, c in contributions() for mount in c.urls]


def navigation_for(access) -> list[NavItem]:
    entries = sorted((e for _label, c in contributions() for e in c.navigation), key=lambda e: e.order)
    return [NavItem(e.label, reverse(e.url_name), e.url_name) for e in entries if e.visible(access)]


def _tasks(entries: Iterable[TaskEntry], access, organisation_id: str) -> list[Task]:
    return [
        task
        for entry in sorted(entries, key=lambda e: e.order)
        for task in entry.tasks(access, organisation_id)
    ]


def tasks_for_organisation(access, organisation_id: str) -> list[Task]:
    return _tasks((e for _label, c in contributions() for e in c.tasks), access, organisation_id)


def platform_tasks(access, organisation_id: str) -> list[Task]:
    """A platform administrator's seat shows these instead: running the platform, never case work."""
    return _tasks((e for _label, c in contributions() for e in c.platform_tasks), access, organisation_id)


def audit_labels() -> dict[str, Text]:
    labels: dict[str, Text] = {}
    for _label, c in contributions():
        labels.update(c.audit_labels)
    return labels


def audit_objects_from(module: str, kinds: Iterable[str]) -> dict[str, AuditResolver]:
    """`audit_objects` for an app's contributions: the resolvers in `module`'s AUDIT_OBJECTS, imported
    when first asked (contributions load before the app's queries may be imported)."""

    def resolver(kind: str):
        def resolve(access, events):
            return import_module(module).AUDIT_OBJECTS[kind](access, events)

        return resolve

    return {kind: resolver(kind) for kind in kinds}


def audit_objects_for(access, events) -> dict[tuple[str, str], AuditObject]:
    """The objects of these audit events as the viewer may see them, by (object type, object id): one
    resolver call per object type on the page, never one per event."""
    resolvers = {kind: r for _label, c in contributions() for kind, r in c.audit_objects.items()}
    by_type: dict[str, list] = {}
    for event in events:
        if event.object_type in resolvers and event.object_id:
            by_type.setdefault(event.object_type, []).append(event)
    found: dict[tuple[str, str], AuditObject] = {}
    for kind, of_kind in by_type.items():
        for object_id, obj in resolvers[kind](access, of_kind).items():
            found[(kind, str(object_id))] = obj
    return found


def public_pages() -> frozenset[str]:
    return frozenset().union(*(c.public_pages for _label, c in contributions()))


def url_walk_objects(world, canary: str) -> dict[str, Any]:
    objects: dict[str, Any] = {}
    for _label, c in in_dependency_order():
        if c.url_walk_objects is not None:
            objects.update(c.url_walk_objects(world, canary))
    return objects


def panels_for(page: str, request, obj) -> list[Panel]:
    """The fragments other apps add to `page` for `obj`, in INSTALLED_APPS order; a contributor that
    has nothing to show for this object (or this person) returns None and is left out."""
    found = []
    for label, c in contributions():
        panel = c.panels.get(page)
        html = panel(request, obj) if panel else None
        if html:
            # render_to_string gives safe HTML; a plain string is text and is escaped.
            found.append(Panel(label, conditional_escape(html)))
    return found


def timeline_events_for(page: str, request, obj) -> list[TimelineEvent]:
    """Every contributor's events for `obj` on `page`, oldest first."""
    events = []
    for label, c in contributions():
        source = c.timeline_events.get(page)
        if source:
            events += [
                TimelineEvent(e.at, conditional_escape(e.html), e.app or label) for e in source(request, obj)
            ]
    return sorted(events, key=lambda e: e.at)
