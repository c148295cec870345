"""A short, readable name for each municipality, for the public help page's address /help/lv/kalnupe/
(the one exception to opaque identifiers in URLs: strom/accounts/slugs.py). Existing municipalities
get theirs from their names, diacritics folded, numbered where two names of a country fold alike."""

from django.db import migrations, models

from strom.accounts.slugs import first_free, fold


def fill_slugs(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    taken: dict[str, set[str]] = {}
    # Oldest first would be fairer, but there is no creation date; by name, so the result is repeatable.
    for municipality in Municipality.objects.order_by("country_id", "name"):
        in_country = taken.setdefault(municipality.country_id, set())
        municipality.slug = first_free(fold(municipality.name), in_country)
        in_country.add(municipality.slug)
        municipality.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_more_organisation_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="slug",
            field=models.SlugField(
                blank=True, editable=False, max_length=70, verbose_name="short name in the public address"
            ),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="municipality",
            constraint=models.UniqueConstraint(
                fields=("country", "slug"), name="municipality_unique_slug_in_country"
            ),
        ),
    ]
