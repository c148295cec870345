"""Backup and the restore drill (security.md 27, issue 7 item 13): the demo is backed up, restored into a
new database, and the restored copy verifies and matches the backup's manifest."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from strom.core.audit import log_event
from strom.core.backup import current_counts_and_head, postgresql_client, postgresql_program
from strom.core.models import AuditCheckpoint

BASE_DIR = Path(settings.BASE_DIR)
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")


def manage(database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """A management command in a fresh process, against the database named by ``database_url``."""
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="strom.settings.test", DATABASE_URL=database_url, STROM_VAR_DIR=str(var_dir)
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class RestoredDatabase:
    """A new, empty database of the same kind as the test database, with a backup restored into it;
    dropped again at the end."""

    def __init__(self, backup: Path, scratch: Path):
        self.backup = backup
        self.scratch = scratch
        self.settings_dict = connection.settings_dict
        self.name = None

    def __enter__(self) -> str:
        manifest = json.loads((self.backup / "manifest.json").read_text())
        dump = self.backup / manifest["database"]["file"]
        if connection.vendor == "sqlite":
            restored = self.scratch / "restored.sqlite3"
            shutil.copyfile(dump, restored)
            return f"sqlite:///{restored}"
        self.name = f"{self.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
        args, env = postgresql_client(self.settings_dict)
        subprocess.run([postgresql_program("createdb"), *args, self.name], env=env, check=True)
        subprocess.run(
            [
                postgresql_program("pg_restore"),
                *args,
                "--exit-on-error",
                "--no-owner",
                f"--dbname={self.name}",
                str(dump),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        user = self.settings_dict["USER"]
        password = f":{self.settings_dict['PASSWORD']}" if self.settings_dict.get("PASSWORD") else ""
        host = self.settings_dict.get("HOST") or "localhost"
        port = self.settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{self.name}"

    def __exit__(self, *exc):
        if self.name:
            args, env = postgresql_client(self.settings_dict)
            subprocess.run(
                [postgresql_program("dropdb"), *args, "--if-exists", self.name], env=env, check=True
            )


def test_it_restores_a_backup_of_the_demo_into_a_new_database_that_verifies(transactional_db, tmp_path):
    call_command("load_demo", "--quiet-personas")
    private = Path(settings.STROM_PRIVATE_FILES_DIR)
    (private / "drill").mkdir(parents=True, exist_ok=True)
    (private / "drill" / "test-agreement.pdf").write_bytes(b"%PDF-1.4 fictional test agreement\n")
    call_command("backup", "--output", str(tmp_path / "backup"))
    counts_before, head_before = current_counts_and_head()

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["row_counts"] == counts_before
    assert manifest["row_counts"]["core_auditcheckpoint"] == 1
    assert manifest["row_counts"]["accounts_user"] >= 8
    assert manifest["audit_head"] == head_before
    assert manifest["checkpoint"]["seq"] == head_before["seq"]
    with tarfile.open(tmp_path / "backup" / "private-files.tar.gz") as archive:
        assert "private/drill/test-agreement.pdf" in archive.getnames()

    with RestoredDatabase(tmp_path / "backup", tmp_path) as database_url:
        verified = manage(database_url, tmp_path / "var", "verify_audit")
        assert verified.returncode == 0, verified.stderr
        assert f"Audit trail intact: {head_before['seq']} events checked." in verified.stdout
        assert f"Matches the newest checkpoint: event {head_before['seq']}" in verified.stdout

        compared = manage(database_url, tmp_path / "var", "verify_restore", str(tmp_path / "backup"))
        assert compared.returncode == 0, compared.stderr
        assert "matches the backup" in compared.stdout


def test_it_names_what_differs_from_the_backup(transactional_db, tmp_path):
    log_event(actor=None, action="test.before_backup")
    call_command("backup", "--output", str(tmp_path / "backup"))
    call_command("verify_restore", str(tmp_path / "backup"))

    log_event(actor=None, action="test.after_backup")
    with (tmp_path / "backup" / "private-files.tar.gz").open("ab") as archive:
        archive.write(b"test damage")

    with pytest.raises(CommandError) as refused:
        call_command("verify_restore", str(tmp_path / "backup"))
    message = str(refused.value)
    assert "private-files.tar.gz does not match its SHA-256" in message
    assert "table core_auditevent: 1 rows in the backup, 2 in this database" in message
    assert "audit chain head: event 1 (" in message
    assert "backup, event 2 (" in message


def test_it_writes_a_checkpoint_first_and_refuses_a_folder_that_is_not_empty(transactional_db, tmp_path):
    log_event(actor=None, action="test.before_backup")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("test")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", "--output", str(tmp_path / "used"))
    call_command("backup", "--output", str(tmp_path / "fresh"))

    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [1]
    assert sorted(path.name for path in (tmp_path / "fresh").iterdir()) == sorted(
        [
            "manifest.json",
            "private-files.tar.gz",
            json.loads((tmp_path / "fresh" / "manifest.json").read_text())["database"]["file"],
        ]
    )
    assert all(path.stat().st_mode & 0o077 == 0 for path in (tmp_path / "fresh").iterdir())
