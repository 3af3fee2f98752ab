"""The layout's rules (issue 14), checked so they stay true: which package may import which, what a
command or a module loads, and that every package says what it owns.

Imports are read from the source (every `import`/`from` statement, function-level ones included)
and checked again by importing in a fresh interpreter, where lazy imports would hide nothing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported(package: str) -> dict[str, set[str]]:
    """Each module of `package` (a folder under ROOT) with the top-level names it imports."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def _loaded_after(statement: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after running `statement`."""
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_site_generator_never_imports_the_intake():
    """`tasteget` (content model and site generation) stands alone: the intake depends on it, never
    the other way round, so the two top-level packages do not import each other."""
    offenders = {module: "intake" for module, names in _imported("tasteget").items() if "intake" in names}
    assert offenders == {}


def test_the_content_model_imports_neither_flask_nor_mkdocs():
    offenders = {
        module: sorted(names & {"flask", "mkdocs", "flask_babel", "flask_wtf"})
        for module, names in _imported("tasteget/content").items()
        if names & {"flask", "mkdocs", "flask_babel", "flask_wtf"}
    }
    assert offenders == {}
    loaded = _loaded_after("import tasteget.content.load, tasteget.content.fields")
    assert not loaded & {"flask", "mkdocs", "intake"}


def test_checking_content_loads_no_flask_no_database_and_no_site_engine():
    """`tasteget check` is the communicators' command: it must start fast and need nothing of the
    service, so the command line loads each area's commands only when they run."""
    loaded = _loaded_after(
        "from intake.cli import main\n"
        "try:\n    main(['check', '--quiet'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert "tasteget" in loaded
    assert not loaded & {"flask", "sqlalchemy", "alembic", "flask_babel", "mkdocs"}


@pytest.mark.parametrize("module", ["intake.models", "intake.settings", "intake.references"])
def test_the_shared_vocabulary_loads_without_the_app(module):
    """Importing a module loads what it needs, not the whole app (create_app imports the blueprints
    inside itself)."""
    loaded = _loaded_after(f"import {module}")
    assert not loaded & {"flask", "flask_babel", "flask_wtf", "flask_limiter", "mkdocs"}


def test_every_package_says_what_it_owns():
    """Each package's __init__.py starts with a docstring: the map a newcomer reads."""
    missing = []
    for init in sorted((ROOT / "intake").rglob("__init__.py")) + sorted((ROOT / "tasteget").rglob("__init__.py")):
        if "migrations" in init.parts:
            continue
        if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))):
            missing.append(str(init.relative_to(ROOT)))
    assert missing == []


def test_the_intake_root_keeps_only_plumbing_and_shared_vocabulary():
    """New features go into a package named for what they own, not into intake/'s root."""
    root = sorted(p.name for p in (ROOT / "intake").glob("*.py"))
    assert root == [
        "__init__.py",
        "__main__.py",
        "choices.py",
        "cli.py",
        "db.py",
        "gunicorn_conf.py",
        "models.py",
        "references.py",
        "settings.py",
        "spreadsheet.py",
        "wsgi.py",
    ]


def test_the_tests_mirror_the_packages():
    """A folder of tests per package, named as the package is, so a change's tests are found beside
    its name (plus the browser lane, the shared support and the recorded contracts)."""
    packages = {p.parent.name for p in (ROOT / "intake").glob("*/__init__.py")}
    packages |= {p.parent.name for p in (ROOT / "tasteget").glob("*/__init__.py")}
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - packages == {"browser", "support", "contracts"}
    assert all((ROOT / "tests" / name / "__init__.py").is_file() for name in folders - {"contracts"})
