"""The suite itself (issue 8): a test waits for a condition, never for the clock, and measures no time
(a benchmark belongs in bench/); and the repository tracks nothing that a run generates."""

import ast
import re
import subprocess
import tempfile
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
TESTS = BASE_DIR / "tests"

# Modules whose only use in a test would be to sleep or to read a stopwatch. Clock logic moves the
# clock instead: time_machine, and django.utils.timezone for "now".
CLOCK_MODULES = {"time", "timeit"}
# Calls that sleep or measure, whatever module they come from (asyncio.sleep, Playwright's
# page.wait_for_timeout, a perf_counter imported under another name).
CLOCK_NAMES = {
    "sleep",
    "wait_for_timeout",
    "perf_counter",
    "perf_counter_ns",
    "monotonic",
    "monotonic_ns",
    "process_time",
    "process_time_ns",
    "thread_time",
    "time_ns",
    "timeit",
}


def clock_uses(source: str) -> list[str]:
    """Each line of ``source`` that sleeps, reads a stopwatch or imports a module to do so."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name in CLOCK_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES:
            found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Attribute) and node.attr in CLOCK_NAMES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in CLOCK_NAMES:
            found.append(f"{node.lineno}: {node.id}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import time\ntime.sleep(1)",
        "from time import perf_counter\nstarted = perf_counter()",
        "import timeit",
        "import time as clock",
        "import asyncio\nasyncio.sleep(0.1)",
        "page.wait_for_timeout(500)",
        "elapsed = clock.monotonic() - started",
    ],
)
def test_it_recognises_a_sleep_or_a_stopwatch(source):
    assert clock_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "import time_machine\nwith time_machine.travel(0): pass",
        "from django.utils import timezone\nnow = timezone.now()",
        "from datetime import timedelta\nlater = timedelta(minutes=5)",
        "page.get_by_text('Saved').wait_for()",
        "subprocess.run(['true'], timeout=120)",
    ],
)
def test_it_lets_clock_logic_and_waiting_for_a_condition_pass(source):
    assert clock_uses(source) == []


def test_it_finds_no_test_that_sleeps_or_measures_time():
    offenders = {
        str(path.relative_to(BASE_DIR)): uses
        for path in sorted(TESTS.rglob("*.py"))
        if (uses := clock_uses(path.read_text()))
    }
    assert offenders == {}, "wait for a condition (Playwright wait_for) or move the clock (time_machine)"


# What a run, a build or a developer's tools generate: none of it belongs in the repository.
GENERATED = [
    ".schemathesis/*",
    ".hypothesis/*",
    ".pytest_cache/*",
    ".ruff_cache/*",
    "*__pycache__/*",
    "*.pyc",
    "*.mo",
    "var/*",
    "staticfiles/*",
    "*.sqlite3",
    "*.sqlite3-*",
    "*.sqlite3_gw*",
    "test-results/*",
    "playwright-report/*",
    ".coverage",
    "htmlcov/*",
    ".venv/*",
]
# One example of each, to show that .gitignore keeps it out of `git add`.
GENERATED_EXAMPLES = [
    ".schemathesis/default/cache/crashes/manifest.json",
    ".hypothesis/examples/0123abcd/4567ef",
    ".pytest_cache/v/cache/nodeids",
    ".ruff_cache/CACHEDIR.TAG",
    "strom/core/__pycache__/audit.cpython-311.pyc",
    "strom/locale/lv/LC_MESSAGES/django.mo",
    "var/test.sqlite3_gw1",
    "var/bench-api/strom.sqlite3",
    "staticfiles/strom/site.css",
    "test-results/trace.zip",
    ".venv/bin/python",
]
KEPT = {"var/.gitkeep"}


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=BASE_DIR, capture_output=True, text=True, timeout=60, check=False
    )


def test_it_tracks_no_generated_file():
    listed = git("ls-files", "-z")
    assert listed.returncode == 0, listed.stderr
    tracked = [path for path in listed.stdout.split("\0") if path and path not in KEPT]
    generated = [path for path in tracked if any(fnmatch(path, pattern) for pattern in GENERATED)]
    assert generated == []


@pytest.mark.parametrize("path", GENERATED_EXAMPLES)
def test_it_ignores_generated_files(path):
    assert git("check-ignore", "--no-index", "--quiet", path).returncode == 0, f"{path} is not ignored"


def test_it_gives_each_parallel_worker_a_database_and_folders_of_its_own(request, db):
    """pytest-xdist runs the suite in worker processes gw0, gw1...: pytest-django adds the worker to the
    test database's name (the SQLite file and the PostgreSQL database alike), the live server of the
    browser tests listens on a free port of its own, and uploads and the outbox go to folders that
    settings/test.py makes anew in each process."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    name = str(connection.settings_dict["NAME"])
    if worker:
        assert name.endswith(f"_{worker}")
    else:
        assert not re.search(r"_gw\d+$", name)
    scratch = Path(tempfile.gettempdir())
    private, outbox = Path(settings.STROM_PRIVATE_FILES_DIR), Path(settings.STROM_OUTBOX_DIR)
    assert private.parent == scratch and private.name.startswith("strom-test-private-")
    assert outbox.parent == scratch and outbox.name.startswith("strom-test-outbox-")
