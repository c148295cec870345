"""Load version 2026.1 of the need taxonomy (strom/directory/data/need_taxonomy-2026.1.json). Each later
version comes with its own migration that loads that version, so a new database goes through every
published version in turn."""

from django.db import migrations


def sync(apps, schema_editor):
    from strom.directory.taxonomy import sync_need_terms

    sync_need_terms(apps.get_model("directory", "NeedTerm"), "2026.1")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_services_locations_needs")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
