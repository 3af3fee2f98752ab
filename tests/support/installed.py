"""The package as `pip install .` leaves it: the wheel, installed in a fresh environment outside the
checkout, and run from a folder of its own against a copy of the content.

The wheel ships code, not content: a deployment is the installed package plus the campaign's
content, docs and MkDocs configurations, which the operator keeps (here: a copy of the repository's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from intake import settings

from tests.support.helpers import ROOT

# What a deployment copies from the repository beside the installed package.
DEPLOYMENT_FILES = ["content", "docs", "mkdocs.yml", "mkdocs.en.yml"]


def checkout_files() -> list[str]:
    """The checkout's files as a clean clone would have them: tracked or new, never ignored leftovers
    (build/, *.egg-info/, __pycache__/), which setuptools would otherwise pack into the wheel."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({name for name in listed.split("\0") if name and (ROOT / name).is_file()})


def build_wheel(out: Path) -> Path:
    """Build the wheel from a copy of the checkout's files, the way `pip install .` builds it.

    No build isolation and no index: the setuptools of the test extras builds it, so the tests need
    no network (pip would otherwise download the build backend)."""
    try:
        version = tuple(map(int, metadata.version("setuptools").split(".")[:2]))
    except metadata.PackageNotFoundError:
        version = ()
    if version < (70, 1):
        raise RuntimeError("building the wheel needs setuptools>=70.1 (in the test extras): run `make`")
    source = out / "source"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = out / "dist"
    _pip("wheel", "--no-deps", "--no-index", "--no-build-isolation", "--wheel-dir", str(dist), str(source))
    (wheel,) = dist.glob("tasteget-*.whl")
    return wheel


@dataclass(frozen=True)
class Installed:
    """A virtualenv with the wheel installed."""

    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def instance(self) -> Path:
        """Flask's instance folder for an installed package: SQLite, secret and mail by default."""
        return self.venv / "var" / "intake-instance"

    def run(self, *args: str, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
        """Run one of the environment's commands (`tasteget …`) as an operator would."""
        command = [str(self.venv / "bin" / args[0]), *args[1:]]
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def install(wheel: Path, venv: Path) -> Installed:
    """A fresh virtualenv with the wheel installed in it.

    Only the wheel is installed there: its dependencies are the ones this test run already has,
    reached through a .pth file naming this environment's site-packages. That keeps the test fast
    and offline (no download of twenty packages on every CI run) while the code, its templates and
    its data come from the wheel alone: a .pth line only adds a folder to sys.path, so the checkout's
    editable install (a .pth *file* in that folder) is never run, and the wheel's own packages come
    first on the path. `pip check` then confirms the wheel's declared dependencies are satisfied."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _pip("--python", str(venv / "bin" / "python"), "install", "--no-deps", "--no-index", str(wheel))
    installed = Installed(venv)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(subprocess.check_output([installed.python, "-c", where], text=True).strip())
    ours = sorted({p for p in sys.path if Path(p).name.endswith("-packages") and Path(p).is_dir()})
    (purelib / "dependencies-of-the-test-run.pth").write_text("".join(f"{p}\n" for p in ours))
    return installed


def _pip(*args: str) -> None:
    """This environment's pip; its own words if it fails."""
    result = subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def deployment(folder: Path) -> Path:
    """A copy of the repository's content, docs and MkDocs configurations, as an operator keeps them."""
    folder.mkdir(parents=True)
    for name in DEPLOYMENT_FILES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, folder / name)
    return folder


def environment(**values: str) -> dict[str, str]:
    """This process's environment without anything that points into the checkout or sets the
    intake (PYTHONPATH, the content folder, every setting), plus `values`."""
    drop = {"PYTHONPATH", "TASTEGET_CONTENT", "SECRET_KEY", *settings.DEFAULTS}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **values}
