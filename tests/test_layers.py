"""The import contract (.importlinter) holds on the tree, and a wrong import breaks it by name.

The failing cases run `lint-imports` on a copy of the package with one import added, so that the real
tree is never touched; the copy comes first on the path, so the contract reads the copy.
"""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(tree / ".importlinter")],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "strom",
        tree / "strom",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale", "migrations"),
    )
    shutil.copy(CONTRACT, tree / ".importlinter")
    return tree


def _contract() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONTRACT)
    return parser


def _lines(parser, contract: str, option: str) -> str:
    return parser[f"importlinter:contract:{contract}"][option]


def test_it_keeps_the_contract_on_the_tree():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# (file in the copy, line added to it, what the broken contract says)
WRONG_IMPORTS = [
    pytest.param(
        "strom/core/crypto.py",
        "from strom.directory import models  # noqa: E402,F401\n",
        "strom.core.crypto -> strom.directory.models",
        id="core-imports-a-feature-app",
    ),
    pytest.param(
        "strom/accounts/roles.py",
        "from strom.pathways import queries  # noqa: E402,F401\n",
        "strom.accounts.roles -> strom.pathways.queries",
        id="accounts-imports-a-feature-app",
    ),
    pytest.param(
        "strom/directory/queries.py",
        "def _pathways():\n    from strom.pathways import queries  # noqa: F401\n",
        "strom.directory.queries -> strom.pathways.queries",
        id="a-lower-feature-app-imports-a-higher-one-inside-a-function",
    ),
    pytest.param(
        "strom/pathways/models.py",
        "def _actions():\n    from strom.pathways import actions  # noqa: F401\n",
        "strom.pathways.models -> strom.pathways.actions",
        id="models-import-actions-inside-a-function",
    ),
    pytest.param(
        "strom/accounts/permissions.py",
        "from strom.accounts import queries  # noqa: E402,F401\n",
        "strom.accounts.permissions -> strom.accounts.queries",
        id="permissions-import-queries",
    ),
    pytest.param(
        "strom/pathways/health.py",
        "from strom.directory import views  # noqa: E402,F401\n",
        "strom.pathways.health -> strom.directory.views",
        id="one-app-imports-another-apps-views",
    ),
    pytest.param(
        "strom/api/v1/pathways.py",
        "from strom.pathways import demo  # noqa: E402,F401\n",
        "strom.api.v1.pathways -> strom.pathways.demo",
        id="the-api-imports-a-demo-loader",
    ),
]


@pytest.mark.parametrize(("path", "line", "named"), WRONG_IMPORTS)
def test_it_fails_on_a_wrong_import_and_names_it(tmp_path, path, line, named):
    tree = _copy_of_the_tree(tmp_path)
    with (tree / path).open("a") as module:
        module.write("\n" + line)

    result = _lint(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert named in result.stdout, result.stdout


def test_it_names_every_app_in_both_layer_contracts():
    parser = _contract()
    apps = sorted(f"strom.{path.parent.name}" for path in (ROOT / "strom").glob("*/apps.py"))
    layers = _lines(parser, "layers", "layers").replace("(", " ").replace(")", " ")
    containers = _lines(parser, "inside-apps", "containers").split()
    for app in apps:
        assert app in layers.replace("|", " ").replace(":", " ").split(), f"{app} has no place in the layers"
        assert app in containers, f"{app} is not a container of the contract inside apps"


def test_it_names_every_views_module_in_the_contract():
    parser = _contract()
    inside = _lines(parser, "inside-apps", "layers")
    protected = _lines(parser, "views", "protected_modules").split()
    for path in sorted((ROOT / "strom").glob("*/views*.py")):
        if path.stem == "views":
            continue  # strom.*.views covers them all
        assert f"({path.stem})" in inside, f"{path.stem} is not a layer inside apps"
        assert f"strom.{path.parent.name}.{path.stem}" in protected, f"{path} is not protected"
