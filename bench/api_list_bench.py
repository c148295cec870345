"""Benchmark of one API list page: GET /api/v1/services?limit=20 over a large directory.

Fills a scratch database with generated services (20,000 by default, each with a need, a language
and a location), then asks for the first page, a middle page and the last page several times and
prints the median and slowest time and the number of database queries per request. Before the lists
were paged in the database (issue 7, item 12) one such request took 10-12 s at 20,000 services.
It never touches the development database.

    .venv/bin/python bench/api_list_bench.py                       # SQLite under var/bench-api/
    .venv/bin/python bench/api_list_bench.py --database-url postgres://postgres@127.0.0.1:5432/strom_bench
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # The test settings: DEBUG=False (no query log slowing every call), no secrets needed.
    os.environ["DJANGO_SETTINGS_MODULE"] = "strom.settings.test"
    os.environ.setdefault("STROM_VAR_DIR", str(ROOT / "var" / "bench-api"))
    import django

    django.setup()


def fill(count: int) -> str:
    """The directory, and an API token of a coordinator of its municipality."""
    from django.core.management import call_command

    from strom.accounts.actions import do_create_api_token
    from strom.accounts.models import Country, Membership, Municipality, Organisation, User
    from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage
    from strom.directory.taxonomy import sync_need_terms

    call_command("migrate", verbosity=0)
    sync_need_terms(NeedTerm)
    country, _ = Country.objects.get_or_create(code="LV", defaults={"name": "Latvia"})
    home, _ = Municipality.objects.get_or_create(country=country, name="Bench municipality")
    organisation, _ = Organisation.objects.get_or_create(
        country=country, name="Bench organisation", defaults={"kind": "municipality", "municipality": home}
    )
    if Service.objects.count() != count:
        Service.objects.all().delete()
        Location.objects.all().delete()
        need = NeedTerm.objects.get(code="accommodation")
        services = Service.objects.bulk_create(
            Service(organisation=organisation, municipality=home, name=f"Service {n:05d}")
            for n in range(count)
        )
        places = Location.objects.bulk_create(
            Location(organisation=organisation, municipality=home, name=f"Place {n:05d}", city="Bench")
            for n in range(count)
        )
        Service.needs.through.objects.bulk_create(
            Service.needs.through(service_id=s.pk, needterm_id=need.pk) for s in services
        )
        ServiceLanguage.objects.bulk_create(ServiceLanguage(service=s, code="lv") for s in services)
        links = zip(services, places, strict=True)
        Service.locations.through.objects.bulk_create(
            Service.locations.through(service_id=s.pk, location_id=p.pk) for s, p in links
        )
    user, _ = User.objects.get_or_create(username="bench-coordinator")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": "coordinator"})
    return do_create_api_token(actor=user, name="bench", days=1)[1]


def measure(token: str, count: int, rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for offset in (0, count // 2, max(0, count - 20)):
        url = f"/api/v1/services?limit=20&offset={offset}"
        timings, queries = [], 0
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            queries = len(captured.captured_queries)
        print(
            f"{url:45} median {statistics.median(timings) * 1000:7.1f} ms   "
            f"slowest {max(timings) * 1000:7.1f} ms   {queries} queries   "
            f"{len(response.json()['items'])} of {response.json()['count']} services"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    var = Path(os.environ.get("STROM_VAR_DIR", ROOT / "var" / "bench-api"))
    var.mkdir(parents=True, exist_ok=True)
    configure(args.database_url or f"sqlite:///{var / 'api_list_bench.sqlite3'}")
    started = time.perf_counter()
    token = fill(args.services)
    print(f"{args.services} services ready in {time.perf_counter() - started:.1f} s")
    measure(token, args.services, args.rounds)


if __name__ == "__main__":
    main()
