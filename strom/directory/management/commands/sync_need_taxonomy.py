from django.core.management.base import BaseCommand

from strom.directory.models import NeedTerm
from strom.directory.taxonomy import sync_need_terms, taxonomy


class Command(BaseCommand):
    help = "Bring the need taxonomy in the database in step with strom/directory/data/need_taxonomy.json."

    def handle(self, *args, **options):
        changed = sync_need_terms(NeedTerm)
        self.stdout.write(f"Need taxonomy {taxonomy()['version']}: {changed} terms created or changed.")
