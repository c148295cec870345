"""Benchmark of service matching (strom.directory.queries.match_services).

Fills a scratch database with generated services (20,000 by default), then times matching queries
with random needs, languages, age groups and places, and prints p50/p95 latency and the number of
database queries per match. It never touches the development database.

    .venv/bin/python bench/match_bench.py                          # SQLite under var/bench/
    .venv/bin/python bench/match_bench.py --database-url postgres://postgres@127.0.0.1:5432/strom_bench
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # The test settings: production's DEBUG=False (no query log slowing every call), no secrets needed.
    os.environ["DJANGO_SETTINGS_MODULE"] = "strom.settings.test"
    os.environ.setdefault("STROM_VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def fill(count: int, seed: int) -> None:
    from django.core.management import call_command

    from strom.accounts.models import Country, Municipality, Organisation
    from strom.directory.models import Location, NeedTerm, Service, ServiceLanguage, frame_codes, need_mask

    call_command("migrate", verbosity=0)
    if Service.objects.exclude(need_mask=0).count() >= count:
        return
    rng = random.Random(seed)
    country, _ = Country.objects.get_or_create(code="LV", defaults={"name": "Latvia"})
    municipalities = [
        Municipality.objects.get_or_create(country=country, name=f"Bench municipality {n}")[0]
        for n in range(40)
    ]
    organisations = [
        Organisation.objects.get_or_create(
            country=country,
            name=f"Bench organisation {n}",
            defaults={"kind": "ngo", "municipality": municipalities[n % 40]},
        )[0]
        for n in range(400)
    ]
    positions = dict(NeedTerm.objects.values_list("code", "position"))
    needs = list(positions)
    languages = ["lv", "ru", "en", "uk", "et", "lt", "pl", "de"]
    Service.objects.all().delete()
    Location.objects.all().delete()
    services, places = [], []
    for n in range(count):
        organisation = organisations[n % 400]
        capacity = rng.choice([None, 5, 10])
        services.append(
            Service(
                organisation=organisation,
                municipality=organisation.municipality,
                name=f"Service {n}",
                serves_children=rng.random() < 0.3,
                is_unconditional=rng.random() < 0.8,
                available_24_7=rng.random() < 0.2,
                capacity_total=capacity,
                capacity_free=rng.randint(0, capacity) if capacity else None,
            )
        )
        places.append(
            Location(
                organisation=organisation,
                municipality=organisation.municipality,
                name=f"Place {n}",
                latitude=Decimal(f"{rng.uniform(55.7, 58.0):.6f}"),
                longitude=Decimal(f"{rng.uniform(21.0, 28.2):.6f}"),
                is_confidential=rng.random() < 0.1,
            )
        )
    Service.objects.bulk_create(services, batch_size=2000)
    for place in places:
        place.set_map_position()  # bulk_create does not call save()
    Location.objects.bulk_create(places, batch_size=2000)
    need_links, language_rows, location_links = [], [], []
    for service, place in zip(services, places, strict=True):
        chosen_needs = rng.sample(needs, rng.randint(1, 4))
        chosen_languages = rng.sample(languages, rng.randint(1, 3))
        need_links += [
            Service.needs.through(service_id=service.pk, needterm_id=code) for code in chosen_needs
        ]
        language_rows += [ServiceLanguage(service=service, code=code) for code in chosen_languages]
        location_links.append(Service.locations.through(service_id=service.pk, location_id=place.pk))
        service.need_mask = need_mask(positions[code] for code in chosen_needs)
        service.language_codes = frame_codes(chosen_languages)
    Service.objects.bulk_update(services, ["need_mask", "language_codes"], batch_size=2000)
    Service.needs.through.objects.bulk_create(need_links, batch_size=5000)
    ServiceLanguage.objects.bulk_create(language_rows, batch_size=5000)
    Service.locations.through.objects.bulk_create(location_links, batch_size=5000)
    _refresh_statistics()


def _refresh_statistics() -> None:
    """What autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) gives a real database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(runs: int, seed: int) -> tuple[list[float], set[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from strom.directory.models import NeedTerm
    from strom.directory.queries import match_services

    rng = random.Random(seed + 1)
    needs = list(NeedTerm.objects.values_list("code", flat=True))
    timings, query_counts = [], set()
    for run in range(runs + 10):
        kwargs = {
            "language": rng.choice(["", "lv", "ru", "uk", "en"]),
            "age_group": rng.choice(["", "adult", "child"]),
        }
        if rng.random() < 0.5:
            kwargs |= {"near": (rng.uniform(56.0, 57.5), rng.uniform(22.0, 27.0)), "radius_km": 50}
        chosen = rng.sample(needs, rng.randint(1, 3))
        started = time.perf_counter()
        match_services(chosen, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        if run >= 10:  # the first runs warm the caches
            timings.append(elapsed)
        if run % 10 == 0:  # counted apart from the timed calls: capturing SQL costs time itself
            with CaptureQueriesContext(connection) as queries:
                match_services(chosen, **kwargs)
            query_counts.add(len(queries))
    return timings, query_counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}")
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    configure(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    fill(args.services, args.seed)
    filled = time.perf_counter() - started
    print(f"database: {connection.vendor}; services: {args.services}; filled in {filled:.1f} s")
    timings, query_counts = measure(args.runs, args.seed)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"match_services over {len(timings)} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms; queries per match: {sorted(query_counts)}"
    )


if __name__ == "__main__":
    main()
