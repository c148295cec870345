"""Re-seal every encrypted value under the newest key (security.md 13).

Put the new key first in STROM_FIELD_KEYS ("new:...,old:..."), restart the web servers and the worker
so that they write under it, then run this. Rows already under the new key are left alone, so a run that
stops half-way (or is stopped with --limit) is resumed by running it again. When --check passes, the
old key can be removed from STROM_FIELD_KEYS.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from strom.core.audit import log_event
from strom.core.fields import encrypted_fields, field_keyring


def _stale(fields, current_id: str) -> models.Q:
    """Rows with at least one value sealed under another key than the current one."""
    stale = models.Q()
    for field in fields:
        stale |= (
            models.Q(**{f"{field.name}__isnull": False})
            & ~models.Q(**{field.name: ""})
            & ~models.Q(**{f"{field.name}__sealed_with": current_id})
        )
    return stale


def _reseal_batch(model, fields, current_id: str, size: int) -> int:
    names = [field.attname for field in fields]
    with transaction.atomic():
        rows = list(
            model._base_manager.filter(_stale(fields, current_id))
            .order_by("pk")
            .select_for_update()
            .only(*names)[:size]
        )
        for row in rows:
            # update(), not save(): no auto_now field moves, no signal fires; the values are re-sealed
            # by the fields themselves, under the current key.
            model._base_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
    return len(rows)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value that is not under the newest key of STROM_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")
        parser.add_argument(
            "--limit", type=int, default=None, help="stop after this many rows; run again to go on"
        )
        parser.add_argument("--dry-run", action="store_true", help="only count the rows that would change")
        parser.add_argument(
            "--check", action="store_true", help="exit non-zero if any value is still under an older key"
        )

    def handle(self, *args, batch_size, limit, dry_run, check, **options):
        if batch_size < 1 or (limit is not None and limit < 1):
            raise CommandError("--batch-size and --limit must be at least 1.")
        current_id = field_keyring().current_id
        targets = [(model, fields) for model in apps.get_models() if (fields := encrypted_fields(model))]
        if dry_run or check:
            self._count(targets, current_id, check=check)
            return
        counts: dict[str, int] = {}
        try:
            for model, fields in targets:
                counts[model._meta.label_lower] = self._rotate(
                    model, fields, current_id, batch_size, limit, counts
                )
        finally:
            left = sum(
                model._base_manager.filter(_stale(fields, current_id)).count() for model, fields in targets
            )
            log_event(
                actor=None,
                action="core.field_keys.rotated",
                details={
                    "key_id": current_id,
                    "rows": sum(counts.values()),
                    "rows_left": left,
                    "models": counts,
                },
            )
        self.stdout.write(
            self.style.SUCCESS(f"Under key {current_id} now; rows still under an older key: {left}.")
        )

    def _rotate(self, model, fields, current_id, batch_size, limit, counts) -> int:
        done = 0
        while True:
            room = None if limit is None else limit - sum(counts.values()) - done
            if room is not None and room <= 0:
                break
            size = batch_size if room is None else min(batch_size, room)
            resealed = _reseal_batch(model, fields, current_id, size)
            done += resealed
            if resealed < size:
                break
        self.stdout.write(f"{model._meta.label_lower}: {done} rows re-encrypted")
        return done

    def _count(self, targets, current_id: str, *, check: bool) -> None:
        total = 0
        for model, fields in targets:
            stale = model._base_manager.filter(_stale(fields, current_id)).count()
            total += stale
            self.stdout.write(f"{model._meta.label_lower}: {stale} rows under an older key")
        if check and total:
            raise CommandError(
                f"{total} rows are still under an older key than {current_id}: run rotate_field_keys."
            )
        self.stdout.write(self.style.SUCCESS(f"{total} rows to re-encrypt under key {current_id}."))
