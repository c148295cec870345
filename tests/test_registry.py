"""The registry apps plug into (strom/core/registry.py): what one app adds to another app's pages,
the order demos load in, and the checks that keep a half-removed app from starting."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import engines
from django.test import RequestFactory

from strom.accounts.roles import Role
from strom.core import registry
from strom.core.registry import AppContributions, TimelineEvent

# A host page that does not exist yet: cases will show what referrals and costs add to a case.
HOST = "cases.case_detail"


def _render(source: str, context: dict, request) -> str:
    return engines["django"].from_string(source).render(context, request)


def _costs_panel(request, case):
    if request.user.username != "coordinator":
        return None  # nothing for this person: the panel is left out
    return _render("<section>Estimate for {{ case }}</section>", {"case": case}, request)


def _referral_events(request, case):
    return [
        TimelineEvent(datetime(2026, 3, 2, tzinfo=UTC), _render("<p>Referral sent</p>", {}, request)),
        TimelineEvent(datetime(2026, 3, 9, tzinfo=UTC), _render("<p>Referral accepted</p>", {}, request)),
    ]


def _screening_events(request, case):
    return [TimelineEvent(datetime(2026, 3, 5, tzinfo=UTC), _render("<p>Screened</p>", {}, request))]


def _request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_collects_every_contributors_panel_for_a_host_page(world):
    costs = AppContributions(panels={HOST: _costs_panel})
    with registry.contributed("costs_test", costs):
        panels = registry.panels_for(HOST, _request_by(world[Role.COORDINATOR]), "case <7>")
        assert [(p.app, str(p.html)) for p in panels] == [
            ("costs_test", "<section>Estimate for case &lt;7&gt;</section>")
        ]
        assert registry.panels_for(HOST, _request_by(world[Role.CASEWORKER]), "case 7") == []
        assert registry.panels_for("cases.case_list", _request_by(world[Role.COORDINATOR]), "case 7") == []
    assert registry.panels_for(HOST, _request_by(world[Role.COORDINATOR]), "case 7") == []


def test_it_escapes_a_panel_given_as_plain_text(world):
    careless = AppContributions(panels={HOST: lambda request, case: "<script>alert(1)</script>"})
    with registry.contributed("careless_test", careless):
        (panel,) = registry.panels_for(HOST, _request_by(world[Role.COORDINATOR]), "case 7")
    assert str(panel.html) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_it_merges_timeline_events_of_several_apps_oldest_first(world):
    request = _request_by(world[Role.CASEWORKER])
    with (
        registry.contributed("referrals_test", AppContributions(timeline_events={HOST: _referral_events})),
        registry.contributed("screening_test", AppContributions(timeline_events={HOST: _screening_events})),
    ):
        events = registry.timeline_events_for(HOST, request, "case 7")
    assert [(e.app, str(e.html)) for e in events] == [
        ("referrals_test", "<p>Referral sent</p>"),
        ("screening_test", "<p>Screened</p>"),
        ("referrals_test", "<p>Referral accepted</p>"),
    ]


def test_it_orders_the_installed_apps_after_what_they_depend_on():
    order = [label for label, _c in registry.in_dependency_order()]
    assert order.index("accounts") < order.index("directory") < order.index("pathways")
    with (
        registry.contributed("needs_later_test", AppContributions(depends_on=("later_test",))),
        registry.contributed("later_test", AppContributions(depends_on=("pathways",))),
    ):
        order = [label for label, _c in registry.in_dependency_order()]
    assert order[-2:] == ["later_test", "needs_later_test"]


def test_it_refuses_apps_that_depend_on_each_other_in_a_circle():
    with (
        registry.contributed("chicken_test", AppContributions(depends_on=("egg_test",))),
        registry.contributed("egg_test", AppContributions(depends_on=("chicken_test",))),
        pytest.raises(ImproperlyConfigured, match="chicken_test, egg_test"),
    ):
        registry.in_dependency_order()


def test_it_stops_the_site_when_an_app_needs_one_that_is_not_installed():
    call_command("check")
    with (
        registry.contributed("referrals_test", AppContributions(depends_on=("cases_test",))),
        pytest.raises(SystemCheckError, match=r"strom\.E001.*'referrals_test' depends on cases_test"),
    ):
        call_command("check")


def test_it_gives_each_audit_action_one_label_from_one_app():
    owners = {}
    for label, contributions in registry.contributions():
        for action in contributions.audit_labels:
            assert action not in owners, f"{action} is labelled by {owners[action]} and {label}"
            owners[action] = label
    assert owners["directory.service.created"] == "directory"
    assert owners["access.refused"] == "core"


def test_it_mounts_the_pages_of_every_installed_app():
    prefixes = [str(pattern.pattern) for pattern in registry.url_patterns()]
    assert prefixes == ["", "accounts/", "directory/", "help/", "pathways/", ""]
