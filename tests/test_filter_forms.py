"""The count of active filters in a folded filter form's summary (strom/core/templatetags/filter_forms.py)."""

import pytest
from django import forms
from django.http import QueryDict

from strom.core.templatetags.filter_forms import active_filter_count


class Filters(forms.Form):
    text = forms.CharField(required=False)
    need = forms.ChoiceField(required=False, choices=[("", "Any"), ("legal", "Legal")])
    languages = forms.MultipleChoiceField(required=False, choices=[("lv", "lv"), ("ru", "ru")])
    open_24_7 = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 0),
        ("page=3", 0),
        ("text=+++&need=", 0),
        ("text=night", 1),
        ("need=legal&open_24_7=on", 2),
        ("languages=lv&languages=ru", 1),
        ("text=x&need=legal&languages=ru&open_24_7=on&page=2", 4),
    ],
)
def test_it_counts_the_fields_the_request_set(query, expected):
    assert active_filter_count(Filters(QueryDict(query))) == expected


def test_it_counts_nothing_for_an_unbound_form():
    assert active_filter_count(Filters(initial={"text": "preset"})) == 0
