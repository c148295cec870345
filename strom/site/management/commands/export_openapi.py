import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi-v1.json"


def current_schema_text() -> str:
    from strom.api.v1.api import api

    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write or check the committed snapshot of the API's OpenAPI document (docs/api/openapi-v1.json)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--write", action="store_true", help="Write the snapshot.")
        group.add_argument("--check", action="store_true", help="Fail if the snapshot is out of date.")

    def handle(self, *args, **options):
        text = current_schema_text()
        if options["write"]:
            SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
            SNAPSHOT.write_text(text)
            self.stdout.write(f"Wrote {SNAPSHOT.relative_to(settings.BASE_DIR)}.")
            return
        if not SNAPSHOT.exists() or SNAPSHOT.read_text() != text:
            raise CommandError(
                "The OpenAPI snapshot docs/api/openapi-v1.json is out of date: "
                "run `make openapi` and commit it."
            )
        self.stdout.write("The OpenAPI snapshot is current.")
