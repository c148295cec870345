"""Back up the database and the private files, and check a restored copy against the backup's manifest
(security.md 27, issue 7 item 13).

A backup is one folder: the database (PostgreSQL: ``pg_dump --format=custom``; SQLite: the online
backup API, a consistent copy while Strom runs), a tar.gz of ``STROM_PRIVATE_FILES_DIR``, and
``manifest.json`` with the row count of every table and the audit chain's head, both read from the
same snapshot as the dump, and the SHA-256 of each file. The audit checkpoint is written first, so the
backup holds a signed head too.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
FILES_ARCHIVE = "private-files.tar.gz"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    pass


def postgresql_client(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump, pg_restore, createdb and dropdb, and their environment. The
    password goes in PGPASSWORD, never on the command line where `ps` would show it."""
    args = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    for option, variable in _LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return args, env


def postgresql_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts_and_head(cursor, tables: list[str]) -> tuple[dict[str, int], dict | None]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT seq, hash FROM core_auditevent ORDER BY seq DESC LIMIT 1")
    row = cursor.fetchone()
    return counts, ({"seq": row[0], "hash": row[1]} if row else None)


def current_counts_and_head() -> tuple[dict[str, int], dict | None]:
    """Row counts and audit head of the database Strom is connected to."""
    with connection.cursor() as cursor:
        return _counts_and_head(cursor, connection.introspection.table_names(cursor))


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict | None]:
    if connection.in_atomic_block:
        raise BackupError("run the backup outside a transaction: it needs a snapshot of its own")
    args, env = postgresql_client(connection.settings_dict)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the exported snapshot, so the dump, the counts and the head agree exactly.
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                postgresql_program("pg_dump"),
                *args,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return _counts_and_head(cursor, connection.introspection.table_names(cursor))


def _copy_sqlite(target: Path) -> tuple[dict[str, int], dict | None]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # Counted in the copy itself: exactly what was backed up.
        tables = [
            name
            for (name,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return _counts_and_head(copy.cursor(), tables)
    finally:
        copy.close()


def _archive_private_files(target: Path) -> None:
    source = Path(settings.STROM_PRIVATE_FILES_DIR)
    with tarfile.open(target, "w:gz") as archive:
        if source.is_dir():
            archive.add(source, arcname="private")


def default_output() -> Path:
    return Path(settings.STROM_BACKUP_DIR) / f"strom-{timezone.now():%Y%m%dT%H%M%SZ}"


def write_backup(output: Path) -> dict:
    """Write a backup into ``output`` (a new or empty folder) and return its manifest."""
    from strom.core.checkpoints import write_checkpoint

    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    checkpoint, _written = write_checkpoint()

    vendor = connection.vendor
    if vendor == "postgresql":
        database_file = POSTGRESQL_DUMP
        counts, head = _dump_postgresql(output / database_file)
    elif vendor == "sqlite":
        database_file = SQLITE_COPY
        counts, head = _copy_sqlite(output / database_file)
    else:
        raise BackupError(f"no backup method for {vendor}")
    _archive_private_files(output / FILES_ARCHIVE)

    files = [database_file, FILES_ARCHIVE]
    for name in files:
        (output / name).chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "private_files": FILES_ARCHIVE,
        "row_counts": counts,
        "audit_head": head,
        "checkpoint": (
            {"seq": checkpoint.seq, "hash": checkpoint.hash, "key_id": checkpoint.key_id}
            if checkpoint
            else None
        ),
        "sha256": {name: sha256_of(output / name) for name in files},
    }
    manifest_path = output / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest_path.chmod(0o600)
    return manifest


def _describe(head: dict | None) -> str:
    return f"event {head['seq']} ({head['hash']})" if head else "no events"


def differences_from(folder: Path) -> list[str]:
    """How the backup in ``folder`` and the database Strom is connected to differ: damaged files, and
    tables or an audit head that do not match the manifest. Empty after a faithful restore."""
    manifest = json.loads((folder / MANIFEST).read_text())
    problems = []
    for name, expected in manifest["sha256"].items():
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing from the backup")
        elif sha256_of(path) != expected:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    counts, head = current_counts_and_head()
    for table in sorted(set(manifest["row_counts"]) | set(counts)):
        backed_up, restored = manifest["row_counts"].get(table), counts.get(table)
        if backed_up != restored:
            problems.append(f"table {table}: {backed_up} rows in the backup, {restored} in this database")
    if head != manifest["audit_head"]:
        problems.append(
            f"audit chain head: {_describe(manifest['audit_head'])} in the backup, "
            f"{_describe(head)} in this database"
        )
    return problems
