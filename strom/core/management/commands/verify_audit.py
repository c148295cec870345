from django.core.management.base import BaseCommand, CommandError

from strom.core.audit import verify_stored_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first edited, deleted or reordered event."

    def handle(self, *args, **options):
        problem, count = verify_stored_chain()
        if problem:
            raise CommandError(f"Audit trail broken at event {problem.seq}: {problem.reason}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} events checked."))
