from django.core.management.base import BaseCommand

from strom.directory.models import NeedTerm
from strom.directory.taxonomy import CURRENT_VERSION, sync_need_terms


class Command(BaseCommand):
    help = "Bring the need taxonomy in the database in step with its current version (strom/directory/data/)."

    def handle(self, *args, **options):
        changed = sync_need_terms(NeedTerm)
        self.stdout.write(f"Need taxonomy {CURRENT_VERSION}: {changed} terms created or changed.")
