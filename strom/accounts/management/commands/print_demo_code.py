from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from strom.accounts.demo import PERSONAS


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo persona (demo installations only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.STROM_DEMO_ENABLED:
            raise CommandError("Demo data is disabled in these settings (STROM_DEMO_ENABLED is off).")
        persona = next((p for p in PERSONAS if p.username == options["username"]), None)
        if persona is None:
            names = ", ".join(p.username for p in PERSONAS)
            raise CommandError(f"No demo persona of that name. Choose one of: {names}.")
        self.stdout.write(f"{totp(bytes.fromhex(persona.totp_key)):06d}")
