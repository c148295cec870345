"""Links in e-mails use the address the server really answers on: `make run PORT=8001` passes the port
to the settings of the web process and of the background worker (scripts/run-dev.sh, STROM_PORT)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Only what a Python process needs to run; nothing that Strom's settings read is inherited.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")

PRINT_ADDRESS = (
    "import django; django.setup(); from django.conf import settings; print(settings.STROM_BASE_URL)"
)


@pytest.fixture
def dev_env(tmp_path) -> dict[str, str]:
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="strom.settings.dev", STROM_VAR_DIR=str(tmp_path))
    return env


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_it_takes_the_address_from_the_port_the_server_runs_on(dev_env):
    assert _python(PRINT_ADDRESS, {**dev_env, "STROM_PORT": "8001"}) == "http://127.0.0.1:8001"


def test_it_keeps_port_8000_when_no_port_is_given(dev_env):
    assert _python(PRINT_ADDRESS, dev_env) == "http://127.0.0.1:8000"


def test_it_prefers_an_address_set_in_full(dev_env):
    env = {**dev_env, "STROM_PORT": "8001", "STROM_BASE_URL": "https://strom.example.org"}
    assert _python(PRINT_ADDRESS, env) == "https://strom.example.org"


def test_it_builds_an_invitation_link_on_port_8001_in_a_management_command(dev_env):
    code = "from strom.accounts.actions import invitation_link; print(invitation_link('s3cret'))"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env={**dev_env, "STROM_PORT": "8001"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "http://127.0.0.1:8001/accounts/invitations/s3cret/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads process environments in /proc")
def test_it_gives_the_port_to_both_the_web_server_and_the_worker(dev_env):
    port = _free_port()
    script = subprocess.Popen(
        ["bash", "scripts/run-dev.sh", str(port)],
        cwd=BASE_DIR,
        env={**dev_env, "PYTHONUNBUFFERED": "1"},  # the server's banner arrives as it is printed
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, ended below by its id
    )
    try:
        lines = []
        while not lines or "Starting development server" not in lines[-1]:
            line = script.stdout.readline()  # "" once the script has ended
            assert line, f"run-dev.sh ended early: {lines}"
            lines.append(line)
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        children = Path(f"/proc/{script.pid}/task/{script.pid}/children").read_text().split()
        commands = {
            int(pid): Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for pid in children
        }
        worker = next(pid for pid, command in commands.items() if "run_huey" in command)
        web = next(pid for pid, command in commands.items() if "runserver" in command)
        for pid in (worker, web):
            assert _environment_of(pid).get("STROM_PORT") == str(port)
    finally:
        os.killpg(script.pid, signal.SIGTERM)
        script.wait(timeout=30)


def test_it_refuses_a_port_that_is_not_a_number(dev_env):
    done = subprocess.run(
        ["bash", "scripts/run-dev.sh", "80a1"], cwd=BASE_DIR, env=dev_env, capture_output=True, text=True
    )
    assert done.returncode == 2 and "must be a number" in done.stderr
