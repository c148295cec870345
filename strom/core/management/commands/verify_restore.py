from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from strom.core.backup import differences_from


class Command(BaseCommand):
    help = (
        "Compare the database Strom is connected to with a backup's manifest (row count of every table, "
        "audit chain head) and check the backup's checksums. Run it, and verify_audit, after a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup folder, holding manifest.json.")

    def handle(self, *args, **options):
        problems = differences_from(options["backup"])
        if problems:
            raise CommandError("The restore does not match the backup:\n" + "\n".join(problems))
        self.stdout.write(
            self.style.SUCCESS("The database matches the backup: every table and the audit head.")
        )
