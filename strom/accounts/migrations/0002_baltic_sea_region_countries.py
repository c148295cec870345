"""The member states of the Council of the Baltic Sea States, where Strom is first used. More can be
added by a platform administrator's data migration; a country is only a code and a name."""

from django.db import migrations

COUNTRIES = {
    "DK": "Denmark",
    "EE": "Estonia",
    "FI": "Finland",
    "DE": "Germany",
    "IS": "Iceland",
    "LV": "Latvia",
    "LT": "Lithuania",
    "NO": "Norway",
    "PL": "Poland",
    "SE": "Sweden",
}


def add_countries(apps, schema_editor):
    Country = apps.get_model("accounts", "Country")
    for code, name in COUNTRIES.items():
        Country.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_countries_organisations_users_memberships")]

    operations = [migrations.RunPython(add_countries, migrations.RunPython.noop)]
