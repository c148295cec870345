from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from strom.accounts.demo import PERSONAS
from strom.accounts.otp import format_backup_code
from strom.core.audit import log_event
from strom.core.demo import after_demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo data (idempotent) and print how each demo persona signs in."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-personas", action="store_true", help="Do not print the sign-in table.")

    def handle(self, *args, **options):
        if not settings.STROM_DEMO_ENABLED:
            raise CommandError("Demo data is disabled in these settings (STROM_DEMO_ENABLED is off).")
        changed = load_demo()
        if changed:
            log_event(actor=None, action="platform.demo_loaded")
        self.stdout.write(
            self.style.SUCCESS("Demo data is loaded." if changed else "Demo data was already loaded.")
        )
        if changed:
            # What new demo data makes due goes out now (into the demo outbox in development), not only
            # at the next hourly run: a demo agreement that ends within a month, say.
            after_demo_loaded()
        if not options["quiet_personas"]:
            self._print_personas()

    def _print_personas(self):
        write = self.stdout.write
        write("")
        write("Demo personas (all fictional). Sign in with the username and password, then give")
        write("a backup code below (each works once; `make run` restores them), or the current code from")
        write("  .venv/bin/python manage.py print_demo_code USERNAME")
        write("")
        write(f"{'username':<12} {'password':<24} {'role':<22} backup codes")
        for persona in PERSONAS:
            codes = "  ".join(format_backup_code(code) for code in persona.backup_codes[:3])
            write(f"{persona.username:<12} {persona.password:<24} {persona.role:<22} {codes}")
        write("")
        write("The coordinator works for Kalnupe and for Priedkalne, a municipality with no services yet:")
        write("choose Priedkalne to try an HSDS import into an empty directory.")
        write("")
        write("What is shared: every member of any organisation, the outsider (a coordinator in Estonia)")
        write("too, sees the service directory and map of every municipality, without confidential")
        write("addresses, and may export it: services are there to refer people across borders.")
        write("What is not: a municipality's gaps, referral pathways and agreements (its organisations'")
        write("members and its country's national coordinators only), an organisation's members and")
        write("audit trail (that organisation only), inactive services, confidential addresses.")
        write("")
        write("E-mails are not sent in the demo: invitations, password resets and reminders are listed")
        write("on the demo outbox page, /demo/outbox/ (linked from the banner on every page).")
        write("")
