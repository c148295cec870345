from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from strom.core.backup import BackupError, default_output, write_backup
from strom.core.checkpoints import CheckpointRefused


class Command(BaseCommand):
    help = (
        "Write an audit checkpoint, then back up the database (PostgreSQL: pg_dump custom format; "
        "SQLite: the online backup API) and the private files, with a manifest of row counts, the "
        "audit chain head and checksums. See docs/deployment.md for restoring."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="A new or empty folder (default: STROM_BACKUP_DIR/strom-<time>)."
        )

    def handle(self, *args, **options):
        output = options["output"] or default_output()
        try:
            manifest = write_backup(output)
        except (BackupError, CheckpointRefused) as exc:
            raise CommandError(f"Backup failed: {exc}.") from exc
        head = manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: {sum(manifest['row_counts'].values())} rows in "
                f"{len(manifest['row_counts'])} tables, audit head "
                + (f"event {head['seq']} ({head['hash']})." if head else "none (empty trail).")
            )
        )
