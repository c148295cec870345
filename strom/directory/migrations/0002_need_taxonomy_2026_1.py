"""Load the need taxonomy from strom/directory/data/need_taxonomy.json. A later version of the file
comes with its own migration that calls the same function (or `manage.py sync_need_taxonomy`)."""

from django.db import migrations


def sync(apps, schema_editor):
    from strom.directory.taxonomy import sync_need_terms

    sync_need_terms(apps.get_model("directory", "NeedTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_services_locations_needs")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
