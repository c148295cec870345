"""Updating the free places changes every place that shows them: the box, the badge at the top of the
service page and "Up to date?", with htmx (out-of-band swaps) and without JavaScript (the page after the
POST)."""

import re

import pytest
from django.urls import reverse

from strom.accounts.roles import Role
from strom.directory.models import Service
from tests.test_directory import make_service


@pytest.fixture
def shelter(world):
    return make_service(world.ngo, (), ["lv"], name="Test shelter", capacity_total=6, capacity_free=2)


def _badges(html: str) -> str:
    return re.search(r'<ul class="badges" id="service-badges"[^>]*>(.*?)</ul>', html, re.S).group(0)


def test_it_swaps_the_badge_and_the_last_update_with_the_box(world, signed_in, shelter):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:update_capacity", args=[shelter.pk]),
        {"capacity_free": "5"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="capacity"' in html and "5 of 6 places free" in html
    badges = _badges(html)
    assert 'hx-swap-oob="true"' in badges and "5 of 6 places free" in badges and "2 of 6" not in badges
    verified = re.search(r'<section class="card" id="verified"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in verified
    shelter.refresh_from_db()
    assert shelter.capacity_free == 5 and shelter.capacity_updated_at is not None


def test_it_shows_the_new_number_in_the_badge_after_a_plain_post(world, signed_in, shelter):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:update_capacity", args=[shelter.pk]), {"capacity_free": "0"}, follow=True
    )
    html = response.content.decode()
    badges = _badges(html)
    assert "0 of 6 places free" in badges and "badge--warning" in badges
    assert "hx-swap-oob" not in html  # on a whole page nothing is out of band


def test_it_keeps_the_badge_and_says_why_when_the_number_is_refused(world, signed_in, shelter):
    client = signed_in(world[Role.SERVICE_PROVIDER])
    response = client.post(
        reverse("directory:update_capacity", args=[shelter.pk]),
        {"capacity_free": "9"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "2 of 6 places free" in _badges(html)
    assert 'aria-invalid="true"' in html and 'id="id_capacity_free_error"' in html
    assert Service.objects.get(pk=shelter.pk).capacity_free == 2
