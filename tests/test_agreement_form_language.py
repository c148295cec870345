"""Help texts are translated when the form is shown, not once when the module is imported (a "%" on a
lazy text translates it at once, in whatever language is active then: English, for everyone)."""

import pytest
from django.conf import settings
from django.urls import reverse

from strom.accounts.roles import Role
from tests.pathway_objects import published_chain

ENGLISH_HELP = "Only the parties and the coordinators can open it."


@pytest.fixture
def chain(world):
    return published_chain(world)


def test_it_shows_the_agreement_forms_help_in_latvian_with_the_language_cookie(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lv"

    html = client.get(reverse("pathways:agreement_edit", args=[chain.agreement.pk])).content.decode()

    assert ENGLISH_HELP not in html
    assert f"Ne vairāk kā {settings.STROM_MAX_UPLOAD_MB} MB" in html


def test_it_follows_each_requests_language_in_one_process(world, signed_in, chain):
    client = signed_in(world[Role.COORDINATOR])
    for language, expected in [
        ("lv", f"Ne vairāk kā {settings.STROM_MAX_UPLOAD_MB} MB"),
        ("en", f"At most {settings.STROM_MAX_UPLOAD_MB} MB. {ENGLISH_HELP}"),
        ("lv", f"Ne vairāk kā {settings.STROM_MAX_UPLOAD_MB} MB"),
    ]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert expected in client.get(reverse("pathways:agreement_new")).content.decode(), language
