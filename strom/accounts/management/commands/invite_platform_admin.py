from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from strom.accounts.actions import do_invite_first_platform_admin
from strom.accounts.models import Country, Organisation


class Command(BaseCommand):
    help = (
        "Start a new installation: create the operating organisation if needed and print a one-time "
        "invitation link for a platform administrator, who then sets a password and a second factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The administrator's work e-mail address.")
        parser.add_argument("--organisation", required=True, help="Name of the organisation that runs Strom.")
        parser.add_argument("--country", required=True, help="Two-letter code of its country, e.g. LV.")
        parser.add_argument("--language", default="en", help="Language of the administrator (default en).")

    def handle(self, *args, email, organisation, country, language, **options):
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError("That is not a valid e-mail address.") from exc
        country_row = Country.objects.filter(code=country.upper()).first()
        if country_row is None:
            known = ", ".join(Country.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown country code {country!r}. Known: {known}.")
        operator, _created = Organisation.objects.get_or_create(
            country=country_row, name=organisation, defaults={"kind": Organisation.Kind.OTHER}
        )
        link = do_invite_first_platform_admin(organisation=operator, email=email, language=language)
        self.stdout.write("Give this one-time link to the administrator in person (it is not e-mailed):")
        self.stdout.write(link)
