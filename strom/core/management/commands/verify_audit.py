from django.core.management.base import BaseCommand, CommandError

from strom.core.checkpoints import verify_trail


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain and name the first edited, deleted or reordered event; check "
        "that the newest signed checkpoint (and the checkpoint file, if configured) still matches."
    )

    def handle(self, *args, **options):
        report = verify_trail()
        if report.problems:
            raise CommandError("\n".join(report.problems))
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {report.events} events checked."))
        for note in report.notes:
            self.stdout.write(note)
