"""Placeholder: the need taxonomy 2026.2 (filled in by the taxonomy work)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_encrypt_location_address_and_position")]

    operations = []
